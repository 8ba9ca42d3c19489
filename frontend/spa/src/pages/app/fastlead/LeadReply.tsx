import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Select } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../../api/errors';
import { fastleadKeys, type LeadDetail } from '../../../api/fastlead';
import { channelKeys, listChannels, REPLY_ADDRESS, sendLeadMessage, type ChannelKind } from '../../../api/fastleadChannels';
import { describeError } from '../../../components/errors';
import { useCan } from '../../../lib/permissions';
import { useFormErrors } from './shared';
import { useWorkspace } from './WorkspaceLayout';

interface ReplyForm {
  channel: ChannelKind;
  text: string;
}

/**
 * The lead card's reply: through a connected, working channel that reaches this lead (its phone or
 * e-mail). Each message carries a client id kept until it is sent, so sending again after a lost
 * answer does not send it twice; an edited message is a new one.
 */
export function LeadReply({ lead }: { lead: LeadDetail }) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const showFieldErrors = useFormErrors();
  const mayManage = useCan()('app.workspaces.update');
  const [form] = Form.useForm<ReplyForm>();
  const clientId = useRef<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const channels = useQuery({
    queryKey: channelKeys.channels(orgId, workspace.id),
    queryFn: () => listChannels(orgId, workspace.id),
  });
  const send = useMutation({
    mutationFn: ({ channel, text }: ReplyForm) => {
      clientId.current ??= crypto.randomUUID();
      return sendLeadMessage(orgId, workspace.id, lead.id, { channel, text: text.trim(), client_id: clientId.current });
    },
    onMutate: () => setFailure(null),
    onSuccess: async () => {
      clientId.current = null;
      form.resetFields(['text']);
      void message.success(t('fastlead.channels.reply.sent'));
      await queryClient.invalidateQueries({ queryKey: fastleadKeys.leads(orgId, workspace.id) });
    },
    onError: (error) => {
      if (isApiError(error) && error.errors.length > 0) showFieldErrors(error, form);
      else setFailure(describeError(error, t));
    },
  });

  const reachable = (channels.data?.items ?? []).filter((channel) => {
    const field = REPLY_ADDRESS[channel.type];
    return channel.status === 'active' && field && lead[field];
  });
  const title = t('fastlead.channels.reply.title');
  return (
    <Card title={title} role="region" aria-label={title} loading={channels.isPending}>
      {channels.isError && <Alert type="error" showIcon title={describeError(channels.error, t)} />}
      {channels.isSuccess && reachable.length === 0 && (
        <Alert
          type="info"
          showIcon
          title={t('fastlead.channels.reply.noChannel')}
          description={mayManage
            ? <Link to={`/app/fastlead/${workspace.id}/channels`}>{t('fastlead.channels.reply.toChannels')}</Link>
            : t('fastlead.channels.reply.askAdmin')}
        />
      )}
      {reachable.length > 0 && (
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ channel: reachable[0].type }}
          onValuesChange={() => { clientId.current = null; }}
          onFinish={(values) => send.mutate(values)}
        >
          <Form.Item name="channel" label={t('fastlead.channels.reply.channel')}>
            <Select
              options={reachable.map((channel) => ({
                value: channel.type,
                label: `${t(`fastlead.channels.kinds.${channel.type}`)} → ${lead[REPLY_ADDRESS[channel.type]!]}`,
              }))}
            />
          </Form.Item>
          <Form.Item
            name="text"
            label={t('fastlead.channels.reply.text')}
            rules={[{ required: true, whitespace: true, message: t('fastlead.channels.reply.textRequired') }]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} showCount />
          </Form.Item>
          <Flex vertical gap={12} align="start">
            {failure && <Alert type="error" showIcon title={failure} style={{ alignSelf: 'stretch' }} />}
            <Button type="primary" htmlType="submit" loading={send.isPending}>{t('fastlead.channels.reply.send')}</Button>
          </Flex>
        </Form>
      )}
    </Card>
  );
}
