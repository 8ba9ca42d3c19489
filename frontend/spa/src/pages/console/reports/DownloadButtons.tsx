import { FileExcelOutlined, FilePdfOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../components/errors';
import { downloadReport, type FileFormat, type Period, type ReportName } from './api';

/** XLSX and PDF of a report, for the period on screen. */
export function DownloadButtons({ report, period }: { report: ReportName; period?: Period }) {
  const { t: r } = useTranslation('reports');
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<FileFormat | null>(null);
  const get = async (format: FileFormat) => {
    setBusy(format);
    try {
      await downloadReport(report, format, period);
    } catch (error) {
      void message.error(describeError(error, t));
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <Button icon={<FileExcelOutlined />} loading={busy === 'xlsx'} onClick={() => void get('xlsx')}>{r('download.xlsx')}</Button>
      <Button icon={<FilePdfOutlined />} loading={busy === 'pdf'} onClick={() => void get('pdf')}>{r('download.pdf')}</Button>
    </>
  );
}
