import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Flex, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../../components/errors';
import { formatDay, formatMonth, formatRubles } from '../../../lib/format';
import { renewalsChart } from './chartOptions';
import { getRenewals, reportKeys, type Period, type RenewalMonth } from './api';
import { DownloadButtons } from './DownloadButtons';
import { EChart } from './EChart';
import { fromRange, nextTwelveMonths, toRange } from './period';

const STATUS_COLORS = { renewed: 'green', pending: 'blue', lapsed: 'red' } as const;

/** Licenses ending per month: renewed, pending or lapsed, with amounts. */
export function RenewalsReport() {
  const { t: r, i18n } = useTranslation('reports');
  const [period, setPeriod] = useState<Period>(nextTwelveMonths);
  const report = useQuery({ queryKey: reportKeys.renewals(period), queryFn: () => getRenewals(period) });
  const language = i18n.resolvedLanguage ?? 'ru';
  const option = useMemo(() => (report.data ? renewalsChart(report.data, r, language) : null), [report.data, r, language]);
  const money = (v: number) => formatRubles(v, language);
  return (
    <>
      <Flex wrap gap={8} justify="space-between" style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker picker="month" format="MMM YYYY" allowClear={false} value={toRange(period)} aria-label={r('period')}
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
                    { title: r('renewals.endsOn'), dataIndex: 'ends_on', render: (day: string) => formatDay(day, language) },
                    {
                      title: r('status'), dataIndex: 'status',
                      render: (status: keyof typeof STATUS_COLORS, item) => (
                        <Tag color={STATUS_COLORS[status]}>
                          {r(`renewals.${status}`)}{item.renewed_until ? ` → ${formatDay(item.renewed_until, language)}` : ''}
                        </Tag>
                      ),
                    },
                    { title: r('amount'), dataIndex: 'amount', align: 'right', render: (v: number | null) => formatRubles(v, language) },
                  ]}
                />
              ),
            }}
            columns={[
              { title: r('month'), dataIndex: 'month', render: (month: string) => formatMonth(month, language) },
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
