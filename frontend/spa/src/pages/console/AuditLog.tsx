import { DownloadOutlined, SafetyOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, AutoComplete, Button, DatePicker, Descriptions, Flex, Form, Input, Select, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  exportAudit, getAuditVerification, searchAudit, startAuditVerification, type AuditEvent, type AuditFilters, type AuditVerifyResult,
  type ExportFormat,
} from '../../api/audit';
import { queryKeys } from '../../api/queryKeys';
import { AuditActor, AuditEntity, useAuditLabels } from '../../components/audit';
import { CustomerPicker } from '../../components/CustomerPicker';
import { useShowError } from '../../components/errors';
import { PagedTable, usePagedQuery } from '../../components/PagedTable';
import { PageHeader } from '../../components/PageHeader';
import { saveBlob } from '../../lib/download';
import { useDateTime } from '../../lib/format';
import { KNOWN_AUDIT_ACTIONS } from '../../lib/auditActions';
import { useLabels } from '../../lib/labels';
import { CustomerName, useStaffNames } from '../../lib/names';

const VERIFY_POLL_MS = 1000;

interface FilterValues {
  actor?: string;
  org?: string;
  entity?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function toFilters(values: FilterValues): AuditFilters {
  const [from, to] = values.range ?? [];
  return {
    actor: values.actor || undefined,
    org: values.org || undefined,
    entity: values.entity?.trim() || undefined,
    action: values.action?.trim() || undefined,
    from: from?.format('YYYY-MM-DD'),
    to: to?.format('YYYY-MM-DD'),
  };
}

export default function AuditLog() {
  const { t } = useTranslation();
  const labels = useLabels();
  const dateTime = useDateTime();
  const staffNames = useStaffNames();
  const showError = useShowError();
  const { modal } = App.useApp();
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<AuditFilters>({});

  const events = usePagedQuery(queryKeys.audit(filters), (cursor) => searchAudit(filters, cursor));
  const exporting = useMutation({
    mutationFn: (format: ExportFormat) => exportAudit(filters, format),
    onSuccess: ({ blob, filename }, format) => saveBlob(blob, filename ?? `audit.${format}`),
    onError: (e) => showError(e),
  });
  // Verification is a job on the server: start it, follow its progress, show its result once it is done.
  const [verificationId, setVerificationId] = useState<string>();
  const startVerification = useMutation({
    mutationFn: startAuditVerification,
    onSuccess: (job) => setVerificationId(job.id),
    onError: (e) => showError(e),
  });
  const verification = useQuery({
    queryKey: queryKeys.auditVerification(verificationId ?? ''),
    queryFn: () => getAuditVerification(verificationId ?? ''),
    enabled: verificationId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === 'done' ? false : VERIFY_POLL_MS),
  });
  const chainName = (chain?: string | null) => (chain === 'platform' ? t('audit.platformChain') : chain ?? '—');
  const showResult = (result: AuditVerifyResult) => {
    const show = result.valid ? modal.success : modal.error;
    show({
      title: result.valid ? t('audit.verifyOk') : t('audit.verifyBroken'),
      content: (
        <>
          <Typography.Paragraph>
            {result.valid
              ? t('audit.verifyOkText', { checked: result.checked })
              : t(`audit.verifyCodes.${result.code}`, { seq: result.first_bad_seq ?? '—', checked: result.checked, chain: chainName(result.chain) })}
          </Typography.Paragraph>
          {!result.valid && result.detail && <Typography.Paragraph type="secondary">{result.detail}</Typography.Paragraph>}
        </>
      ),
    });
  };
  useEffect(() => {  // once per answer (not per render): the result, or the error, ends the polling
    if (verification.error) {
      setVerificationId(undefined);
      showError(verification.error);
    } else if (verification.data?.result) {
      setVerificationId(undefined);
      showResult(verification.data.result);
    }
  }, [verification.data, verification.error]);
  const verifying = startVerification.isPending || verificationId !== undefined;
  const progress = verification.data?.progress;
  const filtered = Object.values(filters).some(Boolean);

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        extra={
          <>
            <Button icon={<DownloadOutlined />} loading={exporting.isPending && exporting.variables === 'csv'} onClick={() => exporting.mutate('csv')}>CSV</Button>
            <Button icon={<DownloadOutlined />} loading={exporting.isPending && exporting.variables === 'xlsx'} onClick={() => exporting.mutate('xlsx')}>XLSX</Button>
            <Button icon={<SafetyOutlined />} loading={verifying} onClick={() => startVerification.mutate()}>{t('audit.verify')}</Button>
          </>
        }
      >
        {t('audit.intro')}
      </PageHeader>
      {verifying && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('audit.verifyRunning', { checked: progress?.checked ?? 0, chains: progress?.chains_done ?? 0 })}
          description={progress?.chain ? t('audit.verifyAt', { chain: chainName(progress.chain), day: progress.day ?? '—' }) : undefined}
        />
      )}
      <Form form={form} layout="inline" onFinish={(values) => setFilters(toFilters(values))} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="actor">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('audit.actorPlaceholder')}
            aria-label={t('audit.actor')}
            style={{ width: 220 }}
            options={[...staffNames].map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item name="org">
          <CustomerPicker style={{ width: 260 }} />
        </Form.Item>
        <Form.Item name="entity">
          <Input allowClear placeholder={t('audit.entityPlaceholder')} aria-label={t('audit.entity')} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="action">
          <AutoComplete
            allowClear
            placeholder={t('audit.action')}
            aria-label={t('audit.action')}
            style={{ width: 240 }}
            options={KNOWN_AUDIT_ACTIONS.map((value) => ({ value, label: `${labels.auditAction(value)} · ${value}` }))}
            showSearch={{
              filterOption: (input, option) => String(option?.label ?? '').toLowerCase().includes(input.toLowerCase()),
            }}
          />
        </Form.Item>
        <Form.Item name="range">
          <DatePicker.RangePicker format="DD.MM.YYYY" aria-label={t('audit.period')} />
        </Form.Item>
        <Flex gap={8}>
          <Button type="primary" htmlType="submit">{t('common.apply')}</Button>
          <Button onClick={() => { form.resetFields(); setFilters({}); }}>{t('common.reset')}</Button>
        </Flex>
      </Form>
      <PagedTable<AuditEvent>
        query={events}
        rowKey="id"
        size="small"
        emptyText={filtered ? t('audit.emptyFiltered') : t('audit.empty')}
        expandable={{ expandedRowRender: (event) => <AuditDetails event={event} /> }}
        minWidth={980}
        columns={[
          { key: 'at', title: t('audit.at'), dataIndex: 'at', render: dateTime, width: 170, fixed: 'left' },
          { key: 'actor', title: t('audit.actor'), render: (_, e) => <AuditActor actor={e.actor} /> },
          {
            key: 'action',
            title: t('audit.action'),
            render: (_, e) => (
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text ellipsis>{labels.auditAction(e.action)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>{e.action}</Typography.Text>
              </Flex>
            ),
          },
          { key: 'entity', title: t('audit.entity'), render: (_, e) => <AuditEntity entityType={e.entity_type} entityId={e.entity_id} /> },
          { key: 'org', title: t('audit.organization'), dataIndex: 'org_id', render: (id: string | null) => <CustomerName orgId={id} /> },
          { key: 'ip', title: 'IP', dataIndex: 'ip', width: 130, render: (ip: string | null) => ip ?? '—' },
        ]}
      />
    </>
  );
}

