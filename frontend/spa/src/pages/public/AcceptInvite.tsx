import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Descriptions, Form, Input, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { acceptInvite, fetchInvite, fetchMe, type AcceptInviteRequest, type Invite, type LoginAnswer } from '../../api/auth';
import { queryKeys } from '../../api/queryKeys';
import { describeError, useShowError } from '../../components/errors';
import { NewPasswordField } from '../../components/NewPasswordField';
import { PageSpin } from '../../components/PageSpin';
import { areaHome, signInPath, type Area } from '../../lib/area';
import { useDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';

export default function AcceptInvite({ area }: { area: Area }) {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const invite = useQuery({ queryKey: queryKeys.invite(token), queryFn: () => fetchInvite(token), retry: false });

  if (invite.isPending) return <PageSpin />;
  if (invite.isError) {
    return <Result status="error" title={t('invite.failedTitle')} subTitle={describeError(invite.error, t)} extra={<Link to={`/${area}/login`}>{t('common.toSignIn')}</Link>} />;
  }
  return (
    <>
      <Typography.Title level={3}>{t('invite.title')}</Typography.Title>
      <InviteSummary invite={invite.data} />
      {invite.data.existing_user ? <AcceptAsSignedIn area={area} token={token} /> : <AcceptAsNewUser area={area} token={token} />}
    </>
  );
}

function InviteSummary({ invite }: { invite: Invite }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const dateTime = useDateTime();
  return (
    <Descriptions
      column={1}
      size="small"
      style={{ marginBottom: 16 }}
      items={[
        { key: 'email', label: t('fields.email'), children: invite.email },
        ...(invite.org_name ? [{ key: 'org', label: t('invite.organization'), children: invite.org_name }] : []),
        { key: 'role', label: t('invite.role'), children: labels.roles(invite.kind, invite.role) },
        { key: 'expires', label: t('invite.expires'), children: dateTime(invite.expires_at) },
      ]}
    />
  );
}

function useAccept(area: Area, token: string) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AcceptInviteRequest) => acceptInvite(token, body),
    onSuccess: (answer: LoginAnswer) => {
      queryClient.clear();
      // A role that needs 2FA first (staff admin) finishes at the sign-in page, which walks through it.
      void navigate(answer.status === 'ok' ? areaHome(area) : signInPath(area), { replace: true });
    },
  });
}

function AcceptAsSignedIn({ area, token }: { area: Area; token: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const showError = useShowError();
  const me = useQuery({ queryKey: queryKeys.me, queryFn: () => fetchMe('refresh'), retry: false });
  const accept = useAccept(area, token);

  if (me.isPending) return <PageSpin />;
  if (me.isError) {
    return (
      <>
        <Typography.Paragraph>{t('invite.signInFirst')}</Typography.Paragraph>
        <Link to={signInPath(area, location.pathname)}>
          <Button type="primary" block>{t('invite.signInToAccept')}</Button>
        </Link>
      </>
    );
  }
  return (
    <>
      <Typography.Paragraph>{t('invite.signedInAs', { email: me.data.user.email })}</Typography.Paragraph>
      <Button type="primary" block loading={accept.isPending} onClick={() => accept.mutate({}, { onError: (e) => showError(e) })}>
        {t('invite.accept')}
      </Button>
    </>
  );
}

function AcceptAsNewUser({ area, token }: { area: Area; token: string }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<{ name: string; password: string }>();
  const accept = useAccept(area, token);
  return (
    <>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => accept.mutate(values, { onError: (e) => showError(e, form) })}>
        <Form.Item name="name" label={t('fields.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input autoComplete="name" maxLength={100} autoFocus />
        </Form.Item>
        <NewPasswordField />
        <Button type="primary" htmlType="submit" block loading={accept.isPending}>{t('invite.acceptAndCreate')}</Button>
      </Form>
    </>
  );
}
