import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Checkbox, Form, Input, Modal, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isApiError } from '../../../api/errors';
import {
  CHANNEL_FORMS, channelKeys, connectChannel, type Channel, type ChannelField, type ChannelKind,
} from '../../../api/fastleadChannels';
import { useFormErrors } from './shared';
import { useWorkspace } from './WorkspaceLayout';

interface ConnectForm {
  credentials: Record<string, string | undefined>;
  settings: Record<string, string | undefined>;
  notify_new_leads: boolean;
}

const PHONE = /^\+?[\d\s()-]{7,20}$/;

/** Only what was filled in, trimmed: an optional setting left empty is not sent. */
function filled(values: Record<string, string | undefined> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(values).flatMap(([name, value]) => (value?.trim() ? [[name, value.trim()]] : [])));
}

/**
 * Connects one kind: the credentials the provider needs (password inputs, never prefilled: the server
 * never gives them back) and where it sends new leads. The server tests the connection live before
 * storing anything; a refused test keeps the dialog open with the provider's words. `onConnected` gets
 * the answer: the only one with WhatsApp's verify token in full.
 */
export function ChannelConnectDialog({ kind, onClose, onConnected }: {
  kind: ChannelKind; onClose: () => void; onConnected?: (channel: Channel) => void;
}) {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const showFieldErrors = useFormErrors();
  const [form] = Form.useForm<ConnectForm>();
  const [refusal, setRefusal] = useState<string | null>(null);
  const spec = CHANNEL_FORMS[kind];
  const title = t(`fastlead.channels.kinds.${kind}`);

  const connect = useMutation({
    mutationFn: (values: ConnectForm) => connectChannel(orgId, workspace.id, {
      type: kind,
      credentials: filled(values.credentials),
      settings: filled(values.settings),
      notify_new_leads: values.notify_new_leads,
    }),
    onMutate: () => setRefusal(null),
    onSuccess: async (connected) => {
      onConnected?.(connected);
      void message.success(t('fastlead.channels.connected', { channel: title }));
      onClose();
      await queryClient.invalidateQueries({ queryKey: channelKeys.channels(orgId, workspace.id) });
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'channel-test-failed') setRefusal(error.detail);
      else showFieldErrors(localizedFieldErrors(error, t), form);
    },
  });

  const rules = (field: ChannelField): Rule[] => [
    ...(field.required ? [{ required: true, whitespace: true, message: t('fastlead.channels.fieldErrors.required') }] : []),
    ...(field.format === 'phone' ? [{ pattern: PHONE, message: t('fastlead.channels.fieldErrors.phone') }] : []),
    ...(field.format === 'email' ? [{ type: 'email' as const, message: t('fastlead.channels.fieldErrors.email') }] : []),
  ];

  return (
    <Modal
      open
      title={t('fastlead.channels.connectTitle', { channel: title })}
      okText={t('fastlead.channels.connectAndTest')}
      cancelText={t('common.cancel')}
      confirmLoading={connect.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t(`fastlead.channels.howTo.${kind}`)}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        autoComplete="off"
        initialValues={{ notify_new_leads: true }}
        onFinish={(values) => connect.mutate(values)}
      >
        {spec.credentials.map((name) => (
          <Form.Item
            key={name}
            name={['credentials', name]}
            label={t(`fastlead.channels.fields.${name}`)}
            extra={t(`fastlead.channels.hints.${name}`, { defaultValue: '' }) || undefined}
            rules={spec.optional?.includes(name)
              ? []
              : [{ required: true, whitespace: true, message: t('fastlead.channels.fieldErrors.required') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        ))}
        {spec.settings.map((field) => (
          <Form.Item
            key={field.name}
            name={['settings', field.name]}
            label={t(`fastlead.channels.fields.${field.name}`)}
            extra={t(`fastlead.channels.hints.${field.name}`, { defaultValue: '' }) || undefined}
            rules={rules(field)}
          >
            <Input />
          </Form.Item>
        ))}
        <Form.Item name="notify_new_leads" valuePropName="checked">
          <Checkbox>{t('fastlead.channels.notify')}</Checkbox>
        </Form.Item>
      </Form>
      {refusal && <Alert type="error" showIcon title={refusal} description={t('fastlead.channels.refusedHint')} />}
    </Modal>
  );
}

/**
 * The channel routes name a field's problem by code (`required`, `format`, `unknown`) with an English
 * text; the form says it in the UI language.
 */
function localizedFieldErrors(error: unknown, t: (key: string, options: { defaultValue: string }) => string): unknown {
  if (!isApiError(error) || error.errors.length === 0) return error;
  return new ApiError({
    status: error.status, type: error.type, code: error.code, detail: error.detail, instance: error.instance,
    errors: error.errors.map((e) => ({ ...e, msg: t(`fastlead.channels.fieldErrors.${e.code}`, { defaultValue: e.msg }) })),
  });
}
