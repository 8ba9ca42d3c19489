import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Flex, Table, Tag } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { RENEWAL_STATUSES } from '../../../api/enums';
import { ErrorState } from '../../../components/errors';
import { formatRubles, getRenewals, reportKeys, type Period, type RenewalMonth, type RenewalReport } from './api';
import { DownloadButtons } from './DownloadButtons';
import { EChart } from './EChart';
import { fromRange, nextTwelveMonths, toRange } from './period';

const STATUS_COLORS = { renewed: 'green', pending: 'blue', lapsed: 'red' } as const;

function chartOption(report: RenewalReport, r: (key: string) => string): EChartsCoreOption {
  const months = report.months.map((m) => m.month);
  const series = RENEWAL_STATUSES.map((status) => ({
    name: r(`renewals.${status}`), type: 'bar', stack: 'licenses', data: report.months.map((m) => m[status]),
  }));
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: series.map((s) => s.name) },
    grid: { left: 48, right: 24, bottom: 32, top: 40 },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', minInterval: 1 },
    color: ['#52c41a', '#1677ff', '#ff4d4f'],
    series,
  };
}

/** Licenses ending per month: renewed, pending or lapsed, with amounts. */
export function RenewalsReport() {
  const { t: r, i18n } = useTranslation('reports');
  const [period, setPeriod] = useState<Period>(nextTwelveMonths);
  const report = useQuery({ queryKey: reportKeys.renewals(period), queryFn: () => getRenewals(period) });
  const language = i18n.resolvedLanguage ?? 'ru';
  const option = useMemo(() => (report.data ? chartOption(report.data, r) : null), [report.data, r]);
  const money = (v: number) => formatRubles(v, language);
  return (
    <>
      <Flex wrap gap={8} justify="space-between" style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker picker="month" allowClear={false} value={toRange(period)} aria-label={r('period')}
          onChange={(range) => setPeriod((current) => fromRange(range, current))} />
        <Flex wrap gap={8}><DownloadButtons report="renewals" period={period} /></Flex>
      </Flex>
      {report.isError ? <ErrorState error={report.error} onRetry={() => void report.refetch()} /> : (
        <>
          {option && <Card style={{ marginBottom: 16 }}><EChart option={option} label={r('renewals.chart')} /></Card>}
          <Table<RenewalMonth>
            rowKey="month"
            size="small"
            loading={report.isLoading}
            dataSource={report.data?.months ?? []}
            pagination={false}
            expandable={{
              rowExpandable: (m) => m.items.length > 0,
              expandedRowRender: (m) => (
                <Table
                  rowKey={(item) => `${item.license_id}:${item.ends_on}`}
                  size="small"
                  pagination={false}
                  dataSource={m.items}
                  columns={[
                    { title: r('customer'), dataIndex: 'customer', render: (name: string | null, item) => name ?? item.org_id },
                    { title: r('license'), dataIndex: 'license_id', render: (id: string) => <Link to={`/console/licenses/${id}`}>{id}</Link> },
                    { title: r('renewals.endsOn'), dataIndex: 'ends_on' },
                    {
                      title: r('status'), dataIndex: 'status',
                      render: (status: keyof typeof STATUS_COLORS, item) => (
                        <Tag color={STATUS_COLORS[status]}>
                          {r(`renewals.${status}`)}{item.renewed_until ? ` → ${item.renewed_until}` : ''}
                        </Tag>
                      ),
                    },
                    { title: r('amount'), dataIndex: 'amount', align: 'right', render: (v: number | null) => formatRubles(v, language) },
                  ]}
                />
              ),
            }}
            columns={[
              { title: r('month'), dataIndex: 'month' },
              { title: r('renewals.expiring'), dataIndex: 'expiring', align: 'right' },
              { title: r('renewals.renewed'), dataIndex: 'renewed', align: 'right' },
              { title: r('renewals.pending'), dataIndex: 'pending', align: 'right' },
              { title: r('renewals.lapsed'), dataIndex: 'lapsed', align: 'right' },
              { title: r('renewals.renewedAmount'), dataIndex: 'renewed_amount', align: 'right', render: money },
              { title: r('renewals.pendingAmount'), dataIndex: 'pending_amount', align: 'right', render: money },
              { title: r('renewals.lapsedAmount'), dataIndex: 'lapsed_amount', align: 'right', render: money },
            ]}
          />
        </>
      )}
    </>
  );
}
