import { InboxOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Flex, Form, Modal, Radio, Table, Tag, Typography, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { exportPayments, importPayments, type ExportFormat, type PaymentImportReport } from '../../../api/billing';
import { describeError, useShowError } from '../../../components/errors';
import { CustomerPicker } from '../../../components/CustomerPicker';
import { saveBlob, toBase64 } from '../../../lib/download';
import { InvoiceLink, useMoney } from './shared';

interface ExportValues {
  format: ExportFormat;
  period?: [Dayjs | null, Dayjs | null] | null;
  org_id?: string;
}

/** «Экспорт»: the payments of a period (Moscow days, both included) and optionally one customer's, as CSV or XLSX. */
export function ExportDialog({ orgId, onClose }: { orgId?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<ExportValues>();
  const download = useMutation({
    mutationFn: ({ format, period, org_id }: ExportValues) => exportPayments({
      format,
      ...(org_id ? { org_id } : {}),
      ...(period?.[0] ? { from: period[0].format('YYYY-MM-DD') } : {}),
      ...(period?.[1] ? { to: period[1].format('YYYY-MM-DD') } : {}),
    }),
    onSuccess: ({ blob, filename }, { format }) => {
      saveBlob(blob, filename ?? `payments.${format}`);
      onClose();
    },
    onError: (e) => showError(e),
  });
  return (
    <Modal open title={t('billing.paymentFiles.exportTitle')} okText={t('billing.paymentFiles.download')} cancelText={t('common.cancel')}
      confirmLoading={download.isPending} onOk={() => form.submit()} onCancel={onClose}>
      <Form<ExportValues> form={form} layout="vertical" initialValues={{ format: 'csv', org_id: orgId }} onFinish={(values) => download.mutate(values)}>
        <Form.Item name="format" label={t('billing.paymentFiles.format')}>
          <Radio.Group options={[{ value: 'csv', label: 'CSV' }, { value: 'xlsx', label: 'XLSX' }]} optionType="button" />
        </Form.Item>
        <Form.Item name="period" label={t('billing.paymentFiles.period')} extra={t('billing.paymentFiles.periodHint')}>
          <DatePicker.RangePicker format="DD.MM.YYYY" allowEmpty={[true, true]} aria-label={t('billing.paymentFiles.period')} />
        </Form.Item>
        <Form.Item name="org_id" label={t('billing.customer')}>
          <CustomerPicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * «Импорт выписки»: a bank statement (CSV or XLSX from 1С). A dry run first shows each payment it would apply
 * (or that was imported before) and every row's errors; applying is possible once there are none.
 */
export function ImportDialog({ onClose, onApplied }: { onClose: () => void; onApplied: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const money = useMoney();
  const [file, setFile] = useState<{ name: string; format: ExportFormat; content: string } | null>(null);
  const [report, setReport] = useState<PaymentImportReport | null>(null);
  const run = useMutation({
    mutationFn: (dryRun: boolean) => importPayments({ format: file!.format, content_base64: file!.content, file_name: file!.name }, dryRun),
    onSuccess: (answer) => {
      setReport(answer);
      if (answer.applied) {
        void message.success(t('billing.paymentFiles.applied', { created: answer.created, unchanged: answer.unchanged }));
        onApplied();
        onClose();
      }
    },
  });
  return (
    <Modal open title={t('billing.paymentFiles.importTitle')} onCancel={onClose} width={900} footer={
      <Flex gap={8} justify="end" wrap>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button disabled={!file} loading={run.isPending && run.variables === true} onClick={() => run.mutate(true)}>{t('billing.paymentFiles.check')}</Button>
        <Button type="primary" disabled={!report || report.errors.length > 0 || !report.dry_run || report.created === 0}
          loading={run.isPending && run.variables === false} onClick={() => run.mutate(false)}>
          {t('billing.paymentFiles.apply', { count: report?.created ?? 0 })}
        </Button>
      </Flex>
    }>
      <Typography.Paragraph type="secondary">{t('billing.paymentFiles.importIntro')}</Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,.xlsx"
        maxCount={1}
        showUploadList={false}
        beforeUpload={async (chosen) => {
          const format = chosen.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
          setFile({ name: chosen.name, format, content: toBase64(await chosen.arrayBuffer()) });
          setReport(null);
          run.reset();
          return false;
        }}
      >
        <p className="ant-upload-drag-icon"><InboxOutlined /></p>
        <p>{file ? file.name : t('billing.paymentFiles.drop')}</p>
      </Upload.Dragger>
      {run.isError && <Alert type="error" showIcon style={{ marginTop: 16 }} title={describeError(run.error, t)} />}
      {report && (
        <div style={{ marginTop: 16 }}>
          <Alert
            type={report.errors.length ? 'error' : 'success'}
            showIcon
            title={t('billing.paymentFiles.summary', { rows: report.rows, created: report.created, unchanged: report.unchanged, errors: report.errors.length })}
            style={{ marginBottom: 12 }}
          />
          {report.errors.length > 0 && (
            <Table size="small" rowKey={(e) => `${e.line}:${e.field}:${e.code}`} pagination={false} scroll={{ x: 'max-content', y: 240 }} dataSource={report.errors}
              columns={[
                { key: 'line', title: t('billing.paymentFiles.line'), dataIndex: 'line' },
                { key: 'field', title: t('billing.paymentFiles.field'), dataIndex: 'field', render: (f: string | null) => f ?? '—' },
                { key: 'message', title: t('billing.paymentFiles.error'), dataIndex: 'message' },
              ]} />
          )}
          {report.preview.length > 0 && (
            <Table size="small" rowKey="line" pagination={false} scroll={{ x: 'max-content', y: 240 }} dataSource={report.preview} style={{ marginTop: 12 }}
              columns={[
                { key: 'line', title: t('billing.paymentFiles.line'), dataIndex: 'line' },
                { key: 'invoice', title: t('billing.payments.invoice'), render: (_, r) => <InvoiceLink invoice={{ id: r.invoice_id, number: r.invoice_number }} /> },
                { key: 'amount', title: t('billing.payments.amount'), align: 'right', render: (_, r) => money(r.amount) },
                { key: 'paid_on', title: t('billing.paymentFiles.paidOn'), dataIndex: 'paid_on' },
                { key: 'inn', title: t('billing.paymentFiles.payerInn'), dataIndex: 'payer_inn' },
                { key: 'document', title: t('billing.paymentFiles.document'), dataIndex: 'document_number' },
                {
                  key: 'action', title: t('billing.paymentFiles.action'),
                  render: (_, r) => <Tag color={r.action === 'apply' ? 'success' : 'default'}>{t(`billing.paymentFiles.actions.${r.action}`)}</Tag>,
                },
              ]} />
          )}
        </div>
      )}
    </Modal>
  );
}
