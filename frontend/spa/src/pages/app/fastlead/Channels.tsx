import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Flex, Popconfirm, Row, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNEL_KINDS, channelKeys, disconnectChannel, listChannels, setChannelNotifies, testChannel, type Channel, type ChannelKind, type ChannelList,
} from '../../../api/fastleadChannels';
import { ErrorState, settled, useShowError } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { ChannelConnectDialog } from './ChannelConnect';
import { SecretShownOnce } from './shared';
import { useWorkspace } from './WorkspaceLayout';

/**
 * «Каналы»: every kind the API connects, each connected (with its status, the last test and the
 * provider's error), failed or not connected; owners and admins connect, test, choose which tell of
 * new leads and disconnect; everyone else reads. Twilio and WhatsApp show where the provider sends the
 * clients' answers (and WhatsApp's verify token, in full only right after connecting).
 */
export default function Channels() {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const manage = useCan()('app.workspaces.update') && workspace.status === 'active';
  const [connecting, setConnecting] = useState<ChannelKind | null>(null);
  const [verifyToken, setVerifyToken] = useState<string | null>(null);
  const channels = useQuery({
    queryKey: channelKeys.channels(orgId, workspace.id),
    queryFn: () => listChannels(orgId, workspace.id),
  });
  if (channels.isPending) return <PageSpin />;
  if (channels.isError) return <ErrorState error={channels.error} onRetry={() => void channels.refetch()} />;

  const byKind = new Map(channels.data.items.map((channel) => [channel.type, channel]));
  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('fastlead.channels.intro')}</Typography.Paragraph>
      {byKind.size === 0 && (
        <Alert
          type="info"
          showIcon
          title={t('fastlead.channels.empty')}
          description={manage ? t('fastlead.channels.emptyManage') : t('fastlead.channels.emptyAsk')}
        />
      )}
      <Row gutter={[16, 16]}>
        {CHANNEL_KINDS.map((kind) => (
          <Col key={kind} xs={24} md={12} xl={8}>
            <ChannelCard
              kind={kind}
              channel={byKind.get(kind)}
              manage={manage}
              verifyToken={kind === 'whatsapp' ? verifyToken : null}
              onConnect={() => setConnecting(kind)}
            />
          </Col>
        ))}
      </Row>
      {connecting && (
        <ChannelConnectDialog
          kind={connecting}
          onClose={() => setConnecting(null)}
          onConnected={(connected) => { if (connected.inbound?.verify_token) setVerifyToken(connected.inbound.verify_token); }}
        />
      )}
    </Flex>
  );
}

export function ChannelStatus({ channel }: { channel: Channel | undefined }) {
  const { t } = useTranslation();
  if (!channel) return <Tag>{t('fastlead.channels.status.off')}</Tag>;
  return channel.status === 'active'
    ? <Tag color="green">{t('fastlead.channels.status.active')}</Tag>
    : <Tag color="red">{t('fastlead.channels.status.failed')}</Tag>;
}

function ChannelCard({ kind, channel, manage, verifyToken, onConnect }: {
  kind: ChannelKind; channel: Channel | undefined; manage: boolean; verifyToken: string | null; onConnect: () => void;
}) {
  const { t } = useTranslation();
  const title = t(`fastlead.channels.kinds.${kind}`);
  return (
    <Card title={title} extra={<ChannelStatus channel={channel} />} role="region" aria-label={title} style={{ height: '100%' }}>
      {channel
        ? <ConnectedChannel channel={channel} manage={manage} verifyToken={verifyToken} />
        : (
          <Flex vertical gap={12} align="start">
            <Typography.Text type="secondary">{t(`fastlead.channels.about.${kind}`)}</Typography.Text>
            {manage && <Button type="primary" onClick={onConnect}>{t('fastlead.channels.connect')}</Button>}
          </Flex>
        )}
    </Card>
  );
}

