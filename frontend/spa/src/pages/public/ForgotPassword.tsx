import { useMutation } from '@tanstack/react-query';
import { Button, Form, Input, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { forgotPassword } from '../../api/auth';
import { useShowError } from '../../components/errors';
import type { Area } from '../../lib/area';

export default function ForgotPassword({ area }: { area: Area }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ email: string }>();
  const request = useMutation({
    mutationFn: ({ email }: { email: string }) => forgotPassword(email),
    onError: (error) => showError(error, form),
  });
  const toSignIn = <Link to={`/${area}/login`}>{t('common.toSignIn')}</Link>;

  // The answer is the same whether or not the account exists, and so is this page.
  if (request.isSuccess) return <Result status="info" title={t('forgot.sentTitle')} subTitle={t('forgot.sentText')} extra={toSignIn} />;
  return (
    <>
      <Typography.Title level={3}>{t('forgot.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('forgot.text')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => request.mutate(values)}>
        <Form.Item name="email" label={t('fields.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}>
          <Input type="email" autoComplete="email" autoFocus />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={request.isPending}>{t('forgot.submit')}</Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>{toSignIn}</Typography.Paragraph>
    </>
  );
}
