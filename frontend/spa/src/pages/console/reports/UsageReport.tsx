import { useQuery } from '@tanstack/react-query';
import { Card, Flex, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../../components/errors';
import { usageChart } from './chartOptions';
import { getUsage, reportKeys, type UsageReport as Usage } from './api';
import { DownloadButtons } from './DownloadButtons';
import { EChart } from './EChart';
import { percent } from './SalesReport';

type Row = Usage['modules'][number];

/** Licensed modules used vs idle, from what installations report in their heartbeats. */
export function UsageReport() {
  const { t: r, i18n } = useTranslation('reports');
  const report = useQuery({ queryKey: reportKeys.usage, queryFn: getUsage });
  const english = i18n.resolvedLanguage === 'en';
  const option = useMemo(() => (report.data ? usageChart(report.data, r, i18n.resolvedLanguage ?? 'ru') : null), [report.data, r, i18n.resolvedLanguage]);
  return (
    <>
      <Flex wrap gap={8} justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Text type="secondary">
          {report.data ? r('usage.window', { days: report.data.window_days, live: report.data.live_licenses, reporting: report.data.reporting_licenses }) : ''}
        </Typography.Text>
        <Flex wrap gap={8}><DownloadButtons report="usage" /></Flex>
      </Flex>
      {report.isError ? <ErrorState error={report.error} onRetry={() => void report.refetch()} /> : (
        <>
          {option && <Card style={{ marginBottom: 16 }}><EChart option={option} label={r('usage.chart')} /></Card>}
          <Table<Row>
            rowKey="module"
            size="small"
            loading={report.isLoading}
            dataSource={report.data?.modules ?? []}
            pagination={false}
            columns={[
              { title: r('module'), dataIndex: 'module', render: (_, m) => (english ? m.name_en : m.name) },
              { title: r('usage.licensed'), dataIndex: 'licensed', align: 'right' },
              { title: r('usage.used'), dataIndex: 'used', align: 'right' },
              { title: r('usage.idle'), dataIndex: 'idle', align: 'right' },
              { title: r('usage.share'), key: 'share', align: 'right', render: (_, m) => percent(m.used, m.licensed) },
              { title: r('usage.installations'), dataIndex: 'installations', align: 'right' },
              { title: r('usage.unlicensed'), dataIndex: 'unlicensed_installations', align: 'right' },
            ]}
          />
        </>
      )}
    </>
  );
}
