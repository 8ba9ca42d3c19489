import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { billingKeys, getDunningRun, type DunningStep } from '../../../api/billing';
import { ErrorState } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { useCustomer } from '../../../lib/names';
import { DunningStateTag, useDunningStep } from './dunning';
import { InvoiceLink } from './shared';

/** Steps that went against the customer (a declined charge, a suspension) stand out on the timeline. */
function stepColor(step: DunningStep): string {
  if (step.step === 'suspend' || step.outcome === 'stop') return 'red';
  if (step.step === 'charge') return step.outcome === 'paid' ? 'green' : 'orange';
  if (step.step === 'restore') return 'green';
  return 'blue';
}

/** A dunning run: its invoice and subscription, tries against the limit, and its steps as a timeline. */
export default function DunningRunDetail() {
  const { runId = '' } = useParams();
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const describe = useDunningStep();
  const detail = useQuery({ queryKey: billingKeys.dunningRun(runId), queryFn: () => getDunningRun(runId) });
  const customer = useCustomer(detail.data?.org_id);

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const run = detail.data;
  return (
    <>
      <PageHeader title={t('billing.dunning.detailTitle', { date: dateTime(run.started_at) })}>
        <Typography.Text code copyable>{run.id}</Typography.Text>
      </PageHeader>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('billing.dunning.stateLabel')}><DunningStateTag state={run.state} /></Descriptions.Item>
          <Descriptions.Item label={t('billing.customer')}>
            <Link to={`/console/customers/${encodeURIComponent(run.org_id)}`}>{customer.data?.name ?? run.org_id}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.dunning.invoice')}>
            <InvoiceLink invoice={{ id: run.invoice_id, number: run.invoice_number }} />
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.dunning.subscription')}>
            {run.subscription_id ? <Link to={`/console/billing/subscriptions/${run.subscription_id}`}>{t('billing.dunning.toSubscription')}</Link> : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('billing.dunning.tries')}>{t('billing.dunning.triesOf', { tries: run.tries, max: run.max_attempts })}</Descriptions.Item>
          <Descriptions.Item label={t('billing.dunning.startedAt')}>{dateTime(run.started_at)}</Descriptions.Item>
          <Descriptions.Item label={t('billing.dunning.endedAt')}>{dateTime(run.ended_at)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('billing.dunning.steps.title')}>
        {run.steps.length === 0 ? <Empty description={t('billing.dunning.noSteps')} /> : (
          <Timeline
            items={run.steps.map((step, index) => {
              const label = describe(step);
              return {
                key: index,
                color: stepColor(step),
                content: (
                  <>
                    <Typography.Text type="secondary">{dateTime(step.at)}</Typography.Text>
                    <div><Typography.Text strong>{label.step}</Typography.Text>{' — '}{label.outcome}</div>
                    {step.detail && <Typography.Text type="secondary">{step.detail}</Typography.Text>}
                  </>
                ),
              };
            })}
          />
        )}
      </Card>
    </>
  );
}
