import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Form, Input, List, Popconfirm, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/errors';
import {
  channelKeys, connectCalcom, disconnectCalcom, getCalcom, listCalcomEventTypes, type Calcom,
} from '../../../api/fastleadChannels';
import { describeError, ErrorState, settled, useShowError } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { SecretShownOnce, useFormErrors } from './shared';
import { useWorkspace } from './WorkspaceLayout';

/**
 * «Календарь»: Cal.com by its API key, the account's event types, and the webhook to set up in Cal.com
 * so bookings mark leads booked. The webhook's secret is made when connecting and shown that once.
 */
export default function Calendar() {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const manage = useCan()('app.workspaces.update') && workspace.status === 'active';
  const dateTime = useDateTime();
  // only in this page's memory: the server never answers it again, nor does the cache keep it
  const [secret, setSecret] = useState<string | null>(null);
  const calcom = useQuery({ queryKey: channelKeys.calcom(orgId, workspace.id), queryFn: () => getCalcom(orgId, workspace.id) });
  if (calcom.isPending) return <PageSpin />;
  if (calcom.isError) return <ErrorState error={calcom.error} onRetry={() => void calcom.refetch()} />;

  const view = calcom.data;
  return (
    <Flex vertical gap={16}>
      <Card
        title="Cal.com"
        extra={view.connected
          ? <Tag color="green">{t('fastlead.channels.status.active')}</Tag>
          : <Tag>{t('fastlead.channels.status.off')}</Tag>}
      >
        <Flex vertical gap={12}>
          <Typography.Text type="secondary">{t('fastlead.channels.calendar.intro')}</Typography.Text>
          {view.connected && (
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('fastlead.channels.calendar.apiKey')}>
                <Typography.Text code>{view.api_key_hint}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('fastlead.channels.calendar.connectedAt')}>{dateTime(view.connected_at)}</Descriptions.Item>
            </Descriptions>
          )}
          {manage && <CalcomKeyForm connected={view.connected} onSecret={setSecret} />}
        </Flex>
      </Card>
      {view.connected && <Webhook view={view} secret={secret} />}
      {view.connected && <EventTypes />}
      {view.connected && manage && <Disconnect onDone={() => setSecret(null)} />}
    </Flex>
  );
}

function CalcomKeyForm({ connected, onSecret }: { connected: boolean; onSecret: (secret: string | null) => void }) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const showFieldErrors = useFormErrors();
  const [form] = Form.useForm<{ api_key: string }>();
  const connect = useMutation({
    mutationFn: (apiKey: string) => connectCalcom(orgId, workspace.id, apiKey),
    onSuccess: async (view) => {
      onSecret(view.webhook_secret ?? null);
      form.resetFields();
      queryClient.setQueryData(channelKeys.calcom(orgId, workspace.id), { ...view, webhook_secret: null });
      void message.success(t('fastlead.channels.calendar.connected'));
      await queryClient.invalidateQueries({ queryKey: channelKeys.eventTypes(orgId, workspace.id) });
    },
    onError: (error) => {
      // a key Cal.com refused is the key field's problem, in Cal.com's words
      if (isApiError(error) && error.code === 'calcom-key-refused') {
        form.setFields([{ name: 'api_key', errors: [error.detail] }]);
      } else {
        showFieldErrors(error, form);
      }
    },
  });
  return (
    <Form form={form} layout="vertical" requiredMark={false} autoComplete="off" onFinish={({ api_key }) => connect.mutate(api_key.trim())}>
      <Form.Item
        name="api_key"
        label={connected ? t('fastlead.channels.calendar.newKey') : t('fastlead.channels.calendar.apiKey')}
        extra={t('fastlead.channels.calendar.keyHint')}
        rules={[
          { required: true, whitespace: true, message: t('fastlead.channels.fieldErrors.required') },
          { pattern: /^\s*cal_[A-Za-z0-9_]{8,200}\s*$/, message: t('fastlead.channels.calendar.keyFormat') },
        ]}
      >
        <Input.Password autoComplete="new-password" placeholder="cal_live_…" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={connect.isPending}>
        {connected ? t('fastlead.channels.calendar.replace') : t('fastlead.channels.calendar.connect')}
      </Button>
    </Form>
  );
}

function Webhook({ view, secret }: { view: Calcom; secret: string | null }) {
  const { t } = useTranslation();
  return (
    <Card title={t('fastlead.channels.calendar.webhook')}>
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{t('fastlead.channels.calendar.webhookHint')}</Typography.Text>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('fastlead.channels.calendar.webhookUrl')}>
            <Typography.Text copyable>{view.webhook_url}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('fastlead.channels.calendar.triggers')}>
            <Flex gap={4} wrap>{view.triggers.map((trigger) => <Tag key={trigger}>{trigger}</Tag>)}</Flex>
          </Descriptions.Item>
        </Descriptions>
        <SecretShownOnce
          secret={secret}
          label={t('fastlead.channels.calendar.secret')}
          once={t('fastlead.channels.calendar.secretOnce')}
          shown={t('fastlead.channels.calendar.secretShown')}
        />
      </Flex>
    </Card>
  );
}

function EventTypes() {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const types = useQuery({
    queryKey: channelKeys.eventTypes(orgId, workspace.id),
    queryFn: () => listCalcomEventTypes(orgId, workspace.id),
  });
  return (
    <Card title={t('fastlead.channels.calendar.eventTypes')} loading={types.isPending}>
      {types.isError && <Alert type="error" showIcon title={describeError(types.error, t)} />}
      {types.isSuccess && (types.data.items.length === 0
        ? <Empty description={t('fastlead.channels.calendar.noEventTypes')} />
        : (
          <List
            dataSource={types.data.items}
            renderItem={(type) => (
              <List.Item key={type.id}>
                <List.Item.Meta title={type.title} description={`/${type.slug}`} />
                {type.length != null && t('fastlead.channels.calendar.minutes', { count: type.length })}
              </List.Item>
            )}
          />
        ))}
    </Card>
  );
}

function Disconnect({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const disconnect = useMutation({
    mutationFn: () => disconnectCalcom(orgId, workspace.id),
    onSuccess: async () => {
      onDone();
      void message.success(t('fastlead.channels.calendar.disconnected'));
      await queryClient.invalidateQueries({ queryKey: channelKeys.calcom(orgId, workspace.id) });
    },
    onError: (error) => showError(error),
  });
  return (
    <Popconfirm
      title={t('fastlead.channels.calendar.disconnectConfirm')}
      description={t('fastlead.channels.calendar.disconnectHint')}
      okText={t('fastlead.channels.disconnect')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      onConfirm={() => settled(disconnect.mutateAsync())}
    >
      <Button danger loading={disconnect.isPending} style={{ alignSelf: 'flex-start' }}>
        {t('fastlead.channels.calendar.disconnect')}
      </Button>
    </Popconfirm>
  );
}
