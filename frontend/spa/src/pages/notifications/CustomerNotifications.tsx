import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Divider, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorState } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { PageSpin } from '../../components/PageSpin';
import { useCustomer } from '../../lib/names';
import { useCan } from '../../lib/permissions';
import type { Owner } from './api';
import { DeliveryLog } from './DeliveryLog';
import { PreferencesEditor } from './PreferencesEditor';
import { usePreferences } from './usePreferences';

/**
 * A customer's notification preferences seen from the console (admin and sales change them, the
 * others read; a developer sees the addresses masked) and the notices sent about that customer.
 */
export default function CustomerNotifications() {
  const { t: n } = useTranslation('notifications');
  const { orgId = '' } = useParams();
  const can = useCan();
  const owner: Owner = { kind: 'customer', orgId };
  const preferences = usePreferences(owner, !!orgId);
  const card = useCustomer(orgId);
  const name = card.data?.name ?? orgId;
  return (
    <>
      <PageHeader
        title={n('customer.title', { name })}
        extra={<Link to={`/console/customers/${orgId}`}><Button icon={<ArrowLeftOutlined />}>{n('customer.back')}</Button></Link>}
      >
        {n('customer.intro')}
      </PageHeader>
      {preferences.isPending ? <PageSpin /> : preferences.isError ? (
        <ErrorState error={preferences.error} onRetry={() => void preferences.refetch()} />
      ) : (
        <PreferencesEditor key={orgId} owner={owner} view={preferences.data} canEdit={can('console.notifications.customer.update')} canTest={false} />
      )}
      <Divider />
      <Typography.Title level={4}>{n('customer.log')}</Typography.Title>
      <DeliveryLog scope={{ kind: 'console', orgId }} canRetry={can('console.notifications.log.retry')} />
    </>
  );
}
