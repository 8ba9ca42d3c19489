import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Modal, Popconfirm, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { STAFF_ROLES } from '../../api/enums';
import { queryKeys } from '../../api/queryKeys';
import {
  deactivateStaff, inviteStaff, listStaff, resetStaffMfa, updateStaffRoles, type StaffRole, type StaffStatus, type StaffUser,
} from '../../api/staff';
import { useMe } from '../../auth/session';
import { settled, useShowError } from '../../components/errors';
import { PagedTable, usePagedQuery } from '../../components/PagedTable';
import { PageHeader } from '../../components/PageHeader';
import { useDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { useCan } from '../../lib/permissions';

const STATUS_COLOR: Record<StaffStatus, string> = { invited: 'processing', active: 'success', deactivated: 'default' };

export default function StaffUsers() {
  const { t } = useTranslation();
  const me = useMe();
  const labels = useLabels();
  const dateTime = useDateTime();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<StaffRole | undefined>();
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<StaffUser | null>(null);
  const can = useCan();

  const filters = { q: search || undefined, role };
  const staff = usePagedQuery(queryKeys.staffList(filters), (cursor) => listStaff({ ...filters, cursor }));
  const changed = (text: string) => {
    void message.success(text);
    return queryClient.invalidateQueries({ queryKey: queryKeys.staff });
  };
  const deactivate = useMutation({ mutationFn: deactivateStaff, onSuccess: () => changed(t('staff.deactivated')), onError: (e) => showError(e) });
  const resetMfa = useMutation({ mutationFn: resetStaffMfa, onSuccess: () => changed(t('staff.mfaReset')), onError: (e) => showError(e) });
  const roleOptions = STAFF_ROLES.map((value) => ({ value, label: labels.role('staff', value) }));

  return (
    <>
      <PageHeader
        title={t('staff.title')}
        extra={can('console.staff.invite') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setInviting(true)}>{t('staff.invite')}</Button>}
      />
      <Flex wrap gap={8} style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('staff.searchPlaceholder')}
          aria-label={t('staff.searchPlaceholder')}
          onSearch={(value) => setSearch(value.trim())}
          style={{ width: 280, maxWidth: '100%' }}
        />
        <Select
          allowClear
          placeholder={t('staff.roleFilter')}
          aria-label={t('staff.roleFilter')}
          options={roleOptions}
          value={role}
          onChange={setRole}
          style={{ width: 220, maxWidth: '100%' }}
        />
      </Flex>
      <PagedTable<StaffUser>
        query={staff}
        rowKey="id"
        emptyText={search || role ? t('staff.emptyFiltered') : t('staff.empty')}
        minWidth={900}
        columns={[
          {
            key: 'user',
            title: t('staff.user'),
            fixed: 'left',
            render: (_, u) => (
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text strong ellipsis>{u.name || '—'}</Typography.Text>
                <Typography.Text type="secondary" ellipsis={{ tooltip: u.email }}>{u.email}</Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'roles',
            title: t('staff.roles'),
            render: (_, u) => <Flex wrap gap={4}>{u.roles.map((r) => <Tag key={r}>{labels.role('staff', r)}</Tag>)}</Flex>,
          },
          { key: 'status', title: t('staff.status'), width: 130, render: (_, u) => <Tag color={STATUS_COLOR[u.status]}>{t(`staffStatus.${u.status}`)}</Tag> },
          { key: 'mfa', title: t('staff.mfa'), width: 110, render: (_, u) => (u.mfa_enabled ? <Tag color="success">{t('mfa.on')}</Tag> : <Tag>{t('mfa.off')}</Tag>) },
          { key: 'lastLogin', title: t('staff.lastLogin'), dataIndex: 'last_login_at', width: 180, render: dateTime },
          ...(can('console.staff.update') ? [{
            key: 'actions',
            title: '',
            fixed: 'right' as const,
            width: 220,
            render: (_: unknown, u: StaffUser) => (
              <Flex wrap gap={4}>
                <Button size="small" disabled={u.status === 'deactivated'} onClick={() => setEditing(u)}>{t('staff.changeRoles')}</Button>
                <Popconfirm
                  title={t('staff.resetMfaConfirm', { email: u.email })}
                  okText={t('staff.resetMfa')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  disabled={!u.mfa_enabled}
                  onConfirm={() => settled(resetMfa.mutateAsync(u.id))}
                >
                  <Button size="small" disabled={!u.mfa_enabled}>{t('staff.resetMfa')}</Button>
                </Popconfirm>
                <Popconfirm
                  title={t('staff.deactivateConfirm', { email: u.email })}
                  okText={t('staff.deactivate')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  disabled={u.status === 'deactivated' || u.id === me.user.id}
                  onConfirm={() => settled(deactivate.mutateAsync(u.id))}
                >
                  <Button size="small" danger disabled={u.status === 'deactivated' || u.id === me.user.id}>{t('staff.deactivate')}</Button>
                </Popconfirm>
              </Flex>
            ),
          }] : []),
        ]}
      />
      <InviteStaffDialog open={inviting} roleOptions={roleOptions} onClose={() => setInviting(false)} onInvited={() => { setInviting(false); void changed(t('staff.invited')); }} />
      <RolesDialog user={editing} roleOptions={roleOptions} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); void changed(t('common.saved')); }} />
    </>
  );
}

type RoleOption = { value: StaffRole; label: string };

function InviteStaffDialog({ open, roleOptions, onClose, onInvited }: { open: boolean; roleOptions: RoleOption[]; onClose: () => void; onInvited: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ email: string; name?: string; roles: StaffRole[] }>();
  const invite = useMutation({ mutationFn: inviteStaff, onSuccess: onInvited, onError: (e) => showError(e, form) });
  return (
    <Modal
      open={open}
      title={t('staff.inviteTitle')}
      okText={t('staff.sendInvite')}
      cancelText={t('common.cancel')}
      confirmLoading={invite.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} preserve={false} onFinish={(values) => invite.mutate(values)}>
        <Form.Item name="email" label={t('fields.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}>
          <Input type="email" autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label={t('fields.nameOptional')}>
          <Input maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item name="roles" label={t('staff.roles')} rules={[{ required: true, message: t('staff.rolesRequired') }]}>
          <Select mode="multiple" options={roleOptions} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RolesDialog({ user, roleOptions, onClose, onSaved }: { user: StaffUser | null; roleOptions: RoleOption[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ roles: StaffRole[] }>();
  const save = useMutation({
    mutationFn: (roles: StaffRole[]) => updateStaffRoles(user!.id, { roles }),
    onSuccess: onSaved,
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open={user !== null}
      title={t('staff.rolesTitle', { email: user?.email ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} preserve={false} initialValues={{ roles: user?.roles ?? [] }} onFinish={(values) => save.mutate(values.roles)}>
        <Form.Item name="roles" label={t('staff.roles')} rules={[{ required: true, message: t('staff.rolesRequired') }]}>
          <Select mode="multiple" options={roleOptions} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
