import { useMutation } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { register } from '../../api/auth';
import { useShowError } from '../../components/errors';
import { NewPasswordField } from '../../components/NewPasswordField';
import { currentLanguage } from '../../i18n';

interface SignUpValues {
  name: string;
  company: string;
  email: string;
  password: string;
  agree: boolean;
}

export default function SignUp() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<SignUpValues>();
  const signUp = useMutation({
    mutationFn: ({ agree: _agree, ...values }: SignUpValues) =>
      register({ ...values, company: values.company || undefined, locale: currentLanguage() }),
    onError: (error) => showError(error, form),
  });

  if (signUp.isSuccess) {
    return (
      <Result
        status="success"
        title={t('signUp.checkMailTitle')}
        subTitle={t('signUp.checkMailText', { email: signUp.variables.email })}
        extra={<Link to="/app/login">{t('common.toSignIn')}</Link>}
      />
    );
  }

  return (
    <>
      <Typography.Title level={3}>{t('signUp.title')}</Typography.Title>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => signUp.mutate(values)}>
        <Form.Item name="name" label={t('fields.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input autoComplete="name" maxLength={100} />
        </Form.Item>
        <Form.Item name="company" label={t('fields.company')}>
          <Input autoComplete="organization" maxLength={200} />
        </Form.Item>
        <Form.Item name="email" label={t('fields.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}>
          <Input type="email" autoComplete="email" />
        </Form.Item>
        <NewPasswordField />
        <Form.Item
          name="agree"
          valuePropName="checked"
          rules={[{ validator: (_, checked) => (checked ? Promise.resolve() : Promise.reject(new Error(t('signUp.agreeRequired')))) }]}
        >
          <Checkbox>{t('signUp.agree')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={signUp.isPending}>{t('signUp.submit')}</Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
        {t('signUp.haveAccount')} <Link to="/app/login">{t('common.toSignIn')}</Link>
      </Typography.Paragraph>
    </>
  );
}
