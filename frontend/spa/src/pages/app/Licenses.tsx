import { DownloadOutlined, KeyOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Collapse, Descriptions, Empty, Flex, Row, Tag, Typography } from 'antd';
import { useState } from 'react';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { downloadMyLicenseFile, listMyActivations, listMyLicenses, listMyProducts, revealMyLicenseKey } from '../../api/appLicensing';
import type { License } from '../../api/licensing';
import { queryKeys } from '../../api/queryKeys';
import { useMe } from '../../auth/session';
import { ErrorState, useShowError } from '../../components/errors';
import { usePagedQuery } from '../../components/PagedTable';
import { PageHeader } from '../../components/PageHeader';
import { PageSpin } from '../../components/PageSpin';
import { saveBlob } from '../../lib/download';
import { LicenseStateTag, useCatalogNames, useLimitText } from '../../lib/licensing';
import { useCan } from '../../lib/permissions';
import { ActivationsTable } from '../../components/ActivationsTable';

/** The organization's licenses: terms, installations, and the license files to download. */
export default function Licenses() {
  const { t } = useTranslation();
  const me = useMe();
  const orgId = me.current.org_id ?? '';
  const licenses = usePagedQuery(queryKeys.myLicenses(orgId), (cursor) => listMyLicenses(orgId, cursor), !!orgId);
  const products = useQuery({ queryKey: queryKeys.myCatalog(orgId), queryFn: () => listMyProducts(orgId), enabled: !!orgId, staleTime: 5 * 60_000 });

  if (!orgId) return <Empty description={t('appLicenses.noOrganization')} />;
  if (licenses.isPending) return <PageSpin />;
  if (licenses.isError && !licenses.data) return <ErrorState error={licenses.error} onRetry={() => void licenses.refetch()} />;
  const items = licenses.data.pages.flatMap((page) => page.items);
  return (
    <>
      <PageHeader title={t('appLicenses.title')}>{t('appLicenses.intro')}</PageHeader>
      {items.length === 0 && <Card><Empty description={t('appLicenses.empty')} /></Card>}
      <Row gutter={[16, 16]}>
        {items.map((license) => (
          <Col key={license.id} xs={24} xl={12}>
            <LicenseCard license={license} orgId={orgId} products={products.data} />
          </Col>
        ))}
      </Row>
      {licenses.hasNextPage && (
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Button onClick={() => void licenses.fetchNextPage()} loading={licenses.isFetchingNextPage}>{t('common.loadMore')}</Button>
        </Flex>
      )}
    </>
  );
}

function LicenseCard({ license, orgId, products }: { license: License; orgId: string; products: Parameters<typeof useCatalogNames>[0] }) {
  const { t } = useTranslation();
  const can = useCan();
  const names = useCatalogNames(products);
  const limitText = useLimitText();
  const showError = useShowError();
  const download = useMutation({
    mutationFn: () => downloadMyLicenseFile(orgId, license.id),
    onSuccess: ({ blob, filename }) => saveBlob(blob, filename ?? `${license.id}.lic`),
    onError: (e) => showError(e),
  });
  return (
    <Card
      title={<Flex wrap gap={8} align="center">{names.product(license.product)} · {names.plan(license.product, license.plan)}<LicenseStateTag state={license.state} /></Flex>}
      extra={can('app.licenses.download') && license.status !== 'revoked' && (
        <Button icon={<DownloadOutlined />} loading={download.isPending} onClick={() => download.mutate()}>{t('appLicenses.download')}</Button>
      )}
    >
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('licenses.period')}>
          {dayjs(license.starts_on).format('DD.MM.YYYY')} — {dayjs(license.ends_on).format('DD.MM.YYYY')} · {t('licenseWizard.graceShort', { count: license.grace_days })}
        </Descriptions.Item>
        <Descriptions.Item label={t('licenses.domain')}>{license.domain}</Descriptions.Item>
        <Descriptions.Item label={t('licenses.versionRange')}>{license.version_min} — {license.version_max ?? t('licenseWizard.anyNewer')}</Descriptions.Item>
        <Descriptions.Item label={t('licenses.currentVersion')}>v{license.version}</Descriptions.Item>
        <Descriptions.Item label={t('licenses.modules')}>
          <Flex wrap gap={4}>{license.modules.map((m) => <Tag key={m}>{names.module(license.product, m)}</Tag>)}</Flex>
        </Descriptions.Item>
        {Object.entries(license.limits).map(([name, limit]) => (
          <Descriptions.Item key={name} label={t(`limitName.${name}`)}>{limitText(limit)}</Descriptions.Item>
        ))}
        <Descriptions.Item label={t('licenses.key')}><LicenseKeyField license={license} orgId={orgId} /></Descriptions.Item>
      </Descriptions>
      <Collapse
        ghost
        items={[{ key: 'installations', label: t('appLicenses.installations'), children: <Installations orgId={orgId} license={license} moduleName={(m) => names.module(license.product, m)} /> }]}
      />
    </Card>
  );
}

/** The key's hint; owners and admins ask for the key itself (each read is audited, so never fetched unasked). */
function LicenseKeyField({ license, orgId }: { license: License; orgId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const showError = useShowError();
  const [key, setKey] = useState<string | null>(null);
  const reveal = useMutation({
    mutationFn: () => revealMyLicenseKey(orgId, license.id),
    onSuccess: (answer) => setKey(answer.license_key),
    onError: (e) => showError(e),
  });
  if (key) {
    return (
      <Flex vertical gap={4}>
        <Flex wrap gap={8} align="center">
          <Typography.Text code copyable>{key}</Typography.Text>
          <Button size="small" type="link" onClick={() => setKey(null)}>{t('appLicenses.hideKey')}</Button>
        </Flex>
        <Typography.Text type="secondary">{t('appLicenses.keyHelp')}</Typography.Text>
      </Flex>
    );
  }
  return (
    <Flex wrap gap={8} align="center">
      <Typography.Text code>…{license.key_hint}</Typography.Text>
      {can('app.licenses.key') && license.status !== 'revoked' && (
        <Button size="small" icon={<KeyOutlined />} loading={reveal.isPending} onClick={() => reveal.mutate()}>{t('appLicenses.showKey')}</Button>
      )}
    </Flex>
  );
}

function Installations({ orgId, license, moduleName }: { orgId: string; license: License; moduleName: (code: string) => string }) {
  const { t } = useTranslation();
  const activations = useQuery({ queryKey: queryKeys.myActivations(orgId, license.id), queryFn: () => listMyActivations(orgId, license.id) });
  if (activations.isError) return <ErrorState error={activations.error} onRetry={() => void activations.refetch()} />;
  return (
    <>
      {activations.data && <Typography.Paragraph type="secondary">{t('activations.latestRelease', { version: activations.data.latest_version })}</Typography.Paragraph>}
      <ActivationsTable rows={activations.data?.items ?? []} loading={activations.isPending} moduleName={moduleName} emptyText={t('appLicenses.noInstallations')} />
    </>
  );
}
