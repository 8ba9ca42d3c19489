import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Drawer, Empty, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deploysKeys, getSupportBundle, listSupportBundles, type SupportBundle } from '../../../api/deploys';
import { ErrorState } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';

/** 2 500 000 → «2,4 МБ» / «2.4 MB». */
export function useFileSize(): (bytes: number | null | undefined) => string {
  const { t, i18n } = useTranslation();
  return (bytes) => {
    if (bytes === null || bytes === undefined) return '—';
    const units = ['bytes', 'kb', 'mb', 'gb'] as const;
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    const number = value.toLocaleString(i18n.language === 'en' ? 'en-US' : 'ru-RU', { maximumFractionDigits: unit ? 1 : 0 });
    return t(`deploys.size.${units[unit]}`, { value: number });
  };
}

/** An installation's support bundles (logs, versions, disk, containers; secrets redacted by the agent). */
export function SupportBundles({ installationId }: { installationId: string }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const size = useFileSize();
  const bundles = useQuery({ queryKey: deploysKeys.bundles(installationId), queryFn: () => listSupportBundles(installationId) });
  const [openId, setOpenId] = useState<string>();
  if (bundles.isError) return <ErrorState error={bundles.error} onRetry={() => void bundles.refetch()} />;
  return (
    <>
      <Table<SupportBundle>
        size="small"
        rowKey="id"
        pagination={false}
        loading={bundles.isPending}
        dataSource={bundles.data?.items ?? []}
        locale={{ emptyText: bundles.isPending ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('deploys.bundles.empty')} /> }}
        columns={[
          {
            key: 'created', title: t('deploys.bundles.createdAt'), width: 200,
            render: (_, b) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpenId(b.id)}>{dateTime(b.created_at)}</Button>,
          },
          { key: 'note', title: t('deploys.bundles.note'), render: (_, b) => b.note ?? '—' },
          { key: 'size', title: t('deploys.bundles.size'), width: 120, render: (_, b) => size(b.size_bytes) },
        ]}
      />
      <Drawer open={!!openId} onClose={() => setOpenId(undefined)} size="large" title={t('deploys.bundles.detailTitle')}>
        {openId && <BundleDetail installationId={installationId} bundleId={openId} />}
      </Drawer>
    </>
  );
}

function BundleDetail({ installationId, bundleId }: { installationId: string; bundleId: string }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const size = useFileSize();
  // The download link is presigned for minutes: read it afresh each time the bundle is opened.
  const bundle = useQuery({
    queryKey: deploysKeys.bundle(installationId, bundleId),
    queryFn: () => getSupportBundle(installationId, bundleId),
    gcTime: 0,
  });
  if (bundle.isPending) return <PageSpin />;
  if (bundle.isError) return <ErrorState error={bundle.error} onRetry={() => void bundle.refetch()} />;
  const detail = bundle.data;
  return (
    <>
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('deploys.bundles.id')}><Typography.Text code copyable>{detail.id}</Typography.Text></Descriptions.Item>
        <Descriptions.Item label={t('deploys.bundles.createdAt')}>{dateTime(detail.created_at)}</Descriptions.Item>
        <Descriptions.Item label={t('deploys.bundles.uploadedAt')}>
          {!detail.uploaded ? t('deploys.bundles.uploading') : detail.sha256_matches ? t('deploys.bundles.checksumOk') : (
            <Typography.Text type="danger">{t('deploys.bundles.checksumBad')}</Typography.Text>)}
        </Descriptions.Item>
        {detail.note && <Descriptions.Item label={t('deploys.bundles.note')}>{detail.note}</Descriptions.Item>}
        <Descriptions.Item label={t('deploys.bundles.size')}>{size(detail.size_bytes)}</Descriptions.Item>
        <Descriptions.Item label={t('deploys.bundles.linkExpires')}>{dateTime(detail.download_expires_at)}</Descriptions.Item>
      </Descriptions>
      {detail.download_url && (
        <Button type="primary" icon={<DownloadOutlined />} href={detail.download_url} target="_blank" rel="noopener noreferrer" style={{ marginBottom: 16 }}>
          {t('deploys.bundles.download')}
        </Button>
      )}
      <Table
        size="small"
        rowKey="name"
        pagination={false}
        dataSource={detail.files ?? []}
        locale={{ emptyText: t('deploys.bundles.noFiles') }}
        columns={[
          { key: 'path', title: t('deploys.bundles.file'), render: (_, f) => <Typography.Text code style={{ wordBreak: 'break-all' }}>{f.name}</Typography.Text> },
          { key: 'size', title: t('deploys.bundles.size'), width: 120, render: (_, f) => size(f.size) },
        ]}
      />
    </>
  );
}
