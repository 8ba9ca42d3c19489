import { MailOutlined, SendOutlined, SlackOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Col, Flex, Form, Input, Radio, Row, Select, Switch, Tag, Tooltip, Typography } from 'antd';
import type { FormRule as Rule } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NOTICE_EVENTS } from '../../api/enums';
import { isApiError } from '../../api/errors';
import { useShowError } from '../../components/errors';
import { useDateTime } from '../../lib/format';
import {
  notificationKeys, savePreferences, sendTest,
  type Channel, type Delivery, type Owner, type PreferencesView,
} from './api';
import { CustomersSelect } from './CustomersSelect';
import {
  EMAIL, fingerprint, MAX_RECIPIENTS, placeFieldErrors, replacedSecrets, SLACK_WEBHOOK, silences, TELEGRAM_CHAT,
  TELEGRAM_TOKEN, toForm, toUpdate, type PreferencesForm, type SecretChannel,
} from './model';

const SECRET_KIND = { telegram: 'token', slack: 'webhook' } as const;

function storedSecretHint(view: PreferencesView, channel: SecretChannel): string | null | undefined {
  return channel === 'telegram' ? view.telegram.bot_token_hint : view.slack.webhook_hint;
}

/** Whether a test over this channel can go out: it uses the saved settings, not the form's. */
function ready(view: PreferencesView, channel: Channel): boolean {
  if (!view.saved) return false;
  if (channel === 'email') return view.email.effective_recipients.length > 0;
  if (channel === 'telegram') return view.telegram.enabled && view.telegram.configured;
  return view.slack.enabled && view.slack.configured;
}

/**
 * Notification preferences of a staff user, a customer (from the console) or one's own organization:
 * events, language, and the e-mail, Telegram and Slack channels. Secrets are write-only: the fields
 * start empty, the stored one shows as its hint, and an empty field keeps it.
 */
