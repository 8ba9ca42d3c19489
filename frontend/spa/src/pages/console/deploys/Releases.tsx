import { Button, Descriptions, Drawer, Flex, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deploysKeys, listReleases, RELEASE_CHANNELS, type Channel, type Release, type ReleaseFilters } from '../../../api/deploys';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { useDateTime } from '../../../lib/format';
import { oneOf, useAddressFilters } from '../billing/shared';
import { ChannelTag } from './shared';

export function releaseFiltersFrom(params: URLSearchParams): ReleaseFilters {
  const channel = oneOf(params.get('channel'), RELEASE_CHANNELS);
  return channel ? { channel } : {};
}

/** «Релизы»: the versions the product's CI registered, newest first; a release opens with its images and changelog. */
export default function Releases() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { filters, change } = useAddressFilters(releaseFiltersFrom);
  const releases = usePagedQuery(deploysKeys.releases(filters), (cursor) => listReleases(filters, cursor));
  const [open, setOpen] = useState<Release>();
  return (
    <>
      <PageHeader title={t('deploys.releases.title')}>{t('deploys.releases.intro')}</PageHeader>
      <Flex gap={8} style={{ marginBottom: 16 }} role="search" aria-label={t('deploys.releases.filters')}>
        <Select<Channel>
          allowClear
          value={filters.channel ?? undefined}
          placeholder={t('deploys.releases.channelFilter')}
          aria-label={t('deploys.releases.channelFilter')}
          options={RELEASE_CHANNELS.map((value) => ({ value, label: t(`deploys.channel.${value}`) }))}
          onChange={(value) => change('channel', value)}
          style={{ width: 200 }}
        />
      </Flex>
      <PagedTable<Release>
        query={releases}
        rowKey="version"
        size="small"
        minWidth={760}
        emptyText={filters.channel ? t('deploys.releases.emptyFiltered') : t('deploys.releases.empty')}
        columns={[
          {
            key: 'version', title: t('deploys.releases.version'), width: 130, fixed: 'left',
            render: (_, r) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(r)}>{r.version}</Button>,
          },
          { key: 'channel', title: t('deploys.releases.channel'), width: 120, render: (_, r) => <ChannelTag channel={r.channel} /> },
          { key: 'registered', title: t('deploys.releases.registeredAt'), width: 190, render: (_, r) => dateTime(r.registered_at) },
          {
            key: 'changelog', title: t('deploys.releases.changelog'),
            render: (_, r) => <Typography.Text ellipsis={{ tooltip: r.changelog }}>{r.changelog.split('\n')[0] || '—'}</Typography.Text>,
          },
        ]}
      />
      <Drawer open={!!open} onClose={() => setOpen(undefined)} size="large" title={open && t('deploys.releases.detailTitle', { version: open.version })}>
        {open && <ReleaseDetail release={open} />}
      </Drawer>
    </>
  );
}

function ReleaseDetail({ release }: { release: Release }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const images = Object.entries(release.images).map(([service, image]) => ({ service, image }));
  return (
    <>
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('deploys.releases.channel')}><ChannelTag channel={release.channel} /></Descriptions.Item>
        <Descriptions.Item label={t('deploys.releases.registeredAt')}>{dateTime(release.registered_at)}</Descriptions.Item>
        <Descriptions.Item label={t('deploys.releases.commit')}><Typography.Text code copyable>{release.git_sha}</Typography.Text></Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5}>{t('deploys.releases.images')}</Typography.Title>
      <Table
        size="small"
        rowKey="service"
        pagination={false}
        dataSource={images}
        style={{ marginBottom: 16 }}
        columns={[
          { key: 'service', title: t('deploys.releases.service'), width: 120, dataIndex: 'service' },
          {
            key: 'image', title: t('deploys.releases.image'),
            render: (_, row) => <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>{row.image}</Typography.Text>,
          },
        ]}
      />
      <Typography.Title level={5}>{t('deploys.releases.changelog')}</Typography.Title>
      {/* The CI's text as it is: plain text with its line breaks, never markup. */}
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{release.changelog || '—'}</Typography.Paragraph>
    </>
  );
}
