import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, List, Result, Row, Statistic, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ACTIVATION_STATES } from '../../../api/enums';
import { ErrorState } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { useDateTime, useDay } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { getDashboard, reportKeys } from '../reports/api';
import { installationsChart } from '../reports/chartOptions';
import { EChart } from '../reports/EChart';

const REFRESH_MS = 60_000;

/** The console's home: licensing KPIs and the fleet's installations by state, refreshed every minute. */
export default function Dashboard() {
  const { t } = useTranslation();
  const { t: r } = useTranslation('reports');
  const can = useCan();
  const dateTime = useDateTime();
  const day = useDay();
  const seesDashboard = can('console.licensing.dashboard');
  const seesReports = can('console.reports.read');
  const seesMonitoring = can('console.licenses.read');
  const kpis = useQuery({
    queryKey: reportKeys.dashboard, queryFn: getDashboard, refetchInterval: REFRESH_MS, enabled: seesDashboard,
  });
  const option = useMemo(() => (kpis.data ? installationsChart(kpis.data, r) : null), [kpis.data, r]);
  const data = kpis.data;
  const card = (key: string, value: number | undefined, color?: string, hint?: string) => (
    <Col xs={12} md={8} xl={6} key={key}>
      <Card loading={kpis.isLoading}>
        <Statistic title={r(`kpi.${key}`)} value={value ?? 0} styles={color ? { content: { color } } : undefined} />
        {hint && <Typography.Text type="secondary">{hint}</Typography.Text>}
      </Card>
    </Col>
  );
  if (!seesDashboard) return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={r('dashboard.forbidden')} />;
  return (
    <>
      <PageHeader
        title={r('dashboard.title')}
        extra={<Button icon={<ReloadOutlined />} loading={kpis.isRefetching} onClick={() => void kpis.refetch()}>{r('refresh')}</Button>}
      >
        {data ? r('dashboard.asOf', { at: dateTime(data.as_of) }) : r('dashboard.intro')}
      </PageHeader>
      {kpis.isError ? <ErrorState error={kpis.error} onRetry={() => void kpis.refetch()} /> : (
        <>
          <Row gutter={[16, 16]}>
            {card('active', data?.licenses.active, '#389e0d')}
            {card('expiring', data?.licenses.expiring_30d, '#d48806')}
            {card('inGrace', data?.licenses.in_grace, '#cf1322')}
            {card('expired', data?.licenses.expired)}
            {card('newRequests', data?.new_requests.total, '#1677ff',
              data ? r('kpi.newRequestsHint', { issued: data.new_requests.issued, activated: data.new_requests.first_activations, days: data.new_requests.days }) : undefined)}
            {card('notYetValid', data?.licenses.not_yet_valid)}
            {card('suspended', data?.licenses.suspended)}
            {card('revoked', data?.licenses.revoked)}
          </Row>
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} lg={12}>
              <Card title={r('dashboard.installations', { total: data?.activations.total ?? 0 })} extra={seesMonitoring ? <Link to="/console/monitoring">{r('dashboard.toMonitoring')}</Link> : undefined} loading={kpis.isLoading}>
                {data && data.activations.total === 0 ? <Empty description={r('dashboard.noInstallations')} /> : (
                  <>
                    <Row gutter={8} style={{ marginBottom: 8 }}>
                      {ACTIVATION_STATES.map((state) => (
                        <Col span={8} key={state}><Statistic title={r(`states.${state}`)} value={data?.activations[state] ?? 0} /></Col>
                      ))}
                    </Row>
                    {option && <EChart option={option} height={260} label={r('dashboard.statesChart')} />}
                  </>
                )}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={r('dashboard.expiringByDay')} extra={seesReports ? <Link to="/console/reports?tab=renewals">{r('dashboard.toRenewals')}</Link> : undefined} loading={kpis.isLoading}>
                <List
                  size="small"
                  locale={{ emptyText: r('dashboard.noneExpiring') }}
                  dataSource={Object.entries(data?.expiring_by_day ?? {})}
                  renderItem={([ends, count]) => (
                    <List.Item extra={<Typography.Text strong>{count}</Typography.Text>}>{day(ends)}</List.Item>
                  )}
                />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </>
  );
}