export function PreferencesEditor({ owner, view, canEdit, canTest }: {
  owner: Owner;
  view: PreferencesView;
  canEdit: boolean;
  canTest: boolean;
}) {
  const { t: n } = useTranslation('notifications');
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const dateTime = useDateTime();
  const queryClient = useQueryClient();
  const staff = owner.kind === 'staff';
  const [form] = Form.useForm<PreferencesForm>();
  const [baseline, setBaseline] = useState(() => toForm(view));
  const [current, setCurrent] = useState(baseline);
  const dirty = fingerprint(current, staff) !== fingerprint(baseline, staff);

  /** The saved settings become the form's baseline. */
  function takeSaved(answer: PreferencesView) {
    queryClient.setQueryData(notificationKeys.preferences(owner), answer);
    const next = toForm(answer);
    form.resetFields();
    form.setFieldsValue(next);
    setBaseline(next);
    setCurrent(next);
  }

  const save = useMutation({
    mutationFn: (values: PreferencesForm) => savePreferences(owner, toUpdate(values, staff)),
    onSuccess: (answer) => {
      takeSaved(answer);
      void message.success(n('prefs.saved'));
    },
    onError: (error) => {
      if (isApiError(error) && error.errors.length > 0) {
        const placed = placeFieldErrors(error.errors);
        // The paths come from FORM_FIELDS, which name this form's fields.
        form.setFields(placed.fields as Parameters<typeof form.setFields>[0]);
        if (placed.fields.length > 0) form.scrollToField(placed.fields[0].name as Parameters<typeof form.scrollToField>[0]);
        const rest = placed.unmatched.map((e) => e.msg);
        void message.error(rest.length > 0 ? rest.join('; ') : error.detail || n('prefs.fixFields'));
        return;
      }
      showError(error);
    },
  });

  // Forgetting a secret saves the settings as they are stored (hence only when the form is unchanged).
  const forget = useMutation({
    mutationFn: (channel: SecretChannel) => savePreferences(owner, toUpdate(baseline, staff, channel)),
    onSuccess: (answer) => {
      takeSaved(answer);
      void message.success(n('secret.forgotten'));
    },
    onError: (error) => showError(error),
  });

  function confirmForget(channel: SecretChannel, hint: string) {
    void modal.confirm({
      title: n(`secret.forgetTitle.${channel}`, { hint }),
      content: n('secret.forgetBody'),
      okText: n('secret.forgetOk'),
      okButtonProps: { danger: true },
      cancelText: n('confirm.cancel'),
      onOk: () => forget.mutateAsync(channel).then(() => undefined, () => undefined),
    });
  }

  const test = useMutation({
    mutationFn: (channel: Channel) => sendTest(owner, channel),
    onSuccess: (delivery: Delivery) => {
      void queryClient.invalidateQueries({ queryKey: notificationKeys.deliveries });
      if (delivery.status === 'sent') void message.success(n('test.sent', { recipient: delivery.recipient }));
      else if (delivery.status === 'failed') void message.error(n('test.failed', { error: delivery.error ?? '—' }));
      else void message.info(n('test.pending'));
    },
    onError: (error) => showError(error),
  });

  function submit() {
    const values = form.getFieldsValue(true) as PreferencesForm;
    const replaced = replacedSecrets(values, view);
    const silent = silences(values) && !silences(baseline);
    if (replaced.length === 0 && !silent) {
      save.mutate(values);
      return;
    }
    void modal.confirm({
      title: n('confirm.title'),
      content: (
        <>
          {replaced.map((channel) => (
            <Typography.Paragraph key={channel}>
              {n(`confirm.replace.${channel}`, {
                hint: storedSecretHint(view, channel),
              })}
            </Typography.Paragraph>
          ))}
          {silent && <Typography.Paragraph>{n(staff ? 'confirm.silentSelf' : 'confirm.silentCustomer')}</Typography.Paragraph>}
        </>
      ),
      okText: n('confirm.ok'),
      okButtonProps: { danger: true },
      cancelText: n('confirm.cancel'),
      onOk: () => save.mutateAsync(values).then(() => undefined, () => undefined),
    });
  }

  function discard() {
    form.resetFields();
    form.setFieldsValue(baseline);
    setCurrent(baseline);
  }

  /** Required while the channel is on and nothing is stored yet; otherwise only checked when typed. */
  const channelRules = (channel: SecretChannel, pattern: RegExp, invalid: string, stored: boolean): Rule[] => [
    ({ getFieldValue }) => ({
      validator: async (_, value: string | undefined) => {
        const text = (value ?? '').trim();
        if (text && !pattern.test(text)) throw new Error(invalid);
        if (!text && !stored && getFieldValue([channel, 'enabled'])) throw new Error(n('validation.requiredWhenOn'));
      },
    }),
  ];

  const testButton = (channel: Channel): ReactNode => {
    if (!canTest) return null;
    const reason = dirty ? n('test.saveFirst') : !ready(view, channel) ? n('test.notReady') : null;
    const button = (
      <Button
        size="small"
        icon={<SendOutlined />}
        disabled={!!reason}
        loading={test.isPending && test.variables === channel}
        onClick={() => test.mutate(channel)}
        aria-label={n('test.buttonFor', { channel: n(`channel.${channel}`) })}
      >
        {n('test.button')}
      </Button>
    );
    return reason ? <Tooltip title={reason}><span>{button}</span></Tooltip> : button;
  };

  const storedHint = (channel: SecretChannel) => {
    const hint = storedSecretHint(view, channel);
    const kind = SECRET_KIND[channel];
    return hint ? (
      <Flex vertical gap={2}>
        <Flex wrap gap={8} align="center">
          <Tag color="green">{n('secret.stored', { hint })}</Tag>
          {canEdit && (
            <Tooltip title={dirty ? n('secret.forgetSaveFirst') : null}>
              <Button size="small" type="link" danger disabled={dirty} loading={forget.isPending && forget.variables === channel}
                onClick={() => confirmForget(channel, hint)}>
                {n(`secret.forget.${kind}`)}
              </Button>
            </Tooltip>
          )}
        </Flex>
        <span>{n(`secret.keep.${kind}`)}</span>
      </Flex>
    ) : (
      n(`secret.none.${kind}`)
    );
  };

  /** The write-only secret of a channel: empty, with the stored one's hint; required only while nothing is stored. */
  const secretItem = (channel: SecretChannel, field: 'bot_token' | 'webhook_url', label: string, pattern: RegExp,
    invalid: string, maxLength: number, example: string) => {
    const stored = !!storedSecretHint(view, channel);
    return (
      <Form.Item
        name={[channel, field]}
        label={label}
        extra={storedHint(channel)}
        dependencies={[[channel, 'enabled']]}
        rules={channelRules(channel, pattern, invalid, stored)}
        style={{ marginBottom: 0 }}
      >
        <Input.Password autoComplete="new-password" maxLength={maxLength} placeholder={stored ? n('secret.placeholderKeep') : example} />
      </Form.Item>
    );
  };

  return (
    <Form<PreferencesForm>
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={baseline}
      disabled={!canEdit}
      onValuesChange={() => setCurrent(form.getFieldsValue(true) as PreferencesForm)}
      onFinish={submit}
      scrollToFirstError
    >
      <Flex vertical gap={12} style={{ marginBottom: 16 }}>
        {!view.saved && <Alert type="info" showIcon title={n(staff ? 'prefs.defaultsSelf' : 'prefs.defaults')} />}
        {!canEdit && <Alert type="warning" showIcon title={n('prefs.readOnly')} />}
        {view.saved && view.updated_at && (
          <Typography.Text type="secondary">{n('prefs.updatedAt', { at: dateTime(view.updated_at) })}</Typography.Text>
        )}
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={n('prefs.whatTitle')} style={{ height: '100%' }}>
            <Form.Item name="events" label={n('prefs.events')} extra={n(staff ? 'prefs.eventsHintSelf' : 'prefs.eventsHint')}>
              <Checkbox.Group>
                <Flex vertical gap={4}>
                  {NOTICE_EVENTS.map((event) => <Checkbox key={event} value={event}>{n(`event.${event}`)}</Checkbox>)}
                </Flex>
              </Checkbox.Group>
            </Form.Item>
            <Form.Item name="language" label={n('prefs.language')} extra={n('prefs.languageHint')} style={{ marginBottom: 0 }}>
              <Radio.Group optionType="button" options={[{ value: 'ru', label: 'Русский' }, { value: 'en', label: 'English' }]} />
            </Form.Item>
          </Card>
        </Col>

        <Col xs={24} xl={12}>
          <Card size="small" title={<Flex gap={8}><MailOutlined />{n('channel.email')}</Flex>} extra={testButton('email')} style={{ height: '100%' }}>
            <Form.Item name={['email', 'enabled']} valuePropName="checked" label={n('prefs.sendBy.email')}>
              <Switch />
            </Form.Item>
            {staff ? (
              <Form.Item label={n('prefs.ownEmail')} style={{ marginBottom: 0 }}>
                <Typography.Text>{view.email.effective_recipients.join(', ') || '—'}</Typography.Text>
              </Form.Item>
            ) : (
              <Form.Item
                name={['email', 'recipients']}
                label={n('prefs.recipients')}
                extra={view.email.effective_recipients.length > 0
                  ? n('prefs.recipientsHint', { current: view.email.effective_recipients.join(', ') })
                  : n('prefs.recipientsHintNone')}
                rules={[{
                  validator: async (_, value: string[] | undefined) => {
                    const list = value ?? [];
                    if (list.length > MAX_RECIPIENTS) throw new Error(n('validation.tooManyRecipients', { max: MAX_RECIPIENTS }));
                    const bad = list.filter((address) => !EMAIL.test(address.trim()));
                    if (bad.length > 0) throw new Error(n('validation.email', { addresses: bad.join(', ') }));
                  },
                }]}
                style={{ marginBottom: 0 }}
              >
                <Select mode="tags" tokenSeparators={[',', ';', ' ']} open={false} suffixIcon={null} placeholder={n('prefs.recipientsPlaceholder')} />
              </Form.Item>
            )}
          </Card>
        </Col>

        <Col xs={24} xl={12}>
          <Card size="small" title={<Flex gap={8}><SendOutlined />{n('channel.telegram')}</Flex>} extra={testButton('telegram')} style={{ height: '100%' }}>
            <Form.Item name={['telegram', 'enabled']} valuePropName="checked" label={n('prefs.sendBy.telegram')}>
              <Switch />
            </Form.Item>
            <Form.Item
              name={['telegram', 'chat_id']}
              label={n('prefs.chatId')}
              extra={n('prefs.chatIdHint')}
              dependencies={[['telegram', 'enabled']]}
              rules={channelRules('telegram', TELEGRAM_CHAT, n('validation.chatId'), false)}
            >
              <Input placeholder="-1001234567890" autoComplete="off" maxLength={40} />
            </Form.Item>
            {secretItem('telegram', 'bot_token', n('prefs.botToken'), TELEGRAM_TOKEN, n('validation.botToken'), 80, '123456789:AA…')}
          </Card>
        </Col>

        <Col xs={24} xl={12}>
          <Card size="small" title={<Flex gap={8}><SlackOutlined />{n('channel.slack')}</Flex>} extra={testButton('slack')} style={{ height: '100%' }}>
            <Form.Item name={['slack', 'enabled']} valuePropName="checked" label={n('prefs.sendBy.slack')}>
              <Switch />
            </Form.Item>
            {secretItem('slack', 'webhook_url', n('prefs.webhook'), SLACK_WEBHOOK, n('validation.webhook'), 300,
              'https://hooks.slack.com/services/T…/B…/…')}
          </Card>
        </Col>

        {staff && (
          <Col xs={24}>
            <Card size="small" title={n('customers.title')}>
              <Form.Item name="customers" label={n('customers.label')} extra={n('customers.hint')} style={{ marginBottom: 0 }}>
                <CustomersSelect disabled={!canEdit} />
              </Form.Item>
            </Card>
          </Col>
        )}
      </Row>

      {canEdit && (
        <Flex wrap gap={8} style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!dirty && view.saved}>{n('prefs.save')}</Button>
          <Button onClick={discard} disabled={!dirty || save.isPending}>{n('prefs.discard')}</Button>
        </Flex>
      )}
    </Form>
  );
}
