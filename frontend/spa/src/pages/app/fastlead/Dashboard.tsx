import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Empty, Flex, Result, Row, Segmented, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  getDashboard, MAX_RANGE_DAYS, reportingKeys, startAnalyticsExport, type Dashboard as DashboardData,
} from '../../../api/fastleadReporting';
import { ErrorState } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useFeature } from '../../../lib/features';
import { useCan } from '../../../lib/permissions';
import { EChart } from '../../console/reports/EChart';
import { Alerts } from './Alerts';
import { channelChart, dailyChart, funnelChart, percentFormat } from './dashboardCharts';
import { moscowToday, RANGE_PRESETS, rangeFromParams, type RangePreset } from './dashboardRange';
import { ExportButton } from './ExportButton';
import { useWorkspace } from './WorkspaceLayout';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A mean time to first contact as people say it: «45 с», «12 мин», «3 ч 5 мин», «2 д 4 ч». */
export function formatDuration(seconds: number | null, t: TFunction): string {
  if (seconds === null) return '—';
  const key = 'fastlead.analytics.duration';
  if (seconds < MINUTE) return t(`${key}.seconds`, { seconds });
  if (seconds < HOUR) return t(`${key}.minutes`, { minutes: Math.round(seconds / MINUTE) });
  if (seconds < DAY) {
    return t(`${key}.hours`, { hours: Math.floor(seconds / HOUR), minutes: Math.round((seconds % HOUR) / MINUTE) });
  }
  return t(`${key}.days`, { days: Math.floor(seconds / DAY), hours: Math.round((seconds % DAY) / HOUR) });
}

/**
 * The «Аналитика» tab: a range of Moscow days (7/30/90 days or any, kept in the address), the totals,
 * the leads by day, conversion by channel and the funnel lead → contacted → booked, the range's export
 * and the alert settings. Everything comes from the read model the server keeps (one request a range).
 */
export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const { orgId, workspace } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const today = moscowToday();
  const { range, preset } = rangeFromParams(params, today);
  const allowed = can('app.analytics.read');
  const switchedOn = useFeature('dashboard');
  const dashboard = useQuery({
    queryKey: reportingKeys.dashboard(orgId, workspace.id, range),
    queryFn: () => getDashboard(orgId, workspace.id, range),
    enabled: allowed && switchedOn,
  });

  if (!allowed) {
    return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={t('fastlead.analytics.forbidden')} />;
  }
  if (!switchedOn) {
    return <Result status="info" title={t('fastlead.analytics.offTitle')} subTitle={t('fastlead.analytics.off')} />;
  }
  const choosePreset = (days: RangePreset) => setParams({ days: String(days) }, { replace: true });
  return (
    <Flex vertical gap={16}>
      <Flex wrap gap={8} align="start" justify="space-between">
        <Flex wrap gap={8} align="center" role="group" aria-label={t('fastlead.analytics.range')}>
          <Segmented<RangePreset | 'custom'>
            value={preset ?? 'custom'}
            onChange={(value) => { if (value !== 'custom') choosePreset(value); }}
            options={[
              ...RANGE_PRESETS.map((days) => ({ value: days, label: t('fastlead.analytics.lastDays', { days }) })),
              { value: 'custom' as const, label: t('fastlead.analytics.custom'), disabled: true },
            ]}
          />
          <DatePicker.RangePicker
            aria-label={t('fastlead.analytics.days')}
            format="DD.MM.YYYY"
            allowClear={false}
            value={[dayjs(range.from), dayjs(range.to)]}
            disabledDate={(day, info) => day.format('YYYY-MM-DD') > today
              || (!!info.from && Math.abs(day.diff(info.from, 'day')) >= MAX_RANGE_DAYS)}
            onChange={(days) => {
              if (days?.[0] && days[1]) setParams({ from: days[0].format('YYYY-MM-DD'), to: days[1].format('YYYY-MM-DD') }, { replace: true });
            }}
          />
        </Flex>
        {can('app.exports.create') && (
          <ExportButton
            orgId={orgId}
            workspaceId={workspace.id}
            start={(format) => startAnalyticsExport(orgId, workspace.id, format, range)}
          />
        )}
      </Flex>
      {dashboard.isPending && <PageSpin />}
      {dashboard.isError && <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />}
      {dashboard.data && <Metrics data={dashboard.data} language={i18n.language} />}
      <Alerts orgId={orgId} workspaceId={workspace.id} />
    </Flex>
  );
}

function Metrics({ data, language }: { data: DashboardData; language: string }) {
  const { t } = useTranslation();
  const percent = useMemo(() => percentFormat(language), [language]);
  const charts = useMemo(() => ({
    daily: dailyChart(data, t, language), channels: channelChart(data, t, language), funnel: funnelChart(data, t, language),
  }), [data, t, language]);
  const { totals } = data;
  if (totals.leads === 0) {
    return <Empty description={t('fastlead.analytics.empty')} />;
  }
  return (
    <>
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} lg={6}><Card><Statistic title={t('fastlead.analytics.leads')} value={totals.leads.toLocaleString(language === 'en' ? 'en-US' : 'ru-RU')} /></Card></Col>
        <Col xs={24} sm={12} lg={6}>
          <Card><Statistic title={t('fastlead.analytics.conversion')} value={percent.format(totals.conversion)} /></Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card><Statistic title={t('fastlead.analytics.contactRate')} value={percent.format(totals.contact_rate)} /></Card>
        </Col>
        <Col xs={24} sm={12} lg={6}>
          <Card>
            <Statistic title={t('fastlead.analytics.firstContact')} value={formatDuration(totals.avg_first_contact_seconds, t)} />
          </Card>
        </Col>
      </Row>
      <Card title={t('fastlead.analytics.dailyTitle')}>
        <EChart option={charts.daily} label={t('fastlead.analytics.dailyTitle')} />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('fastlead.analytics.channelsTitle')}>
            <EChart option={charts.channels} height={260} label={t('fastlead.analytics.channelsTitle')} />
            <Table
              size="small"
              rowKey="channel"
              pagination={false}
              dataSource={data.by_channel}
              columns={[
                { key: 'channel', title: t('fastlead.leads.channel'), render: (_, row) => t(`fastlead.channel.${row.channel}`) },
                { key: 'leads', title: t('fastlead.analytics.series.leads'), dataIndex: 'leads', align: 'right' },
                { key: 'booked', title: t('fastlead.analytics.series.booked'), dataIndex: 'booked', align: 'right' },
                { key: 'conversion', title: t('fastlead.analytics.conversion'), align: 'right', render: (_, row) => percent.format(row.conversion) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('fastlead.analytics.funnel.title')}>
            <EChart option={charts.funnel} height={200} label={t('fastlead.analytics.funnel.title')} />
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {data.funnel.slice(1).map((stage) => t('fastlead.analytics.funnel.step', {
                stage: t(`fastlead.analytics.funnel.${stage.stage}`), rate: percent.format(stage.rate_from_previous),
              })).join(' · ')}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </>
  );
}
