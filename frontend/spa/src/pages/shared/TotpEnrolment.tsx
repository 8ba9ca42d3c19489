import { useMutation } from '@tanstack/react-query';
import { Button, Flex, Form, Input, QRCode, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { enrollTotp, verifyTotp, type EnrollAnswer, type VerifyTotpAnswer } from '../../api/auth';
import { useShowError } from '../../components/errors';
import { RecoveryCodes } from './RecoveryCodes';

/**
 * Turns TOTP on: a secret (QR and text) for the authenticator app, a first code to prove it works,
 * then the recovery codes. With an mfaToken it is the enrolment a staff admin does while signing in.
 */
export function TotpEnrolment({ mfaToken, onDone }: { mfaToken?: string; onDone: (answer: VerifyTotpAnswer) => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ code: string }>();
  const [secret, setSecret] = useState<EnrollAnswer | null>(null);
  const [verified, setVerified] = useState<VerifyTotpAnswer | null>(null);

  // Started by a click, never by an effect: each call makes a new pending secret.
  const enroll = useMutation({
    mutationFn: () => enrollTotp(mfaToken ? { mfa_token: mfaToken } : {}),
    onSuccess: setSecret,
    onError: (error) => showError(error),
  });
  const verify = useMutation({
    mutationFn: ({ code }: { code: string }) => verifyTotp({ code, ...(mfaToken ? { mfa_token: mfaToken } : {}) }),
    onSuccess: setVerified,
    onError: (error) => showError(error, form),
  });

  const step = verified ? 2 : secret ? 1 : 0;
  return (
    <Flex vertical gap={16}>
      <Steps
        size="small"
        current={step}
        items={[{ title: t('mfa.stepApp') }, { title: t('mfa.stepCode') }, { title: t('mfa.stepCodes') }]}
      />
      {step === 0 && (
        <>
          <Typography.Paragraph>{t('mfa.intro')}</Typography.Paragraph>
          <Button type="primary" loading={enroll.isPending} onClick={() => enroll.mutate()}>{t('mfa.start')}</Button>
        </>
      )}
      {step === 1 && secret && (
        <>
          <Typography.Paragraph>{t('mfa.scan')}</Typography.Paragraph>
          <Flex justify="center">
            <QRCode value={secret.otpauth_uri} size={200} bordered={false} />
          </Flex>
          <Typography.Paragraph>
            {t('mfa.secretText')} <Typography.Text code copyable>{secret.secret}</Typography.Text>
          </Typography.Paragraph>
          <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => verify.mutate(values)}>
            <Form.Item
              name="code"
              label={t('mfa.code')}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('mfa.codeInvalid') }]}
            >
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={verify.isPending}>{t('mfa.verify')}</Button>
          </Form>
        </>
      )}
      {step === 2 && verified && (
        <>
          <RecoveryCodes codes={verified.recovery_codes ?? []} />
          <Button type="primary" onClick={() => onDone(verified)}>{t('mfa.savedContinue')}</Button>
        </>
      )}
    </Flex>
  );
}
