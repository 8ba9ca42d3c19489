import { EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Flex, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../../components/errors';
import { formatMonth, formatRubles } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { salesChart } from './chartOptions';
import { getSales, reportKeys, type Period, type PlanFactRow } from './api';
import { DownloadButtons } from './DownloadButtons';
import { EChart } from './EChart';
import { fromRange, thisYear, toRange } from './period';
import { PlanDialog } from './PlanDialog';

export function percent(done: number, plan: number | null | undefined): string {
  return plan ? `${Math.round((done * 1000) / plan) / 10}%` : '—';
}

/** The month the plan editor opens on: this month when the report shows it, else the report's first. */
function planMonth(months: string[]): string {
  const now = new Date();
  const current = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  return months.includes(current) ? current : months[0];
}

/** Module sales: plan vs fact by month, with the plan editor for admin and sales. */
export function SalesReport() {
  const { t: r, i18n } = useTranslation('reports');
  const canPlan = useCan()('console.reports.plan');
  const [period, setPeriod] = useState<Period>(thisYear);
  const [editing, setEditing] = useState(false);
  const report = useQuery({ queryKey: reportKeys.sales(period), queryFn: () => getSales(period) });
  const language = i18n.resolvedLanguage ?? 'ru';
  const names = useMemo(
    () => new Map((report.data?.modules ?? []).map((m) => [m.code, language === 'en' ? m.name_en : m.name])),
    [report.data, language],
  );
  const option = useMemo(() => (report.data ? salesChart(report.data, r, language) : null), [report.data, r, language]);

  return (
    <>
      <Flex wrap gap={8} justify="space-between" style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker
          picker="month"
          format="MMM YYYY"
          allowClear={false}
          value={toRange(period)}
          aria-label={r('period')}
          onChange={(range) => setPeriod((current) => fromRange(range, current))}
        />
        <Flex wrap gap={8}>
          {canPlan && <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>{r('sales.editPlan')}</Button>}
          <DownloadButtons report="sales" period={period} />
        </Flex>
      </Flex>
      {report.isError ? <ErrorState error={report.error} onRetry={() => void report.refetch()} /> : (
        <>
          {option && <Card style={{ marginBottom: 16 }}><EChart option={option} label={r('sales.chart')} /></Card>}
          <Table<PlanFactRow>
            rowKey={(row) => `${row.month}:${row.module}`}
            loading={report.isLoading}
            dataSource={report.data?.rows ?? []}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            size="small"
            columns={[
              { title: r('month'), dataIndex: 'month', render: (month: string) => formatMonth(month, language) },
              { title: r('module'), dataIndex: 'module', render: (code: string) => names.get(code) ?? code },
              { title: r('sales.planCount'), dataIndex: 'plan_count', align: 'right', render: (v: number | null) => v ?? '—' },
              { title: r('sales.factCount'), dataIndex: 'fact_count', align: 'right' },
              { title: r('sales.planAmount'), dataIndex: 'plan_amount', align: 'right', render: (v: number | null) => formatRubles(v, language) },
              { title: r('sales.factAmount'), dataIndex: 'fact_amount', align: 'right', render: (v: number) => formatRubles(v, language) },
              {
                title: r('sales.done'), key: 'done', align: 'right',
                render: (_, row) => (row.plan_amount ? percent(row.fact_amount, row.plan_amount) : percent(row.fact_count, row.plan_count)),
              },
            ]}
          />
          {report.data && report.data.unpriced_lines > 0 && (
            <Typography.Paragraph type="secondary">{r('sales.unpriced', { count: report.data.unpriced_lines })}</Typography.Paragraph>
          )}
        </>
      )}
      {editing && report.data && (
        <PlanDialog modules={report.data.modules} rows={report.data.rows} defaultMonth={planMonth(report.data.months)} onClose={() => setEditing(false)} />
      )}
    </>
  );
}
