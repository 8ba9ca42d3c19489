import { Result, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useCan } from '../../../lib/permissions';
import { RenewalsReport } from './RenewalsReport';
import { SalesReport } from './SalesReport';
import { UsageReport } from './UsageReport';

const TABS = ['sales', 'renewals', 'usage'] as const;
type Tab = (typeof TABS)[number];

/** The licensing reports for management: plan vs fact, renewal forecast, module usage. */
export default function Reports() {
  const { t } = useTranslation();
  const { t: r } = useTranslation('reports');
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const wanted = params.get('tab');
  const tab: Tab = TABS.includes(wanted as Tab) ? (wanted as Tab) : 'sales';
  if (!can('console.reports.read')) {
    // an old link or a typed address: say so instead of three tabs of 403s
    return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={r('forbidden')} />;
  }
  return (
    <>
      <PageHeader title={r('title')}>{r('intro')}</PageHeader>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'sales', label: r('tabs.sales'), children: <SalesReport /> },
          { key: 'renewals', label: r('tabs.renewals'), children: <RenewalsReport /> },
          { key: 'usage', label: r('tabs.usage'), children: <UsageReport /> },
        ]}
      />
    </>
  );
}
