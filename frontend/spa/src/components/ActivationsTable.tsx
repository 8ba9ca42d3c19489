import { Empty, Flex, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Activation, FleetActivation, LimitViolation } from '../api/licensing';
import { useDateTime } from '../lib/format';
import { ActivationStateTag } from '../lib/licensing';

/** An installation; on the fleet page also which license and customer it runs under. */
export type ActivationRow = Activation & Partial<Omit<FleetActivation, keyof Activation>>;

function ViolationTag({ violation }: { violation: LimitViolation }) {
  const { t } = useTranslation();
  const color = violation.over ? 'error' : violation.mode === 'advisory' ? 'default' : 'warning';
  return (
    <Tooltip title={t('activations.violationHint', {
      mode: t(`limitMode.${violation.mode}`), allowed: violation.allowed_up_to, threshold: violation.threshold,
    })}>
      <Tag color={color}>{t(`limitName.${violation.limit}`, { defaultValue: violation.limit })}: {violation.used}/{violation.value}</Tag>
    </Tooltip>
  );
}

/**
 * Installations of a license (or of the whole fleet): version and whether it is behind the newest
 * release, server IP, last heartbeat, modules in use, state, limit violations. It fits a 1440 px
 * screen; narrower, it scrolls sideways with the installation pinned.
 */
export function ActivationsTable({ rows, loading, moduleName, extraColumns = [], emptyText }: {
  rows: ActivationRow[];
  loading?: boolean;
  moduleName: (code: string) => string;
  extraColumns?: TableColumnsType<ActivationRow>;
  emptyText: string;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const columns: TableColumnsType<ActivationRow> = [
    ...extraColumns,
    {
      key: 'installation',
      title: t('activations.installation'),
      fixed: extraColumns.length === 0 ? 'left' : undefined,
      render: (_, a) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text ellipsis={{ tooltip: a.domain }}>{a.domain}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: a.fingerprint }}>
            {`${a.server_ip ?? '—'} · ${a.installation_id}`}
          </Typography.Text>
          {a.clone_suspected && <Tag color="error" style={{ width: 'fit-content' }}>{t('activations.cloneSuspected')}</Tag>}
        </Flex>
      ),
    },
    {
      key: 'version',
      title: t('activations.version'),
      width: 90,
      render: (_, a) => (
        <Flex vertical gap={2}>
          <Typography.Text>{a.software_version}</Typography.Text>
          {a.behind_latest && <Tag color="warning" style={{ width: 'fit-content' }}>{t('activations.behind')}</Tag>}
        </Flex>
      ),
    },
    {
      key: 'seen',
      title: t('activations.lastHeartbeat'),
      width: 165,
      render: (_, a) => (
        <Flex vertical>
          <Typography.Text>{dateTime(a.last_seen_at)}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('activations.activatedAt', { at: dateTime(a.activated_at) })}</Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'modules',
      title: t('activations.modules'),
      render: (_, a) => a.active_modules.length === 0 ? '—' : (
        <Flex wrap gap={4}>{a.active_modules.map((m) => <Tag key={m}>{moduleName(m)}</Tag>)}</Flex>
      ),
    },
    {
      key: 'usage',
      title: t('activations.usage'),
      width: 140,
      render: (_, a) => {
        const entries = Object.entries(a.usage);
        return entries.length === 0 ? '—' : (
          <Flex vertical>
            {entries.map(([name, used]) => <Typography.Text key={name}>{t(`limitName.${name}`, { defaultValue: name })}: {used}</Typography.Text>)}
          </Flex>
        );
      },
    },
    { key: 'state', title: t('activations.state'), width: 110, render: (_, a) => <ActivationStateTag state={a.state} /> },
    {
      key: 'violations',
      title: t('activations.violations'),
      width: 160,
      render: (_, a) => a.violations.length === 0 ? <Typography.Text type="secondary">{t('activations.noViolations')}</Typography.Text> : (
        <Flex wrap gap={4}>{a.violations.map((v) => <ViolationTag key={v.limit} violation={v} />)}</Flex>
      ),
    },
  ];
  return (
    <Table<ActivationRow>
      rowKey={(a) => `${a.license_id ?? ''}:${a.installation_id}`}
      size="small"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      tableLayout="fixed"
      scroll={{ x: extraColumns.length > 0 ? 1060 : 900 }}
      locale={{ emptyText: loading ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} /> }}
    />
  );
}
