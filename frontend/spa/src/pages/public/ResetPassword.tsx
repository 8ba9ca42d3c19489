import { useMutation } from '@tanstack/react-query';
import { Button, Form, Input, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { resetPassword } from '../../api/auth';
import { useShowError } from '../../components/errors';
import { NewPasswordField } from '../../components/NewPasswordField';
import type { Area } from '../../lib/area';

export default function ResetPassword({ area }: { area: Area }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const token = useSearchParams()[0].get('token') ?? '';
  const [form] = Form.useForm<{ password: string; repeat: string }>();
  const reset = useMutation({
    mutationFn: ({ password }: { password: string }) => resetPassword(token, password),
    onError: (error) => showError(error, form),
  });
  const toSignIn = <Link to={`/${area}/login`}>{t('common.toSignIn')}</Link>;

  if (!token) return <Result status="error" title={t('reset.failedTitle')} subTitle={t('common.linkIncomplete')} extra={<Link to={`/${area}/password/forgot`}>{t('reset.requestNew')}</Link>} />;
  if (reset.isSuccess) return <Result status="success" title={t('reset.doneTitle')} subTitle={t('reset.doneText')} extra={toSignIn} />;
  return (
    <>
      <Typography.Title level={3}>{t('reset.title')}</Typography.Title>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => reset.mutate(values)}>
        <NewPasswordField />
        <Form.Item
          name="repeat"
          label={t('fields.repeatPassword')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: (_, value) => (!value || value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordsDiffer')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={reset.isPending}>{t('reset.submit')}</Button>
      </Form>
    </>
  );
}
