import { Empty, Result, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMe } from '../../../auth/session';
import { PageHeader } from '../../../components/PageHeader';
import { useCan } from '../../../lib/permissions';
import { ActsTable } from './ActsTable';
import { InvoicesTable } from './InvoicesTable';
import { PaymentsTable } from './PaymentsTable';
import { SubscriptionPanel } from './SubscriptionPanel';

const TABS = ['subscription', 'invoices', 'documents', 'payments'] as const;
type Tab = (typeof TABS)[number];

/** «Тариф и оплата»: the organization's plan and subscription, its invoices, closing documents and payments. */
export default function Billing() {
  const { t } = useTranslation();
  const can = useCan();
  const orgId = useMe().current.org_id;
  const [params, setParams] = useSearchParams();
  const wanted = params.get('tab');
  const tab: Tab = TABS.includes(wanted as Tab) ? (wanted as Tab) : 'subscription';
  if (!orgId) return <Empty description={t('appBilling.noOrganization')} />;
  if (!can('app.billing.read')) {
    return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={t('appBilling.forbidden')} />;
  }
  return (
    <>
      <PageHeader title={t('appBilling.title')}>{t('appBilling.intro')}</PageHeader>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'subscription', label: t('appBilling.tabs.subscription'), children: <SubscriptionPanel orgId={orgId} /> },
          { key: 'invoices', label: t('appBilling.tabs.invoices'), children: <InvoicesTable orgId={orgId} /> },
          { key: 'documents', label: t('appBilling.tabs.documents'), children: <ActsTable orgId={orgId} /> },
          { key: 'payments', label: t('appBilling.tabs.payments'), children: <PaymentsTable orgId={orgId} /> },
        ]}
      />
    </>
  );
}
