import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BillingPlan } from '../../../api/billing';
import { ErrorState } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { usePlans, useMoney } from './shared';

/** The plans on sale: code, name, price per period with VAT, trial and limits (read only: plans are data in code). */
export default function Plans() {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const { plans, planName } = usePlans();
  const limitText = (value: number | null | undefined) => (value === null || value === undefined ? t('billing.plans.unlimited') : value.toLocaleString(i18n.language === 'en' ? 'en-US' : 'ru-RU'));
  return (
    <>
      <PageHeader title={t('billing.plans.title')}>{t('billing.plans.intro')}</PageHeader>
      {plans.isError ? <ErrorState error={plans.error} onRetry={() => void plans.refetch()} /> : (
        <Table<BillingPlan>
          size="small"
          rowKey="code"
          loading={plans.isPending}
          dataSource={plans.data ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: plans.isPending ? ' ' : t('billing.plans.empty') }}
          columns={[
            {
              key: 'plan',
              title: t('billing.plans.plan'),
              fixed: 'left',
              width: 200,
              render: (_, p) => (
                <>
                  <Typography.Text strong>{planName(p.code)}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{p.code}</Typography.Text>
                </>
              ),
            },
            { key: 'price', title: t('billing.plans.price'), width: 140, align: 'right', render: (_, p) => money(p.price) },
            { key: 'period', title: t('billing.plans.period'), width: 120, render: (_, p) => t('billing.plans.months', { count: p.period_months }) },
            { key: 'vat', title: t('billing.plans.vat'), width: 100, render: (_, p) => (p.vat_rate === null || p.vat_rate === undefined ? t('billing.noVat') : `${p.vat_rate}%`) },
            { key: 'trial', title: t('billing.plans.trial'), width: 110, render: (_, p) => (p.trial_days ? t('billing.plans.days', { count: p.trial_days }) : '—') },
            {
              key: 'limits',
              title: t('billing.plans.limits'),
              render: (_, p) => Object.entries(p.limits).map(([name, value]) => (
                <div key={name}>{t(`billing.limit.${name}`, { defaultValue: name })}: {limitText(value)}</div>
              )),
            },
          ]}
        />
      )}
    </>
  );
}