function ConnectedChannel({ channel, manage, verifyToken }: { channel: Channel; manage: boolean; verifyToken: string | null }) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const { message } = App.useApp();
  const showError = useShowError();
  const dateTime = useDateTime();
  const queryClient = useQueryClient();
  const key = channelKeys.channels(orgId, workspace.id);
  const title = t(`fastlead.channels.kinds.${channel.type}`);
  const replace = (changed: Channel) => queryClient.setQueryData<ChannelList>(key, (list) => list && {
    items: list.items.map((item) => (item.type === changed.type ? changed : item)),
  });

  const test = useMutation({
    mutationFn: () => testChannel(orgId, workspace.id, channel.type),
    onSuccess: (changed) => {
      replace(changed);
      if (changed.status === 'active') void message.success(t('fastlead.channels.testPassed', { channel: title }));
      else void message.error(t('fastlead.channels.testFailed', { channel: title }));
    },
    onError: (error) => showError(error),
  });
  const notify = useMutation({
    mutationFn: (on: boolean) => setChannelNotifies(orgId, workspace.id, channel.type, on),
    onSuccess: replace,
    onError: (error) => showError(error),
  });
  const disconnect = useMutation({
    mutationFn: () => disconnectChannel(orgId, workspace.id, channel.type),
    onSuccess: async () => {
      void message.success(t('fastlead.channels.disconnected', { channel: title }));
      await queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (error) => showError(error),
  });

  return (
    <Flex vertical gap={12}>
      <Descriptions column={1} size="small">
        {channel.account && <Descriptions.Item label={t('fastlead.channels.account')}>{channel.account}</Descriptions.Item>}
        {Object.entries(channel.settings).map(([name, value]) => (
          <Descriptions.Item key={name} label={t(`fastlead.channels.fields.${name}`, { defaultValue: name })}>{value}</Descriptions.Item>
        ))}
        {Object.entries(channel.credentials_hint).map(([name, hint]) => (
          <Descriptions.Item key={name} label={t(`fastlead.channels.fields.${name}`, { defaultValue: name })}>
            <Typography.Text code>{hint}</Typography.Text>
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t('fastlead.channels.lastTested')}>
          {channel.last_tested_at ? dateTime(channel.last_tested_at) : '—'}
        </Descriptions.Item>
      </Descriptions>
      {channel.inbound && <InboundSetup channel={channel} inbound={channel.inbound} verifyToken={verifyToken} />}
      {channel.last_error && (
        <Alert type="error" showIcon title={channel.last_error.message} description={t('fastlead.channels.failedHint')} />
      )}
      <Flex gap={8} align="center">
        <Switch
          checked={channel.notify_new_leads}
          disabled={!manage}
          loading={notify.isPending}
          onChange={(on) => notify.mutate(on)}
          aria-label={t('fastlead.channels.notifyOf', { channel: title })}
        />
        <Typography.Text>{t('fastlead.channels.notify')}</Typography.Text>
      </Flex>
      {manage && (
        <Flex gap={8} wrap>
          <Button loading={test.isPending} onClick={() => test.mutate()}>{t('fastlead.channels.test')}</Button>
          <Popconfirm
            title={t('fastlead.channels.disconnectConfirm', { channel: title })}
            description={t('fastlead.channels.disconnectHint')}
            okText={t('fastlead.channels.disconnect')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => settled(disconnect.mutateAsync())}
          >
            <Button danger loading={disconnect.isPending}>{t('fastlead.channels.disconnect')}</Button>
          </Popconfirm>
        </Flex>
      )}
    </Flex>
  );
}

/** Where the provider sends the clients' answers: the owner pastes it into Twilio's or Meta's console. */
function InboundSetup({ channel, inbound, verifyToken }: {
  channel: Channel; inbound: NonNullable<Channel['inbound']>; verifyToken: string | null;
}) {
  const { t } = useTranslation();
  const whatsapp = channel.type === 'whatsapp';
  return (
    <Flex vertical gap={8} role="group" aria-label={t('fastlead.channels.inbound.title')}>
      <Typography.Text strong>{t('fastlead.channels.inbound.title')}</Typography.Text>
      <Typography.Text type="secondary">{t(`fastlead.channels.inbound.howTo.${channel.type}`)}</Typography.Text>
      <Typography.Text code copyable>{inbound.webhook_url}</Typography.Text>
      {whatsapp && (
        <SecretShownOnce
          secret={verifyToken}
          label={t('fastlead.channels.fields.verify_token')}
          once={t('fastlead.channels.inbound.tokenOnce')}
          shown={t('fastlead.channels.inbound.tokenShown')}
        />
      )}
      {!inbound.ready && <Alert type="info" showIcon title={t('fastlead.channels.inbound.notReady')} />}
    </Flex>
  );
}
