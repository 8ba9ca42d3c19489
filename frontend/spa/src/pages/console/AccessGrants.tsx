import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input, Modal, Popconfirm, Radio, Select, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createGrant, listGrants, revokeGrant, type AccessGrant, type GrantScope } from '../../api/grants';
import { queryKeys } from '../../api/queryKeys';
import { listStaff } from '../../api/staff';
import { hasStaffRole, useMe } from '../../auth/session';
import { CustomerPicker } from '../../components/CustomerPicker';
import { settled, useShowError } from '../../components/errors';
import { PagedTable, usePagedQuery } from '../../components/PagedTable';
import { PageHeader } from '../../components/PageHeader';
import { useDateTime } from '../../lib/format';
import { CustomerName, useCustomer } from '../../lib/names';
import { useCan } from '../../lib/permissions';

type GrantState = 'active' | 'expired' | 'revoked';
const STATE_COLOR: Record<GrantState, string> = { active: 'success', expired: 'default', revoked: 'error' };

function stateOf(grant: AccessGrant, now: number): GrantState {
  if (grant.revoked_at) return 'revoked';
  if (grant.active !== undefined) return grant.active ? 'active' : 'expired';
  return new Date(grant.expires_at).getTime() <= now ? 'expired' : 'active';
}

function RevokeQuestion({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const customer = useCustomer(orgId);
  return <>{t('grants.revokeConfirm', { org: customer.data?.name ?? orgId })}</>;
}

export default function AccessGrants() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const can = useCan();
  // Support may grant itself read access, with a reason; only admins grant others or write access.
  const canCreate = can('console.grants.create');

  const grants = usePagedQuery(queryKeys.grants, listGrants);
  const revoke = useMutation({
    mutationFn: revokeGrant,
    onSuccess: () => {
      void message.success(t('grants.revoked'));
      return queryClient.invalidateQueries({ queryKey: queryKeys.grants });
    },
    onError: (e) => showError(e),
  });
  const now = Date.now();

  return (
    <>
      <PageHeader
        title={t('grants.title')}
        extra={canCreate && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('grants.create')}</Button>}
      >
        {t('grants.intro')}
      </PageHeader>
      <PagedTable<AccessGrant>
        query={grants}
        rowKey="id"
        emptyText={t('grants.empty')}
        minWidth={960}
        columns={[
          { key: 'org', title: t('grants.organization'), dataIndex: 'org_id', fixed: 'left', render: (id: string) => <CustomerName orgId={id} /> },
          { key: 'grantee', title: t('grants.grantee'), ellipsis: true, render: (_, g) => g.grantee_email || g.grantee_id },
          { key: 'scope', title: t('grants.scope'), width: 170, render: (_, g) => <Tag color={g.scope === 'write' ? 'orange' : 'blue'}>{t(`grants.scopes.${g.scope}`)}</Tag> },
          { key: 'reason', title: t('grants.reason'), dataIndex: 'reason', render: (reason: string) => <Typography.Text ellipsis={{ tooltip: reason }}>{reason}</Typography.Text> },
          { key: 'expires', title: t('grants.expires'), dataIndex: 'expires_at', width: 180, render: dateTime },
          { key: 'state', title: t('grants.state'), width: 130, render: (_, g) => { const state = stateOf(g, now); return <Tag color={STATE_COLOR[state]}>{t(`grants.states.${state}`)}</Tag>; } },
          ...(can('console.grants.revoke') ? [{
            key: 'actions',
            title: '',
            fixed: 'right' as const,
            width: 110,
            render: (_: unknown, g: AccessGrant) => stateOf(g, now) !== 'active' ? null : (
              <Popconfirm
                title={<RevokeQuestion orgId={g.org_id} />}
                okText={t('grants.revoke')}
                okButtonProps={{ danger: true }}
                cancelText={t('common.cancel')}
                onConfirm={() => settled(revoke.mutateAsync(g.id))}
              >
                <Button size="small" danger>{t('grants.revoke')}</Button>
              </Popconfirm>
            ),
          }] : []),
        ]}
      />
      <CreateGrantDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          void message.success(t('grants.created'));
          void queryClient.invalidateQueries({ queryKey: queryKeys.grants });
        }}
      />
    </>
  );
}

interface GrantValues {
  org_id: string;
  grantee_id: string;
  scope: GrantScope;
  reason: string;
  expires_at: Dayjs;
}

function CreateGrantDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const showError = useShowError();
  const [form] = Form.useForm<GrantValues>();
  // The grant policy, beyond the permission table: an admin grants anyone read or write; support only itself, read.
  const isAdmin = hasStaffRole(me, 'admin');
  // Admins pick anyone; the list is only asked for while the dialog is open.
  const staff = useQuery({
    queryKey: queryKeys.staffOptions,
    queryFn: () => listStaff({ limit: 100 }),
    enabled: open && isAdmin,
  });
  const create = useMutation({
    mutationFn: (values: GrantValues) => createGrant({
      org_id: values.org_id,
      // without a grantee the grant is the caller's own (support's self-grant)
      ...(isAdmin ? { grantee_id: values.grantee_id } : {}),
      scope: values.scope,
      reason: values.reason.trim(),
      expires_at: values.expires_at.toISOString(),
    }),
    onSuccess: onCreated,
    onError: (e) => showError(e, form),
  });
  const granteeOptions = isAdmin
    ? (staff.data?.items ?? []).filter((u) => u.status === 'active').map((u) => ({ value: u.id, label: u.name ? `${u.name} (${u.email})` : u.email }))
    : [{ value: me.user.id, label: t('grants.myself', { email: me.user.email }) }];

  return (
    <Modal
      open={open}
      title={t('grants.createTitle')}
      okText={t('grants.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        preserve={false}
        initialValues={{ scope: 'read', grantee_id: isAdmin ? undefined : me.user.id, expires_at: dayjs().add(1, 'day') }}
        onFinish={(values) => create.mutate(values)}
      >
        <Form.Item name="org_id" label={t('grants.organization')} rules={[{ required: true, message: t('validation.required') }]}>
          <CustomerPicker />
        </Form.Item>
        <Form.Item name="grantee_id" label={t('grants.grantee')} rules={[{ required: true, message: t('validation.required') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={granteeOptions}
            loading={staff.isFetching}
            disabled={!isAdmin}
            notFoundContent={staff.isError ? t('errors.loadFailed') : undefined}
          />
        </Form.Item>
        <Form.Item name="scope" label={t('grants.scope')}>
          <Radio.Group
            options={[
              { value: 'read', label: t('grants.scopes.read') },
              { value: 'write', label: t('grants.scopes.write'), disabled: !isAdmin },
            ]}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('grants.reason')} rules={[{ required: true, whitespace: true, message: t('grants.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder={t('grants.reasonPlaceholder')} />
        </Form.Item>
        <Form.Item name="expires_at" label={t('grants.expires')} rules={[{ required: true, message: t('validation.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="DD.MM.YYYY HH:mm" style={{ width: '100%' }} disabledDate={(day) => day.isBefore(dayjs(), 'day')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
