import { Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export const PASSWORD_HINT_LENGTH = 10;

/**
 * A new password with a length hint. The hint does not block: the server applies the real policy
 * (length, breached and personal passwords) and its answer lands on this field.
 */
export function NewPasswordField({ name = 'password' }: { name?: string }) {
  const { t } = useTranslation();
  const value: string | undefined = Form.useWatch(name);
  const short = !!value && value.length < PASSWORD_HINT_LENGTH;
  return (
    <Form.Item
      name={name}
      label={t('fields.newPassword')}
      rules={[{ required: true, message: t('validation.required') }]}
      extra={
        <Typography.Text type={short ? 'warning' : 'secondary'}>
          {t('password.hint', { min: PASSWORD_HINT_LENGTH })}
        </Typography.Text>
      }
    >
      <Input.Password autoComplete="new-password" />
    </Form.Item>
  );
}
