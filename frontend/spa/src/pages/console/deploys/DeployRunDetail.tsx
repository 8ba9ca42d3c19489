import { RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Collapse, Descriptions, Empty, Form, Input, Modal, Steps, Timeline, Typography, type StepsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { deploysKeys, getRun, rollbackRun, type DeployRun, type RunStep } from '../../../api/deploys';
import { describeError, ErrorState } from '../../../components/errors';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { CustomerName, useStaffNames } from '../../../lib/names';
import { useCan } from '../../../lib/permissions';
import { ACTIVE_STATES, RunInstallation, RunStateTag, runPath, SourceTag, useStepLabel, Version } from './shared';

/** How often a queued or running run is read again. */
export const POLL_MS = 3000;
/** Steps whose detail is the agent's output (redacted by the API), shown as a log. */
const AGENT_STEPS = new Set(['preflight', 'backup', 'deploy', 'rollback']);
const FAILED = new Set(['failed', 'refused', 'expired', 'rollback_failed']);
const WAITING = new Set(['sent', 'waiting']);

/** The machine's note while it waits for the heartbeat: `until <epoch seconds>`. */
const HEARTBEAT_DEADLINE = /^until (\d+)$/;

function stepColor(step: RunStep): string {
  if (FAILED.has(step.outcome)) return 'red';
  if (step.outcome === 'rolled_back') return 'orange';
  return WAITING.has(step.outcome) ? 'blue' : 'green';
}

type StepStatus = NonNullable<NonNullable<StepsProps['items']>[number]['status']>;

/**
 * The run's phases in the machine's order, each with its newest record: a person's rollback deploys with the
 * agent's `rollback`; a deploy shows the rollback phase only once one began.
 */
export function phasesOf(run: DeployRun): { phase: string; last?: RunStep; status: StepStatus }[] {
  const phases = ['validate', 'preflight', 'backup', run.kind === 'rollback' ? 'rollback' : 'deploy', 'heartbeat'];
  if (run.kind === 'deploy' && run.steps.some((s) => s.step === 'rollback')) phases.push('rollback');
  const active = ACTIVE_STATES.includes(run.state);
  return phases.map((phase) => {
    const last = run.steps.filter((s) => s.step === phase).at(-1);
    let status: StepStatus = 'wait';
    if (last) {
      if (FAILED.has(last.outcome)) status = 'error';
      else if (WAITING.has(last.outcome)) status = active ? 'process' : 'error';  // the run ended while it waited
      else status = 'finish';
    }
    return { phase, last, status };
  });
}

/** A deploy run: its phases, every step with its time, outcome and the agent's log; re-read while it runs. */
export default function DeployRunDetail() {
  const { runId = '' } = useParams();
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const can = useCan();
  const label = useStepLabel();
  const staffNames = useStaffNames();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const [rollingBack, setRollingBack] = useState(false);
  const detail = useQuery({
    queryKey: deploysKeys.run(runId),
    queryFn: () => getRun(runId),
    refetchInterval: (query) => (query.state.data && ACTIVE_STATES.includes(query.state.data.state) ? POLL_MS : false),
  });
  const rollback = useMutation({
    mutationFn: (reason: string) => rollbackRun(runId, reason),
    onSuccess: (run) => {
      setRollingBack(false);
      void queryClient.invalidateQueries({ queryKey: deploysKeys.all });
      void navigate(runPath(run.id));
    },
  });

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const run = detail.data;
  const fromBudgetctl = run.source === 'budgetctl';  // no machine phases; rolled back with budgetctl itself
  const rollbackAllowed = can('console.deploys.run') && !fromBudgetctl && run.kind === 'deploy' && run.state === 'succeeded';
  return (
    <>
      <PageHeader
        title={t(`deploys.run.title.${run.kind}`, { version: run.version ?? '' })}
        extra={rollbackAllowed && (
          <Button danger icon={<RollbackOutlined />} onClick={() => { rollback.reset(); setRollingBack(true); }}>{t('deploys.run.rollback')}</Button>
        )}
      >
        <Typography.Text code copyable>{run.id}</Typography.Text> <SourceTag run={run} />
      </PageHeader>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('deploys.runs.state')}><RunStateTag state={run.state} /></Descriptions.Item>
          <Descriptions.Item label={t('deploys.runs.versions')}>
            <Version value={run.previous_version} />{' → '}<Version value={run.version} />
          </Descriptions.Item>
          <Descriptions.Item label={run.installation_id ? t('deploys.installation') : t('deploys.run.domain')}>
            <RunInstallation run={run} />
          </Descriptions.Item>
          <Descriptions.Item label={t('deploys.customer')}><CustomerName orgId={run.org_id} /></Descriptions.Item>
          <Descriptions.Item label={t('deploys.run.requestedBy')}>{staffNames.get(run.requested_by) ?? run.requested_by}</Descriptions.Item>
          <Descriptions.Item label={t('deploys.runs.reason')}>{run.reason}</Descriptions.Item>
          <Descriptions.Item label={t('deploys.runs.createdAt')}>{dateTime(run.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t('deploys.run.startedAt')}>{dateTime(run.started_at)}</Descriptions.Item>
          <Descriptions.Item label={t('deploys.runs.endedAt')}>{dateTime(run.ended_at)}</Descriptions.Item>
          {run.error && <Descriptions.Item label={t('deploys.run.error')}>{run.error}</Descriptions.Item>}
          {run.rollback_of && (
            <Descriptions.Item label={t('deploys.run.rollbackOf')}><Link to={runPath(run.rollback_of)}>{run.rollback_of}</Link></Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {!fromBudgetctl && <Card title={t('deploys.run.phases')} style={{ marginBottom: 16 }}>
        <Steps
          size="small"
          items={phasesOf(run).map(({ phase, last, status }) => ({
            key: phase,
            status,
            title: t(`deploys.step.${phase}`),
            content: last ? `${label(last).outcome} · ${dateTime(last.at)}` : undefined,
          }))}
        />
      </Card>}
      <Card title={t('deploys.run.steps')}>
        {run.steps.length === 0 ? <Empty description={t('deploys.run.noSteps')} /> : (
          <Timeline
            items={run.steps.map((step, index) => {
              const { step: stepLabel, outcome } = label(step);
              return {
                key: index,
                color: stepColor(step),
                content: (
                  <>
                    <Typography.Text type="secondary">{dateTime(step.at)}</Typography.Text>
                    <div><Typography.Text strong>{stepLabel}</Typography.Text>{' — '}{outcome}</div>
                    {step.detail && <StepDetail step={step} />}
                  </>
                ),
              };
            })}
          />
        )}
      </Card>
      <Modal
        open={rollingBack}
        title={t('deploys.run.rollbackTitle')}
        okText={t('deploys.run.rollbackOk', { version: run.previous_version })}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        confirmLoading={rollback.isPending}
        onOk={() => form.submit()}
        onCancel={() => setRollingBack(false)}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('deploys.run.rollbackText', { version: run.version, previous: run.previous_version })}</Typography.Paragraph>
        <Form<{ reason: string }> form={form} layout="vertical" requiredMark={false} preserve={false} onFinish={({ reason }) => rollback.mutate(reason.trim())}>
          <Form.Item
            name="reason"
            label={t('deploys.reason')}
            rules={[{ required: true, whitespace: true, min: 3, max: 500, message: t('deploys.reasonRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={500} placeholder={t('deploys.run.rollbackPlaceholder')} />
          </Form.Item>
        </Form>
        {rollback.isError && <Alert type="error" showIcon title={describeError(rollback.error, t)} />}
      </Modal>
    </>
  );
}

/** An agent's report as a log folded away (open when it failed); the machine's own notes as a line. */
function StepDetail({ step }: { step: RunStep }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const deadline = step.step === 'heartbeat' && HEARTBEAT_DEADLINE.exec(step.detail ?? '');
  if (deadline) {
    return <Typography.Text type="secondary">{t('deploys.run.heartbeatUntil', { time: dateTime(new Date(Number(deadline[1]) * 1000).toISOString()) })}</Typography.Text>;
  }
  if (!AGENT_STEPS.has(step.step) || WAITING.has(step.outcome)) return <Typography.Text type="secondary">{step.detail}</Typography.Text>;
  return (
    <Collapse
      size="small"
      ghost
      defaultActiveKey={FAILED.has(step.outcome) ? ['log'] : []}
      items={[{
        key: 'log',
        label: t('deploys.run.log'),
        children: <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0, maxHeight: 400, overflow: 'auto' }}>{step.detail}</pre>,
      }]}
    />
  );
}
