import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { listLicenses, type License } from '../../../api/licensing';
import { queryKeys } from '../../../api/queryKeys';
import { CustomerPicker } from '../../../components/CustomerPicker';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { LicenseStateTag, PAYMENT_COLOR, useCatalog, useCatalogNames } from '../../../lib/licensing';
import { useCan } from '../../../lib/permissions';

/** The licenses of one customer (the customer is in the address, so the list can be linked to). */
export function LicenseTable({ orgId, emptyText }: { orgId: string; emptyText: string }) {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const names = useCatalogNames(catalog.data);
  const licenses = usePagedQuery(queryKeys.licenseList(orgId), (cursor) => listLicenses(orgId, cursor));
  return (
    <PagedTable<License>
      query={licenses}
      rowKey="id"
      emptyText={emptyText}
      columns={[
        {
          key: 'license',
          title: t('licenses.license'),
          render: (_, l) => (
            <Flex vertical>
              <Link to={`/console/licenses/${l.id}`}>{names.plan(l.product, l.plan)} · {l.domain}</Link>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{l.id}</Typography.Text>
            </Flex>
          ),
        },
        { key: 'product', title: t('licenses.product'), render: (_, l) => names.product(l.product) },
        {
          key: 'period',
          title: t('licenses.period'),
          render: (_, l) => `${dayjs(l.starts_on).format('DD.MM.YYYY')} — ${dayjs(l.ends_on).format('DD.MM.YYYY')}`,
        },
        { key: 'state', title: t('licenses.state'), render: (_, l) => <LicenseStateTag state={l.state} /> },
        {
          key: 'payment',
          title: t('licenses.payment'),
          render: (_, l) => l.payment_status
            ? <Tag color={PAYMENT_COLOR[l.payment_status]}>{t(`paymentStatus.${l.payment_status}`)}</Tag>
            : <Typography.Text type="secondary">—</Typography.Text>,
        },
        { key: 'version', title: t('licenses.version'), render: (_, l) => `v${l.version}` },
        { key: 'modules', title: t('licenses.modules'), render: (_, l) => l.modules.length },
        { key: 'key', title: t('licenses.key'), render: (_, l) => <Typography.Text code>…{l.key_hint}</Typography.Text> },
      ]}
    />
  );
}

export default function LicensesList() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const orgId = params.get('org_id') ?? undefined;
  const issueUrl = orgId ? `/console/licenses/new?org_id=${encodeURIComponent(orgId)}` : '/console/licenses/new';

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
      <Flex wrap gap={8} style={{ marginBottom: 16 }}>
        <CustomerPicker
          value={orgId}
          onChange={(next) => setParams(next ? { org_id: next } : {}, { replace: true })}
          style={{ width: 420 }}
        />
      </Flex>
      {orgId ? (
        <LicenseTable orgId={orgId} emptyText={t('licenses.emptyCustomer')} />
      ) : (
        <Card><Empty description={t('licenses.chooseCustomer')} /></Card>
      )}
    </>
  );
}
