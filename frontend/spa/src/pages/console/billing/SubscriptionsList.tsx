import { Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  billingKeys, listSubscriptions, SUBSCRIPTION_STATES, type Subscription, type SubscriptionFilters, type SubscriptionState,
} from '../../../api/billing';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useDateTime } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';
import { FilterBar, oneOf, searchAndCustomer, SubscriptionStateTag, useAddressFilters, usePlans } from './shared';

const PLAN = /^[a-z][a-z0-9_]{1,39}$/;

/** The list's filters from the address; values the API would refuse are ignored. */
export function subscriptionFiltersFrom(params: URLSearchParams): SubscriptionFilters {
  const state = oneOf(params.get('state'), SUBSCRIPTION_STATES);
  const plan = params.get('plan');
  return { ...searchAndCustomer(params), ...(state ? { state } : {}), ...(plan && PLAN.test(plan) ? { plan } : {}) };
}

/** Subscriptions newest first: search by customer or ИНН, filters by state, plan and customer. */
export default function SubscriptionsList() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { plans, planName } = usePlans();
  const { filters, change, reset, filtered } = useAddressFilters(subscriptionFiltersFrom);
  const subscriptions = usePagedQuery(billingKeys.subscriptions(filters), (cursor) => listSubscriptions(filters, cursor));
  return (
    <>
      <PageHeader title={t('billing.subscriptions.title')}>{t('billing.subscriptions.intro')}</PageHeader>
      <FilterBar
        label={t('billing.subscriptions.filters')}
        q={filters.q ?? undefined}
        placeholder={t('billing.searchPlaceholder')}
        onSearch={(q) => change('q', q)}
        orgId={filters.org_id ?? undefined}
        onCustomer={(orgId) => change('org_id', orgId)}
        filtered={filtered}
        onReset={reset}
      >
        <Select<SubscriptionState>
          allowClear
          value={filters.state ?? undefined}
          placeholder={t('billing.subscriptions.stateFilter')}
          aria-label={t('billing.subscriptions.stateFilter')}
          options={SUBSCRIPTION_STATES.map((value) => ({ value, label: t(`billing.subscriptionState.${value}`) }))}
          onChange={(value) => change('state', value)}
          style={{ width: 180 }}
        />
        <Select<string>
          allowClear
          value={filters.plan ?? undefined}
          placeholder={t('billing.subscriptions.planFilter')}
          aria-label={t('billing.subscriptions.planFilter')}
          options={(plans.data ?? []).map((plan) => ({ value: plan.code, label: planName(plan.code) }))}
          onChange={(value) => change('plan', value)}
          style={{ width: 180 }}
        />
      </FilterBar>
      <PagedTable<Subscription>
        query={subscriptions}
        rowKey="id"
        size="small"
        minWidth={960}
        emptyText={filtered ? t('billing.subscriptions.emptyFiltered') : t('billing.subscriptions.empty')}
        columns={[
          {
            key: 'subscription',
            title: t('billing.subscriptions.subscription'),
            fixed: 'left',
            width: 220,
            render: (_, s) => (
              <Typography.Text ellipsis={{ tooltip: s.id }}>
                <Link to={`/console/billing/subscriptions/${s.id}`}>{planName(s.plan)}</Link>
              </Typography.Text>
            ),
          },
          { key: 'customer', title: t('billing.customer'), render: (_, s) => <CustomerName orgId={s.org_id} /> },
          { key: 'state', title: t('billing.subscriptions.state'), width: 150, render: (_, s) => <SubscriptionStateTag state={s.state} /> },
          { key: 'periodEnd', title: t('billing.subscriptions.periodEnd'), width: 180, render: (_, s) => dateTime(s.period_end) },
          {
            key: 'method',
            title: t('billing.subscriptions.savedMethod'),
            width: 130,
            render: (_, s) => (s.saved_method ? t('common.yes') : t('common.no')),
          },
        ]}
      />
    </>
  );
}
