import { Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Channel, DeployRun, Installation, RunState, RunStep } from '../../../api/deploys';
import { PagedTable, type PagedQuery } from '../../../components/PagedTable';
import { useDateTime } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';

const STATE_COLOR: Record<RunState, string> = {
  queued: 'default', running: 'processing', succeeded: 'green', rolled_back: 'orange', failed: 'red', rollback_failed: 'red',
};
/** A run still moving: its page re-reads it. */
export const ACTIVE_STATES: readonly RunState[] = ['queued', 'running'];
/** An installation whose newest heartbeat is older than this has gone quiet. */
const SILENT_AFTER_MS = 24 * 60 * 60 * 1000;

export function RunStateTag({ state }: { state: RunState }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLOR[state]}>{t(`deploys.runState.${state}`)}</Tag>;
}

/** Runs an engineer's budgetctl reported (over SSH, not through the portal's machine) are tagged so. */
export function SourceTag({ run }: { run: Pick<DeployRun, 'source'> }) {
  const { t } = useTranslation();
  if (run.source !== 'budgetctl') return null;
  return <Tooltip title={t('deploys.source.budgetctlHint')}><Tag color="purple">{t('deploys.source.budgetctl')}</Tag></Tooltip>;
}

/** The run's installation, or the domain budgetctl named when the installation is not activated yet. */
export function RunInstallation({ run }: { run: Pick<DeployRun, 'installation_id' | 'domain'> }) {
  if (!run.installation_id) return <Typography.Text type="secondary">{run.domain ?? '—'}</Typography.Text>;
  return (
    <Link to={installationPath(run.installation_id)}><Typography.Text ellipsis={{ tooltip: run.installation_id }}>{run.installation_id}</Typography.Text></Link>
  );
}

export function ChannelTag({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  return <Tag color={channel === 'stable' ? 'green' : 'gold'}>{t(`deploys.channel.${channel}`)}</Tag>;
}

export type InstallationStatus = 'deploying' | 'silent' | 'differs' | 'ok';

/** What staff look at first: a deploy under way, no recent heartbeat, or a version other than the target. */
export function installationStatus(item: Installation, now = Date.now()): InstallationStatus {
  if (item.running_run_id) return 'deploying';
  if (!item.last_seen_at || now - new Date(item.last_seen_at).getTime() > SILENT_AFTER_MS) return 'silent';
  if (item.target_version && item.target_version !== item.current_version) return 'differs';
  return 'ok';
}

const STATUS_COLOR: Record<InstallationStatus, string> = { deploying: 'processing', silent: 'red', differs: 'orange', ok: 'green' };

export function InstallationStatusTag({ item }: { item: Installation }) {
  const { t } = useTranslation();
  const status = installationStatus(item);
  return <Tag color={STATUS_COLOR[status]}>{t(`deploys.installationStatus.${status}`)}</Tag>;
}

export const installationPath = (id: string) => `/console/deploys/installations/${id}`;
export const runPath = (id: string) => `/console/deploys/runs/${id}`;

/** A version, or a dash when the installation has not said. */
export function Version({ value }: { value: string | null | undefined }) {
  return value ? <Typography.Text code>{value}</Typography.Text> : <>—</>;
}

/** A run's step and outcome as people read them; unknown ones as the API names them. */
export function useStepLabel(): (step: Pick<RunStep, 'step' | 'outcome'>) => { step: string; outcome: string } {
  const { t } = useTranslation();
  return ({ step, outcome }) => ({
    step: t(`deploys.step.${step}`, { defaultValue: step }),
    outcome: t(`deploys.outcome.${outcome}`, { defaultValue: outcome }),
  });
}

/** Runs a page at a time: all of them (with the installation and customer) or one installation's. */
export function DeployRunTable({ query, emptyText, withInstallation = true }: {
  query: PagedQuery<DeployRun>;
  emptyText: string;
  withInstallation?: boolean;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  return (
    <PagedTable<DeployRun>
      query={query}
      rowKey="id"
      size="small"
      minWidth={withInstallation ? 1000 : 760}
      emptyText={emptyText}
      columns={[
        {
          key: 'created', title: t('deploys.runs.createdAt'), width: 190, fixed: 'left',
          render: (_, r) => <Link to={runPath(r.id)}>{dateTime(r.created_at)}</Link>,
        },
        { key: 'state', title: t('deploys.runs.state'), width: 150, render: (_, r) => <RunStateTag state={r.state} /> },
        { key: 'kind', title: t('deploys.runs.kind'), width: 150, render: (_, r) => <>{t(`deploys.kind.${r.kind}`)} <SourceTag run={r} /></> },
        {
          key: 'version', title: t('deploys.runs.versions'), width: 170,
          render: (_, r) => <><Version value={r.previous_version} />{' → '}<Version value={r.version} /></>,
        },
        ...(withInstallation ? [
          { key: 'customer', title: t('deploys.customer'), render: (_: unknown, r: DeployRun) => <CustomerName orgId={r.org_id} /> },
          { key: 'installation', title: t('deploys.installation'), width: 200, render: (_: unknown, r: DeployRun) => <RunInstallation run={r} /> },
        ] : []),
        { key: 'reason', title: t('deploys.runs.reason'), ellipsis: true, render: (_, r) => r.reason },
        { key: 'ended', title: t('deploys.runs.endedAt'), width: 190, render: (_, r) => dateTime(r.ended_at) },
      ]}
    />
  );
}
