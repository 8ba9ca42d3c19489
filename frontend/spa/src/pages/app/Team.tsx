import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Flex, Form, Input, Modal, Popconfirm, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CUSTOMER_ROLES } from '../../api/enums';
import { queryKeys } from '../../api/queryKeys';
import { inviteMember, listMembers, removeMember, updateMemberRole, type CustomerRole, type Member } from '../../api/team';
import { currentMembership, useMe } from '../../auth/session';
import { settled, useShowError } from '../../components/errors';
import { PagedTable, usePagedQuery } from '../../components/PagedTable';
import { PageHeader } from '../../components/PageHeader';
import { useDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';

export default function Team() {
  const { t } = useTranslation();
  const me = useMe();
  const orgId = me.current.org_id;
  if (orgId) return <TeamTable orgId={orgId} />;
  return (
    <>
      <PageHeader title={t('team.title')} />
      <Empty description={t('team.noOrganization')} />
    </>
  );
}

function TeamTable({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const labels = useLabels();
  const dateTime = useDateTime();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [inviting, setInviting] = useState(false);
  const myRole = currentMembership(me)?.role;
  const canManage = myRole === 'owner' || myRole === 'admin';
  // Only an owner hands out (or takes away) the owner role.
  const assignable = CUSTOMER_ROLES.filter((role) => role !== 'owner' || myRole === 'owner');
  const roleOptions = assignable.map((value) => ({ value, label: labels.role('customer', value) }));

  const members = usePagedQuery(queryKeys.members(orgId), (cursor) => listMembers(orgId, cursor));
  const changed = (text: string) => {
    void message.success(text);
    return queryClient.invalidateQueries({ queryKey: queryKeys.members(orgId) });
  };
  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: CustomerRole }) => updateMemberRole(orgId, member.id, { role }),
    onSuccess: () => changed(t('common.saved')),
    onError: (e) => showError(e),
  });
  const remove = useMutation({
    mutationFn: (member: Member) => removeMember(orgId, member.id),
    onSuccess: () => changed(t('team.removed')),
    onError: (e) => showError(e),
  });
  const isMe = (m: Member) => m.user_id === me.user.id;
  const editable = (m: Member) => canManage && !isMe(m) && (m.role !== 'owner' || myRole === 'owner');

  return (
    <>
      <PageHeader
        title={t('team.title')}
        extra={canManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setInviting(true)}>{t('team.invite')}</Button>}
      />
      <PagedTable<Member>
        query={members}
        rowKey="id"
        emptyText={t('team.empty')}
        minWidth={760}
        columns={[
          {
            key: 'member',
            title: t('team.member'),
            fixed: 'left',
            render: (_, m) => (
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text strong ellipsis>{m.name || '—'} {isMe(m) && <Tag>{t('team.you')}</Tag>}</Typography.Text>
                <Typography.Text type="secondary" ellipsis={{ tooltip: m.email }}>{m.email}</Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'role',
            title: t('team.role'),
            width: 200,
            render: (_, m) => editable(m) ? (
              <Select<CustomerRole>
                size="small"
                aria-label={t('team.role')}
                value={m.role}
                options={roleOptions}
                style={{ width: 170 }}
                disabled={changeRole.isPending}
                onChange={(role) => changeRole.mutate({ member: m, role })}
              />
            ) : <Tag>{labels.role('customer', m.role)}</Tag>,
          },
          { key: 'status', title: t('team.status'), width: 140, render: (_, m) => <Tag color={m.status === 'active' ? 'success' : 'processing'}>{t(`memberStatus.${m.status}`)}</Tag> },
          { key: 'since', title: t('team.since'), dataIndex: 'created_at', width: 180, render: dateTime },
          ...(canManage ? [{
            key: 'actions',
            title: '',
            fixed: 'right' as const,
            width: 120,
            render: (_: unknown, m: Member) => !editable(m) ? null : (
              <Popconfirm
                title={t(m.status === 'invited' ? 'team.withdrawConfirm' : 'team.removeConfirm', { email: m.email })}
                okText={t(m.status === 'invited' ? 'team.withdraw' : 'team.remove')}
                okButtonProps={{ danger: true }}
                cancelText={t('common.cancel')}
                onConfirm={() => settled(remove.mutateAsync(m))}
              >
                <Button size="small" danger>{t(m.status === 'invited' ? 'team.withdraw' : 'team.remove')}</Button>
              </Popconfirm>
            ),
          }] : []),
        ]}
      />
      <InviteMemberDialog
        orgId={orgId}
        open={inviting}
        roleOptions={roleOptions}
        onClose={() => setInviting(false)}
        onInvited={() => { setInviting(false); void changed(t('team.invited')); }}
      />
    </>
  );
}

function InviteMemberDialog({ orgId, open, roleOptions, onClose, onInvited }: {
  orgId: string; open: boolean; roleOptions: { value: CustomerRole; label: string }[]; onClose: () => void; onInvited: () => void;
}) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ email: string; role: CustomerRole }>();
  const invite = useMutation({
    mutationFn: (values: { email: string; role: CustomerRole }) => inviteMember(orgId, values),
    onSuccess: onInvited,
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open={open}
      title={t('team.inviteTitle')}
      okText={t('team.sendInvite')}
      cancelText={t('common.cancel')}
      confirmLoading={invite.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} preserve={false} initialValues={{ role: 'operator' }} onFinish={(values) => invite.mutate(values)}>
        <Form.Item name="email" label={t('fields.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}>
          <Input type="email" autoComplete="off" />
        </Form.Item>
        <Form.Item name="role" label={t('team.role')} rules={[{ required: true, message: t('validation.required') }]}>
          <Select options={roleOptions} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