/** What changed: field by field from `diff`; the raw snapshots when there is no diff (creations, deletions). */
function AuditDetails({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  const labels = useAuditLabels();
  const changes = Object.entries(event.diff ?? {}).map(([field, [before, after]]) => ({ field, before, after }));
  const value = (field: string) => (v: unknown) => labels.value(event.entity_type, field, v);
  // Bounded: the list is as wide as its widest content, and a user agent is one long line.
  return (
    <Flex vertical gap={12} style={{ maxWidth: 960, overflowWrap: 'anywhere' }}>
      {changes.length > 0 ? (
        <Table
          size="small"
          rowKey="field"
          pagination={false}
          dataSource={changes}
          columns={[
            { key: 'field', title: t('audit.field'), dataIndex: 'field', render: (f: string) => <span title={f}>{labels.field(event.entity_type, f)}</span> },
            { key: 'before', title: t('audit.before'), render: (_, c) => value(c.field)(c.before) },
            { key: 'after', title: t('audit.after'), render: (_, c) => value(c.field)(c.after) },
          ]}
        />
      ) : (
        <Flex gap={12} wrap>
          {(['before', 'after'] as const).map((side) => (
            <div key={side} style={{ flex: '1 1 280px', minWidth: 0 }}>
              <Typography.Text strong>{t(`audit.${side}`)}</Typography.Text>
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {event[side] ? JSON.stringify(event[side], null, 2) : '—'}
              </pre>
            </div>
          ))}
        </Flex>
      )}
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'reason', label: t('audit.reason'), children: event.reason ?? '—' },
          { key: 'seq', label: t('audit.seq'), children: event.seq ?? t('audit.notChainedYet') },
          { key: 'ua', label: t('audit.userAgent'), children: event.user_agent ?? '—' },
        ]}
      />
    </Flex>
  );
}
