import { Card, Empty, Flex, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Plan, Product } from '../../../api/licensing';
import { ErrorState } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useCatalog, useCatalogNames, useLimitText } from '../../../lib/licensing';

/** Products, their modules, plans with default modules and limits (read only: the catalog is data). */
export default function Catalog() {
  const { t } = useTranslation();
  const catalog = useCatalog();
  if (catalog.isPending) return <PageSpin />;
  if (catalog.isError) return <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} />;
  return (
    <>
      <PageHeader title={t('catalog.title')}>{t('catalog.intro')}</PageHeader>
      {catalog.data.length === 0 && <Card><Empty description={t('catalog.empty')} /></Card>}
      {catalog.data.map((product) => <ProductCard key={product.code} product={product} products={catalog.data} />)}
    </>
  );
}

function ProductCard({ product, products }: { product: Product; products: Product[] }) {
  const { t, i18n } = useTranslation();
  const names = useCatalogNames(products);
  const limitText = useLimitText();
  return (
    <Card
      style={{ marginBottom: 16 }}
      title={<Flex wrap gap={8} align="center">{product.name}<Tag>{t(`productKind.${product.kind}`)}</Tag></Flex>}
      extra={<Typography.Text type="secondary">{t('catalog.latest', { version: product.latest_version })}</Typography.Text>}
    >
      <Typography.Title level={5}>{t('catalog.modules')}</Typography.Title>
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={product.modules}
        style={{ marginBottom: 16 }}
        columns={[
          { key: 'name', title: t('catalog.module'), render: (_, m) => (i18n.resolvedLanguage === 'en' ? m.name_en : m.name) },
          { key: 'code', title: t('catalog.code'), render: (_, m) => <Typography.Text code>{m.code}</Typography.Text> },
          {
            key: 'plans', title: t('catalog.inPlans'),
            render: (_, m) => <Flex wrap gap={4}>{product.plans.filter((p) => p.modules.includes(m.code)).map((p) => <Tag key={p.code}>{p.name}</Tag>)}</Flex>,
          },
        ]}
      />
      <Typography.Title level={5}>{t('catalog.plans')}</Typography.Title>
      <Table<Plan>
        size="small"
        rowKey="code"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={product.plans}
        columns={[
          { key: 'plan', title: t('catalog.plan'), render: (_, p) => <Flex vertical><Typography.Text strong>{p.name}</Typography.Text><Typography.Text type="secondary" code>{p.code}</Typography.Text></Flex> },
          {
            key: 'modules', title: t('catalog.defaultModules'),
            render: (_, p) => <Flex wrap gap={4} style={{ maxWidth: 320 }}>{p.modules.map((m) => <Tag key={m}>{names.module(product.code, m)}</Tag>)}</Flex>,
          },
          {
            key: 'limits', title: t('catalog.limits'),
            render: (_, p) => Object.entries(p.limits).map(([name, limit]) => (
              <div key={name}><Typography.Text type="secondary">{t(`limitName.${name}`)}: </Typography.Text>{limitText(limit)}</div>
            )),
          },
        ]}
      />
    </Card>
  );
}
