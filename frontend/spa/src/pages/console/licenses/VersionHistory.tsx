import { Card, Empty, Flex, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LicenseVersion } from '../../../api/licensing';
import { formatDateTime, useDateTime } from '../../../lib/format';
import { diffClaims, TIME_CLAIMS, type DiffRow } from '../../../lib/licenseDiff';

/** `limits.users.value` → "Пользователи: значение"; a claim the UI does not know keeps its name. */
function useClaimLabel() {
  const { t } = useTranslation();
  return (path: string) => {
    const [head, ...rest] = path.split('.');
    if (head === 'limits' && rest.length >= 1) {
      const limit = t(`limitName.${rest[0]}`, { defaultValue: rest[0] });
      return rest[1] ? `${limit}: ${t(`licenseClaim.limitField.${rest[1]}`, { defaultValue: rest[1] })}` : limit;
    }
    return t(`licenseClaim.${path.replace(/\./g, '_')}`, { defaultValue: path });
  };
}

function ClaimValue({ path, value, moduleName }: { path: string; value: unknown; moduleName: (code: string) => string }) {
  const { i18n, t } = useTranslation();
  if (value === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (value === null) return <Typography.Text type="secondary">{t('licenseClaim.none')}</Typography.Text>;
  if (TIME_CLAIMS.has(path) && typeof value === 'number') return <>{formatDateTime(new Date(value * 1000).toISOString(), i18n.language)}</>;
  if (typeof value === 'boolean') return <>{value ? t('common.yes') : t('common.no')}</>;
  if (Array.isArray(value)) {
    return <Flex wrap gap={4}>{value.map((v) => <Tag key={String(v)}>{path === 'modules' ? moduleName(String(v)) : String(v)}</Tag>)}</Flex>;
  }
  if (typeof value === 'object') return <Typography.Text code>{JSON.stringify(value)}</Typography.Text>;
  return <>{String(value)}</>;
}

export function VersionDiff({ rows, moduleName }: { rows: DiffRow[]; moduleName: (code: string) => string }) {
  const { t } = useTranslation();
  const label = useClaimLabel();
  if (rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('licenses.noDifferences')} />;
  return (
    <Table<DiffRow>
      size="small"
      rowKey="path"
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={rows}
      columns={[
        { key: 'field', title: t('licenses.diffField'), render: (_, r) => <Tooltip title={r.path}>{label(r.path)}</Tooltip> },
        {
          key: 'before',
          title: t('licenses.diffBefore'),
          render: (_, r) => r.removed ? (
            r.removed.length ? <Flex wrap gap={4}>{r.removed.map((v) => <Tag color="error" key={String(v)}>− {r.path === 'modules' ? moduleName(String(v)) : String(v)}</Tag>)}</Flex> : '—'
          ) : <Typography.Text delete={r.kind !== 'added'} type="secondary"><ClaimValue path={r.path} value={r.before} moduleName={moduleName} /></Typography.Text>,
        },
        {
          key: 'after',
          title: t('licenses.diffAfter'),
          render: (_, r) => r.added ? (
            r.added.length ? <Flex wrap gap={4}>{r.added.map((v) => <Tag color="success" key={String(v)}>+ {r.path === 'modules' ? moduleName(String(v)) : String(v)}</Tag>)}</Flex> : '—'
          ) : <Typography.Text strong><ClaimValue path={r.path} value={r.after} moduleName={moduleName} /></Typography.Text>,
        },
      ]}
    />
  );
}

/** The signed versions, newest first, and the difference between any two of them. */
export function VersionHistory({ versions, moduleName }: { versions: LicenseVersion[]; moduleName: (code: string) => string }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const newest = versions[0]?.version;
  // Until someone picks, the newest version against the one before: the list grows after a renewal.
  const [pickedTo, setTo] = useState<number>();
  const [pickedFrom, setFrom] = useState<number>();
  const to = pickedTo ?? newest;
  const from = pickedFrom ?? versions[1]?.version;
  const byNumber = useMemo(() => new Map(versions.map((v) => [v.version, v])), [versions]);
  const target = byNumber.get(to ?? 0);
  const base = from !== undefined ? byNumber.get(from) : undefined;
  const rows = useMemo(() => (target ? diffClaims(base?.claims ?? {}, target.claims) : []), [base, target]);
  const options = versions.map((v) => ({ value: v.version, label: t('licenses.versionN', { version: v.version }) }));

  return (
    <Flex vertical gap={16}>
      <Table<LicenseVersion>
        size="small"
        rowKey="version"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={versions}
        columns={[
          { key: 'version', title: t('licenses.version'), render: (_, v) => <Tag color={v.version === newest ? 'blue' : undefined}>v{v.version}</Tag> },
          { key: 'at', title: t('licenses.signedAt'), dataIndex: 'created_at', render: dateTime },
          { key: 'reason', title: t('licenses.reason'), dataIndex: 'reason' },
          { key: 'by', title: t('licenses.signedBy'), dataIndex: 'created_by', render: (id: string) => <Typography.Text type="secondary">{id}</Typography.Text> },
          {
            key: 'checksum', title: t('licenses.checksum'), dataIndex: 'checksum',
            render: (sum: string) => <Typography.Text code copyable={{ text: sum }}>{sum.slice(0, 12)}…</Typography.Text>,
          },
          {
            key: 'changes', title: t('licenses.changes'),
            render: (_, v) => v.version === 1 ? t('licenses.firstVersion') : t('licenses.changedClaims', { count: Object.keys(v.diff).length }),
          },
        ]}
      />
      {versions.length > 1 && (
        <Card size="small" title={t('licenses.compare')}>
          <Space wrap style={{ marginBottom: 12 }}>
            <Select aria-label={t('licenses.compareFrom')} value={from} onChange={setFrom} options={options} style={{ width: 140 }} />
            <Typography.Text>→</Typography.Text>
            <Select aria-label={t('licenses.compareTo')} value={to} onChange={setTo} options={options} style={{ width: 140 }} />
          </Space>
          <VersionDiff rows={rows} moduleName={moduleName} />
        </Card>
      )}
    </Flex>
  );
}
