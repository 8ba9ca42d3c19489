import { InboxOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Modal, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { importCustomers, type ImportReport } from '../../../api/customers';
import { useShowError } from '../../../components/errors';
import { toBase64 } from '../../../lib/download';

/** CSV or XLSX import: a dry run first shows what would change and every row's errors; then apply. */
export function ImportDialog({ onClose, onApplied }: { onClose: () => void; onApplied: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const [file, setFile] = useState<{ name: string; format: 'csv' | 'xlsx'; content: string } | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const run = useMutation({
    mutationFn: (dryRun: boolean) => importCustomers({ format: file!.format, content_base64: file!.content, dry_run: dryRun, file_name: file!.name }),
    onSuccess: (answer) => {
      setReport(answer);
      if (answer.applied) {
        void message.success(t('customers.importApplied', { created: answer.created, updated: answer.updated }));
        onApplied();
        onClose();
      }
    },
    onError: (e) => showError(e),
  });
  return (
    <Modal open title={t('customers.importTitle')} onCancel={onClose} width={840} footer={
      <Flex gap={8} justify="end">
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button disabled={!file} loading={run.isPending && run.variables === true} onClick={() => run.mutate(true)}>{t('customers.importCheck')}</Button>
        <Button type="primary" disabled={!report || report.errors.length > 0 || !report.dry_run} loading={run.isPending && run.variables === false} onClick={() => run.mutate(false)}>
          {t('customers.importApply')}
        </Button>
      </Flex>
    }>
      <Typography.Paragraph type="secondary">{t('customers.importIntro')}</Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,.xlsx"
        maxCount={1}
        showUploadList={false}
        beforeUpload={async (chosen) => {
          const format = chosen.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
          setFile({ name: chosen.name, format, content: toBase64(await chosen.arrayBuffer()) });
          setReport(null);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon"><InboxOutlined /></p>
        <p>{file ? file.name : t('customers.importDrop')}</p>
      </Upload.Dragger>
      {report && (
        <div style={{ marginTop: 16 }}>
          <Alert
            type={report.errors.length ? 'error' : 'success'}
            showIcon
            title={t('customers.importSummary', { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged, errors: report.errors.length })}
            style={{ marginBottom: 12 }}
          />
          {report.errors.length > 0 && (
            <Table size="small" rowKey={(e) => `${e.line}:${e.field}:${e.code}`} pagination={false} scroll={{ x: 'max-content', y: 240 }} dataSource={report.errors}
              columns={[
                { key: 'line', title: t('customers.importLine'), dataIndex: 'line' },
                { key: 'field', title: t('customers.importField'), dataIndex: 'field', render: (f: string | null) => f ?? '—' },
                { key: 'message', title: t('customers.importError'), dataIndex: 'message' },
              ]} />
          )}
          {report.preview.length > 0 && (
            <Table size="small" rowKey="line" pagination={false} scroll={{ x: 'max-content', y: 240 }} dataSource={report.preview} style={{ marginTop: 12 }}
              columns={[
                { key: 'line', title: t('customers.importLine'), dataIndex: 'line' },
                { key: 'name', title: t('customers.name'), dataIndex: 'name' },
                { key: 'inn', title: t('customers.inn'), dataIndex: 'inn' },
                { key: 'action', title: t('customers.importAction'), render: (_, r) => <Tag color={{ create: 'success', update: 'processing', unchanged: 'default' }[r.action]}>{t(`customers.importActions.${r.action}`)}</Tag> },
              ]} />
          )}
        </div>
      )}
    </Modal>
  );
}
