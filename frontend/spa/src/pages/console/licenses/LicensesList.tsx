import { PlusOutlined } from '@ant-design/icons';
import { Button, DatePicker, Flex, Input, Select, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { LICENSE_STATES, LICENSE_STATUSES } from '../../../api/enums';
import { listLicenses, type LicenseFilters, type LicenseRow } from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { CustomerPicker } from '../../../components/CustomerPicker';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useDay } from '../../../lib/format';
import { LicenseStateTag, PAYMENT_COLOR, useCatalog, useCatalogNames } from '../../../lib/licensing';
import { NameWithId } from '../../../lib/names';
import { useCan } from '../../../lib/permissions';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PLAN = /^[a-z][a-z0-9_]{1,39}$/;
const ORG = /^org_[0-9A-HJKMNP-TV-Z]{26}$/;

type ListedStatus = (typeof LICENSE_STATUSES)[number];
type ListedState = (typeof LICENSE_STATES)[number];

/** The list's filters from the address (?q=…&state=…), so a filtered list can be linked to; bad values are ignored. */
export function filtersFrom(params: URLSearchParams): LicenseFilters {
  const get = (name: string) => params.get(name)?.trim() || undefined;
  const status = get('status');
  const state = get('state');
  const plan = get('plan');
  const expires = get('expires_before');
  const orgId = get('org_id');
  const q = get('q');
  return {
    ...(orgId && ORG.test(orgId) ? { org_id: orgId } : {}),
    ...(status && LICENSE_STATUSES.includes(status as ListedStatus) ? { status: status as ListedStatus } : {}),
    ...(state && LICENSE_STATES.includes(state as ListedState) ? { state: state as ListedState } : {}),
    ...(plan && PLAN.test(plan) ? { plan } : {}),
    ...(expires && DAY.test(expires) && dayjs(expires).format('YYYY-MM-DD') === expires ? { expires_before: expires } : {}),
    ...(q ? { q: q.slice(0, 100) } : {}),
  };
}

/**
 * Licenses newest first, a page at a time: every customer's (with a customer column linking to the card)
 * or one customer's (`orgId`, as on the customer card).
 */
export function LicenseTable({ orgId, filters = {}, emptyText }: { orgId?: string; filters?: LicenseFilters; emptyText: string }) {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const names = useCatalogNames(catalog.data);
  const day = useDay();
  const query: LicenseFilters = orgId ? { ...filters, org_id: orgId } : filters;
  const licenses = usePagedQuery(queryKeys.licenseList(query), (cursor) => listLicenses(query, cursor));
  return (
    <PagedTable<LicenseRow>
      query={licenses}
      rowKey="id"
      emptyText={emptyText}
      size="small"
      minWidth={orgId ? 860 : 1040}
      columns={[
        {
          key: 'license',
          title: t('licenses.license'),
          fixed: 'left',
          render: (_, l) => (
            <NameWithId name={<Link to={`/console/licenses/${l.id}`}>{names.plan(l.product, l.plan)} · {l.domain}</Link>} id={l.id} hint={names.product(l.product)} />
          ),
        },
        ...(orgId ? [] : [{
          key: 'customer',
          title: t('licenses.customer'),
          render: (_: unknown, l: LicenseRow) => (
            <Typography.Text ellipsis={{ tooltip: l.customer_name }}>
              <Link to={`/console/customers/${l.org_id}`}>{l.customer_name ?? l.org_id}</Link>
            </Typography.Text>
          ),
        }]),
        { key: 'period', title: t('licenses.period'), width: 180, render: (_, l) => `${day(l.starts_on)} — ${day(l.ends_on)}` },
        { key: 'state', title: t('licenses.state'), width: 140, render: (_, l) => <LicenseStateTag state={l.state} /> },
        {
          key: 'payment',
          title: t('licenses.payment'),
          width: 130,
          render: (_, l) => l.payment_status
            ? <Tag color={PAYMENT_COLOR[l.payment_status]}>{t(`paymentStatus.${l.payment_status}`)}</Tag>
            : <Typography.Text type="secondary">—</Typography.Text>,
        },
        { key: 'version', title: t('licenses.version'), width: 72, render: (_, l) => `v${l.version}` },
        { key: 'modules', title: t('licenses.modules'), width: 72, render: (_, l) => l.modules.length },
        { key: 'key', title: t('licenses.key'), width: 84, render: (_, l) => <Typography.Text code>…{l.key_hint}</Typography.Text> },
      ]}
    />
  );
}

/** Every license: search by license id, customer or ИНН; filters by status, state, plan, customer and last day. */
export default function LicensesList() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const catalog = useCatalog();
  const names = useCatalogNames(catalog.data);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => setText(filters.q ?? ''), [filters.q]);
  const issueUrl = filters.org_id ? `/console/licenses/new?org_id=${encodeURIComponent(filters.org_id)}` : '/console/licenses/new';
  const filtered = Object.keys(filters).length > 0;

  const change = (name: keyof LicenseFilters, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const planOptions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const product of catalog.data ?? []) {
      for (const plan of product.plans) if (!seen.has(plan.code)) seen.set(plan.code, names.plan(product.code, plan.code));
    }
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [catalog.data, names]);

  return (
    <>
      <PageHeader
        title={t('licenses.title')}
        extra={can('console.licenses.issue') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate(issueUrl)}>{t('licenses.new')}</Button>
        )}
      >
        {t('licenses.intro')}
      </PageHeader>
      <Flex wrap gap={8} style={{ marginBottom: 16 }} role="search" aria-label={t('licenses.filters')}>
        <Input.Search
          allowClear
          value={text}
          maxLength={100}
          placeholder={t('licenses.searchPlaceholder')}
          aria-label={t('licenses.search')}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value === '') change('q', undefined);
          }}
          onSearch={(value) => change('q', value.trim() || undefined)}
          style={{ width: 320 }}
        />
        <Select<ListedStatus>
          allowClear
          value={filters.status}
          placeholder={t('licenses.statusFilter')}
          aria-label={t('licenses.statusFilter')}
          options={LICENSE_STATUSES.map((value) => ({ value, label: t(`licenses.statuses.${value}`) }))}
          onChange={(value) => change('status', value)}
          style={{ width: 180 }}
        />
        <Select<ListedState>
          allowClear
          value={filters.state}
          placeholder={t('licenses.stateFilter')}
          aria-label={t('licenses.stateFilter')}
          options={LICENSE_STATES.map((value) => ({ value, label: t(`licenseState.${value}`) }))}
          onChange={(value) => change('state', value)}
          style={{ width: 200 }}
        />
        <Select<string>
          allowClear
          value={filters.plan}
          placeholder={t('licenses.planFilter')}
          aria-label={t('licenses.planFilter')}
          options={planOptions}
          onChange={(value) => change('plan', value)}
          style={{ width: 180 }}
        />
        <DatePicker
          value={filters.expires_before ? dayjs(filters.expires_before) : null}
          format="DD.MM.YYYY"
          placeholder={t('licenses.expiresBefore')}
          aria-label={t('licenses.expiresBefore')}
          onChange={(day) => change('expires_before', day ? day.format('YYYY-MM-DD') : undefined)}
        />
        <CustomerPicker value={filters.org_id ?? undefined} onChange={(next) => change('org_id', next)} style={{ width: 320 }} />
        {filtered && <Button onClick={() => setParams({}, { replace: true })}>{t('licenses.resetFilters')}</Button>}
      </Flex>
      <LicenseTable filters={filters} emptyText={filtered ? t('licenses.emptyFiltered') : t('licenses.empty')} />
    </>
  );
}
