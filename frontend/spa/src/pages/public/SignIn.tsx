import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Divider, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { login, loginMfa, oidcStartUrl, type LoginAnswer, type MfaLoginRequest } from '../../api/auth';
import { OIDC_PROVIDERS } from '../../api/enums';
import { isApiError } from '../../api/errors';
import { describeError, useShowError } from '../../components/errors';
import { safeReturnTo, type Area } from '../../lib/area';
import { TotpEnrolment } from '../shared/TotpEnrolment';

type Step = { kind: 'password' } | { kind: 'mfa'; mfaToken: string } | { kind: 'enrol'; mfaToken: string };

/** E-mail and password, then (if asked) the second factor or, for a staff admin without one, its set-up. */
export default function SignIn({ area }: { area: Area }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const returnTo = safeReturnTo(params.get('return_to'), area);
  const [step, setStep] = useState<Step>({ kind: 'password' });

  function signedIn() {
    queryClient.clear(); // nothing cached from a previous session may show
    void navigate(returnTo, { replace: true });
  }

  function next(answer: LoginAnswer) {
    if (answer.status === 'ok') signedIn();
    else if (answer.status === 'mfa_required') setStep({ kind: 'mfa', mfaToken: answer.mfa_token ?? '' });
    else setStep({ kind: 'enrol', mfaToken: answer.mfa_token ?? '' });
  }

  const restart = () => setStep({ kind: 'password' });
  return (
    <>
      <Typography.Title level={3}>{t(area === 'console' ? 'signIn.titleConsole' : 'signIn.titleApp')}</Typography.Title>
      {step.kind === 'password' && <PasswordStep area={area} returnTo={returnTo} onAnswer={next} />}
      {step.kind === 'mfa' && <MfaStep mfaToken={step.mfaToken} onAnswer={next} onRestart={restart} />}
      {step.kind === 'enrol' && (
        <>
          <Alert type="info" showIcon title={t('signIn.enrolRequired')} style={{ marginBottom: 16 }} />
          <TotpEnrolment mfaToken={step.mfaToken} onDone={signedIn} />
        </>
      )}
    </>
  );
}

function PasswordStep({ area, returnTo, onAnswer }: { area: Area; returnTo: string; onAnswer: (a: LoginAnswer) => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ email: string; password: string }>();
  const [failure, setFailure] = useState<unknown>(null);
  const signIn = useMutation({
    mutationFn: (values: { email: string; password: string }) => login({ ...values, audience: area }),
    onMutate: () => setFailure(null),
    onSuccess: onAnswer,
    onError: (error) => (isApiError(error) && error.errors.length ? showError(error, form) : setFailure(error)),
  });

  return (
    <>
      {failure !== null && <Alert type="error" showIcon title={describeError(failure, t)} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => signIn.mutate(values)}>
        <Form.Item name="email" label={t('fields.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}>
          <Input type="email" autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('fields.password')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={signIn.isPending}>{t('signIn.submit')}</Button>
      </Form>
      <Flex justify="space-between" wrap gap={8} style={{ marginTop: 16 }}>
        <Link to={`/${area}/password/forgot`}>{t('signIn.forgot')}</Link>
        {area === 'app' && <Link to="/app/signup">{t('signIn.signUp')}</Link>}
      </Flex>
      {area === 'app' && <OidcButtons returnTo={returnTo} />}
    </>
  );
}

function OidcButtons({ returnTo }: { returnTo: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Divider plain>{t('signIn.or')}</Divider>
      <Flex vertical gap={8}>
        {OIDC_PROVIDERS.map((provider) => (
          <Button key={provider} block href={oidcStartUrl(provider, 'app', returnTo)}>{t(`signIn.${provider}`)}</Button>
        ))}
      </Flex>
    </>
  );
}

function MfaStep({ mfaToken, onAnswer, onRestart }: { mfaToken: string; onAnswer: (a: LoginAnswer) => void; onRestart: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ code?: string; recovery_code?: string }>();
  const [useRecoveryCode, setUseRecoveryCode] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const verify = useMutation({
    mutationFn: (body: MfaLoginRequest) => loginMfa(body),
    onMutate: () => setFailure(null),
    onSuccess: onAnswer,
    onError: (error) => (isApiError(error) && error.errors.length ? showError(error, form) : setFailure(error)),
  });

  function submit(values: { code?: string; recovery_code?: string }) {
    verify.mutate(useRecoveryCode
      ? { mfa_token: mfaToken, recovery_code: (values.recovery_code ?? '').trim() }
      : { mfa_token: mfaToken, code: (values.code ?? '').trim() });
  }

  // An expired mfa_token (401/410) cannot be retried: only a fresh password step helps.
  const expired = isApiError(failure) && (failure.status === 401 || failure.status === 410);
  return (
    <>
      <Typography.Paragraph>{t(useRecoveryCode ? 'signIn.recoveryPrompt' : 'signIn.totpPrompt')}</Typography.Paragraph>
      {failure !== null && (
        <Alert
          type="error"
          showIcon
          title={describeError(failure, t)}
          action={expired ? <Button size="small" onClick={onRestart}>{t('signIn.restart')}</Button> : undefined}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        {useRecoveryCode ? (
          <Form.Item name="recovery_code" label={t('signIn.recoveryCode')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input autoComplete="off" autoFocus placeholder="xxxx-xxxx" />
          </Form.Item>
        ) : (
          <Form.Item name="code" label={t('mfa.code')} rules={[{ required: true, pattern: /^\d{6}$/, message: t('mfa.codeInvalid') }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" block loading={verify.isPending}>{t('signIn.verify')}</Button>
      </Form>
      <Flex justify="space-between" wrap gap={8} style={{ marginTop: 16 }}>
        <Button type="link" style={{ padding: 0 }} onClick={() => setUseRecoveryCode(!useRecoveryCode)}>
          {t(useRecoveryCode ? 'signIn.useTotp' : 'signIn.useRecovery')}
        </Button>
        <Button type="link" style={{ padding: 0 }} onClick={onRestart}>{t('signIn.back')}</Button>
      </Flex>
    </>
  );
}
