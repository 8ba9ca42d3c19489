import { CheckCircleOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Modal, Radio, Row, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  billingKeys, getProviderSettings, PAYMENT_PROVIDERS, saveTBankCredentials, saveYooKassaCredentials, setActiveProvider,
  type PaymentProvider, type ProviderSettings,
} from '../../../api/billing';
import { ErrorState, useShowError } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useCan } from '../../../lib/permissions';
import { useProviderName } from './shared';

/** Each provider's credential fields: the public id shown again, the secret never (only its mask). */
const FIELDS: Record<PaymentProvider, { publicId: string; secret: string; publicPattern: RegExp; secretMin: number }> = {
  yookassa: { publicId: 'shop_id', secret: 'secret_key', publicPattern: /^\d{1,12}$/, secretMin: 8 },
  tbank: { publicId: 'terminal_key', secret: 'password', publicPattern: /^[A-Za-z0-9_-]{1,20}$/, secretMin: 4 },
};

function CredentialsCard({ provider, settings, canEdit }: { provider: PaymentProvider; settings: ProviderSettings; canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const providerName = useProviderName();
  const [form] = Form.useForm<Record<string, string>>();
  const fields = FIELDS[provider];
  const current = settings[provider];
  const save = useMutation({
    mutationFn: (values: Record<string, string>) => {
      const publicId = values[fields.publicId].trim();
      const secret = values[fields.secret];
      return provider === 'yookassa'
        ? saveYooKassaCredentials({ shop_id: publicId, secret_key: secret })
        : saveTBankCredentials({ terminal_key: publicId, password: secret });
    },
    onSuccess: (answer) => {
      queryClient.setQueryData(billingKeys.providers, answer);
      form.resetFields();
      void message.success(t('billing.providers.saved', { provider: providerName(provider) }));
    },
    onError: (error) => showError(error, form),
  });
  return (
    <Card
      title={providerName(provider)}
      extra={current.configured ? <Tag color="green">{t('billing.providers.configured')}</Tag> : <Tag>{t('billing.providers.notConfigured')}</Tag>}
      style={{ height: '100%' }}
    >
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t(`billing.providers.${fields.publicId}`)}>{current.public_id ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t(`billing.providers.${fields.secret}`)}>
          {current.secret_hint ? <Typography.Text code>{current.secret_hint}</Typography.Text> : '—'}
        </Descriptions.Item>
      </Descriptions>
      {canEdit && (
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => save.mutate(values)} aria-label={providerName(provider)}>
          <Typography.Paragraph type="secondary">{t('billing.providers.replaceHint')}</Typography.Paragraph>
          <Form.Item
            name={fields.publicId}
            label={t(`billing.providers.${fields.publicId}`)}
            rules={[{ required: true, transform: (v: string) => v?.trim(), pattern: fields.publicPattern, message: t(`billing.providers.${fields.publicId}Invalid`) }]}
          >
            <Input autoComplete="off" maxLength={20} />
          </Form.Item>
          <Form.Item
            name={fields.secret}
            label={t(`billing.providers.${fields.secret}`)}
            rules={[{ required: true, min: fields.secretMin, max: 200, message: t('billing.providers.secretInvalid', { min: fields.secretMin }) }]}
          >
            <Input.Password autoComplete="new-password" maxLength={200} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>{t('billing.providers.save')}</Button>
        </Form>
      )}
    </Card>
  );
}

/** Payment providers: ЮKassa's and Т-Банк's credentials (write-only) and which one new payments go to. */
export default function Providers() {
  const { t } = useTranslation();
  const can = useCan();
  const canEdit = can('console.billing.providers');
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const providerName = useProviderName();
  const [choice, setChoice] = useState<PaymentProvider | null>(null);
  const settings = useQuery({ queryKey: billingKeys.providers, queryFn: getProviderSettings });
  const activate = useMutation({
    mutationFn: setActiveProvider,
    onSuccess: (answer) => {
      setChoice(null);
      queryClient.setQueryData(billingKeys.providers, answer);
      void message.success(t('billing.providers.activated', { provider: providerName(answer.active ?? '') }));
    },
    onError: (error) => showError(error),
  });

  if (settings.isPending) return <PageSpin />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  const data = settings.data;
  return (
    <>
      <PageHeader title={t('billing.providers.title')}>{t('billing.providers.intro')}</PageHeader>
      {!canEdit && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('billing.readOnly')} />}
      <Card title={t('billing.providers.active')} style={{ marginBottom: 16 }}>
        {!data.active && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('billing.providers.noneActive')} />}
        <Radio.Group
          value={data.active ?? undefined}
          disabled={!canEdit}
          onChange={(e) => setChoice(e.target.value as PaymentProvider)}
          options={PAYMENT_PROVIDERS.map((provider) => ({
            value: provider,
            label: providerName(provider),
            disabled: !data[provider].configured,
          }))}
        />
        {canEdit && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>{t('billing.providers.activeHint')}</Typography.Paragraph>}
      </Card>
      <Row gutter={[16, 16]}>
        {PAYMENT_PROVIDERS.map((provider) => (
          <Col key={provider} xs={24} lg={12}><CredentialsCard provider={provider} settings={data} canEdit={canEdit} /></Col>
        ))}
      </Row>
      <Modal
        open={choice !== null}
        title={t('billing.providers.confirmTitle', { provider: choice ? providerName(choice) : '' })}
        okText={t('billing.providers.confirmOk')}
        okButtonProps={{ icon: <CheckCircleOutlined /> }}
        cancelText={t('common.cancel')}
        confirmLoading={activate.isPending}
        onOk={() => choice && activate.mutate(choice)}
        onCancel={() => setChoice(null)}
      >
        <Typography.Paragraph>{t('billing.providers.confirmText')}</Typography.Paragraph>
      </Modal>
    </>
  );
}
