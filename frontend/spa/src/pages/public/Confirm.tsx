import { useQuery } from '@tanstack/react-query';
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { confirmEmail } from '../../api/auth';
import { queryKeys } from '../../api/queryKeys';
import { describeError } from '../../components/errors';
import { PageSpin } from '../../components/PageSpin';
import { signInPath } from '../../lib/area';

export default function Confirm() {
  const { t } = useTranslation();
  const token = useSearchParams()[0].get('token') ?? '';
  // A query, not an effect: the cache runs the one-time confirmation once even when React mounts twice.
  const confirmation = useQuery({
    queryKey: queryKeys.confirm(token),
    queryFn: () => confirmEmail(token),
    enabled: token !== '',
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });
  const toSignIn = <Link to="/app/login">{t('common.toSignIn')}</Link>;

  if (!token) return <Result status="error" title={t('confirm.failedTitle')} subTitle={t('common.linkIncomplete')} extra={toSignIn} />;
  if (confirmation.isPending) return <PageSpin />;
  if (confirmation.isError) {
    return <Result status="error" title={t('confirm.failedTitle')} subTitle={describeError(confirmation.error, t)} extra={toSignIn} />;
  }
  // a new owner goes on to the onboarding wizard (it sends anyone it is not for on to their pages)
  const toOnboarding = <Link to={signInPath('app', '/app/onboarding')}>{t('common.toSignIn')}</Link>;
  return <Result status="success" title={t('confirm.doneTitle')} subTitle={t('confirm.doneText')} extra={toOnboarding} />;
}
