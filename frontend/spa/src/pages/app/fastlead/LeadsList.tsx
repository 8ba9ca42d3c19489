import { LockOutlined } from '@ant-design/icons';
import { Button, DatePicker, Flex, Input, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { fastleadKeys, LEAD_CHANNELS, LEAD_STATUSES, listLeads, type Lead } from '../../../api/fastlead';
import { startLeadsExport } from '../../../api/fastleadReporting';
import { PagedTable, usePagedQuery } from '../../../components/PagedTable';
import { useDateTime } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { ExportButton } from './ExportButton';
import { filtersOf, isFiltered, MIN_SEARCH, paramsFromSearch, searchFromParams, type LeadSearch } from './leadFilters';
import { ChannelTag, StatusTag, UpgradeHint } from './shared';
import { useWorkspace } from './WorkspaceLayout';

/** A lead's contact as the list shows it: who and how to reach them. */
export function contactOf(lead: Pick<Lead, 'name' | 'phone' | 'email'>): string {
  return [lead.name, lead.phone, lead.email].filter(Boolean).join(' · ');
}

/** The workspace's leads, newest first: filters by status, channel and days, search, «Load more». */
export default function LeadsList() {
  const { t } = useTranslation();
  const { orgId, workspace } = useWorkspace();
  const dateTime = useDateTime();
  const navigate = useNavigate();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const search = searchFromParams(params);
  const [typed, setTyped] = useState(search.q ?? '');
  const filters = filtersOf(search);
  const leads = usePagedQuery(fastleadKeys.leadList(orgId, workspace.id, filters),
    (cursor) => listLeads(orgId, workspace.id, filters, cursor));
  const searchTooShort = !!search.q && search.q.length < MIN_SEARCH;
  const rows = leads.data?.pages.flatMap((page) => page.items) ?? [];
  const href = (lead: Lead) => `/app/fastlead/${workspace.id}/leads/${lead.id}`;

  const change = (next: Partial<LeadSearch>) => setParams(paramsFromSearch({ ...search, ...next }), { replace: true });
  const range: [Dayjs | null, Dayjs | null] | null = search.from || search.to
    ? [search.from ? dayjs(search.from) : null, search.to ? dayjs(search.to) : null]
    : null;

  return (
    <Flex vertical gap={16}>
      <Flex wrap gap={8} align="start" role="search" aria-label={t('fastlead.leads.filters')}>
        <Select
          aria-label={t('fastlead.leads.status')}
          placeholder={t('fastlead.leads.allStatuses')}
          allowClear
          style={{ width: 180 }}
          value={search.status}
          onChange={(status) => change({ status })}
          options={LEAD_STATUSES.map((value) => ({ value, label: t(`fastlead.status.${value}`) }))}
        />
        <Select
          aria-label={t('fastlead.leads.channel')}
          placeholder={t('fastlead.leads.allChannels')}
          allowClear
          style={{ width: 180 }}
          value={search.channel}
          onChange={(channel) => change({ channel })}
          options={LEAD_CHANNELS.map((value) => ({ value, label: t(`fastlead.channel.${value}`) }))}
        />
        <DatePicker.RangePicker
          aria-label={t('fastlead.leads.dates')}
          format="DD.MM.YYYY"
          allowEmpty={[true, true]}
          value={range}
          onChange={(days) => change({ from: days?.[0]?.format('YYYY-MM-DD'), to: days?.[1]?.format('YYYY-MM-DD') })}
        />
        <Flex vertical style={{ width: 280 }}>
          <Input.Search
            aria-label={t('fastlead.leads.search')}
            placeholder={t('fastlead.leads.searchPlaceholder')}
            allowClear
            maxLength={100}
            value={typed}
            status={searchTooShort ? 'error' : undefined}
            onChange={(event) => {
              setTyped(event.target.value);
              if (!event.target.value) change({ q: undefined });
            }}
            onSearch={(value) => change({ q: value.trim() || undefined })}
          />
          {searchTooShort && (
            <Typography.Text type="danger" role="alert">{t('fastlead.leads.searchTooShort', { count: MIN_SEARCH })}</Typography.Text>
          )}
        </Flex>
        {isFiltered(search) && (
          <Button onClick={() => { setTyped(''); setParams({}, { replace: true }); }}>{t('common.reset')}</Button>
        )}
      </Flex>
      {can('app.exports.create') && (
        <ExportButton orgId={orgId} workspaceId={workspace.id} start={(format) => startLeadsExport(orgId, workspace.id, format, filters)} />
      )}
      {rows.some((lead) => lead.locked) && <UpgradeHint locked title={t('fastlead.leads.lockedNotice')} />}
      <PagedTable<Lead>
        query={leads}
        rowKey="id"
        minWidth={900}
        emptyText={isFiltered(search) ? t('fastlead.leads.emptyFiltered') : t('fastlead.leads.empty')}
        onRow={(lead) => ({ onClick: () => void navigate(href(lead)), style: { cursor: 'pointer' } })}
        columns={[
          {
            key: 'contact',
            title: t('fastlead.leads.contact'),
            fixed: 'left',
            width: 300,
            render: (_, lead) => lead.locked ? (
              <Link to={href(lead)} onClick={(event) => event.stopPropagation()}>
                <LockOutlined /> {t('fastlead.leads.locked')}
              </Link>
            ) : (
              <Link to={href(lead)} onClick={(event) => event.stopPropagation()}>
                <Typography.Text ellipsis={{ tooltip: contactOf(lead) }} style={{ color: 'inherit' }}>
                  {contactOf(lead) || t('fastlead.leads.noContact')}
                </Typography.Text>
              </Link>
            ),
          },
          { key: 'created', title: t('fastlead.leads.created'), width: 190, render: (_, lead) => dateTime(lead.created_at) },
          {
            key: 'message',
            title: t('fastlead.leads.message'),
            render: (_, lead) => <Typography.Text ellipsis={{ tooltip: lead.message }}>{lead.message ?? '—'}</Typography.Text>,
          },
          { key: 'channel', title: t('fastlead.leads.channel'), width: 140, render: (_, lead) => <ChannelTag channel={lead.channel} /> },
          { key: 'status', title: t('fastlead.leads.status'), width: 150, render: (_, lead) => <StatusTag status={lead.status} /> },
        ]}
      />
    </Flex>
  );
}
