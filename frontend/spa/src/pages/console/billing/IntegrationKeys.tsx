import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  billingKeys, createIntegrationKey, listIntegrationKeys, revokeIntegrationKey, rotateIntegrationKey,
  type IntegrationKey, type IssuedIntegrationKey,
} from '../../../api/billing';
import { ErrorState, settled, useShowError } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { ReasonDialog } from '../licenses/ReasonDialog';

/** The secret of a key just made or rotated: in this answer only, so it is shown once with a copy button. */
function SecretOnce({ issued, onClose }: { issued: IssuedIntegrationKey | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open={issued !== null}
      title={t('billing.keys.secretTitle', { name: issued?.credential.name ?? '' })}
      onOk={onClose}
      onCancel={onClose}
      okText={t('billing.keys.secretSaved')}
      cancelButtonProps={{ style: { display: 'none' } }}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('billing.keys.secretOnce')} />
      <Typography.Paragraph>
        {t('billing.keys.keyId')}: <Typography.Text code copyable>{issued?.credential.id}</Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph>
        {t('billing.keys.secret')}: <Typography.Text code copyable>{issued?.secret}</Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('billing.keys.howToSign')}</Typography.Paragraph>
    </Modal>
  );
}

/** Integration keys of 1С / a CRM: made, rotated and revoked by admins; the secret shown once. */
export default function IntegrationKeys() {
  const { t } = useTranslation();
  const can = useCan();
  const canManage = can('console.integrations.manage');
  const dateTime = useDateTime();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name: string }>();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedIntegrationKey | null>(null);
  const [revoking, setRevoking] = useState<IntegrationKey | null>(null);
  const keys = useQuery({ queryKey: billingKeys.integrationKeys, queryFn: listIntegrationKeys });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: billingKeys.integrationKeys });
  const shown = (answer: IssuedIntegrationKey) => {
    setIssued(answer);
    refresh();
  };
  const create = useMutation({
    mutationFn: (name: string) => createIntegrationKey(name),
    onSuccess: (answer) => {
      setCreating(false);
      shown(answer);
    },
    onError: (error) => showError(error, form),
  });
  const rotate = useMutation({ mutationFn: rotateIntegrationKey, onSuccess: shown, onError: (error) => showError(error) });
  const revoke = useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => revokeIntegrationKey(id, reason),
    onSuccess: (key) => {
      setRevoking(null);
      void message.success(t('billing.keys.revoked', { name: key.name }));
      refresh();
    },
    onError: (error) => showError(error),
  });

  return (
    <>
      <PageHeader
        title={t('billing.keys.title')}
        extra={canManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('billing.keys.create')}</Button>}
      >
        {t('billing.keys.intro')}
      </PageHeader>
      {!canManage && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('billing.keys.readOnly')} />}
      {keys.isError ? <ErrorState error={keys.error} onRetry={() => void keys.refetch()} /> : (
        <Table<IntegrationKey>
          size="small"
          rowKey="id"
          loading={keys.isPending}
          dataSource={keys.data ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: keys.isPending ? ' ' : t('billing.keys.empty') }}
          columns={[
            {
              key: 'name',
              title: t('billing.keys.name'),
              fixed: 'left',
              render: (_, k) => (
                <Flex vertical>
                  <Typography.Text strong>{k.name}</Typography.Text>
                  <Typography.Text type="secondary" copyable style={{ fontSize: 12 }}>{k.id}</Typography.Text>
                </Flex>
              ),
            },
            {
              key: 'status',
              title: t('billing.keys.status'),
              width: 110,
              render: (_, k) => <Tag color={k.status === 'active' ? 'green' : 'default'}>{t(`billing.keys.statuses.${k.status}`)}</Tag>,
            },
            { key: 'secret', title: t('billing.keys.secret'), width: 110, render: (_, k) => <Typography.Text code>…{k.secret_hint}</Typography.Text> },
            { key: 'created', title: t('billing.createdAt'), width: 170, render: (_, k) => dateTime(k.created_at) },
            { key: 'rotated', title: t('billing.keys.changedAt'), width: 170, render: (_, k) => dateTime(k.revoked_at ?? k.rotated_at) },
            ...(canManage ? [{
              key: 'actions',
              title: '',
              width: 220,
              render: (_: unknown, k: IntegrationKey) => k.status === 'active' && (
                <Flex gap={8} wrap>
                  <Popconfirm
                    title={t('billing.keys.rotateTitle', { name: k.name })}
                    description={t('billing.keys.rotateText')}
                    okText={t('billing.keys.rotate')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => settled(rotate.mutateAsync(k.id))}
                  >
                    <Button size="small">{t('billing.keys.rotate')}</Button>
                  </Popconfirm>
                  <Button size="small" danger onClick={() => setRevoking(k)}>{t('billing.keys.revoke')}</Button>
                </Flex>
              ),
            }] : []),
          ]}
        />
      )}
      <Modal
        open={creating}
        title={t('billing.keys.createTitle')}
        okText={t('billing.keys.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" requiredMark={false} preserve={false} onFinish={(values) => create.mutate(values.name.trim())}>
          <Form.Item name="name" label={t('billing.keys.name')}
            rules={[{ required: true, whitespace: true, min: 2, max: 100, message: t('billing.keys.nameRequired') }]}>
            <Input maxLength={100} placeholder={t('billing.keys.namePlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce issued={issued} onClose={() => setIssued(null)} />
      <ReasonDialog
        open={revoking !== null}
        title={t('billing.keys.revokeTitle', { name: revoking?.name ?? '' })}
        text={t('billing.keys.revokeText')}
        okText={t('billing.keys.revoke')}
        danger
        loading={revoke.isPending}
        onOk={(reason) => revoking && revoke.mutate({ id: revoking.id, reason })}
        onCancel={() => setRevoking(null)}
      />
    </>
  );
}
