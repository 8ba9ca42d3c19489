import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXPORT_FORMATS, getExport, reportingKeys, type ExportFormat, type ExportJob } from '../../../api/fastleadReporting';
import { describeError } from '../../../components/errors';
import { useDateTime } from '../../../lib/format';

/** How often a running export is asked for its progress. */
export const EXPORT_POLL_MS = 2_000;

const finished = (job: ExportJob) => job.status === 'done' || job.status === 'failed';

/**
 * «Экспортировать в CSV» / XLSX: starts an export job with `start`, shows the rows written while it runs
 * (polled every 2 s), then the download link (a presigned URL, valid for a while) or why it failed.
 */
export function ExportButton({ orgId, workspaceId, start }: {
  orgId: string;
  workspaceId: string;
  start: (format: ExportFormat) => Promise<ExportJob>;
}) {
  const { t, i18n } = useTranslation();
  const count = (rows: number) => rows.toLocaleString(i18n.language === 'en' ? 'en-US' : 'ru-RU');
  const dateTime = useDateTime();
  const [started, setStarted] = useState<ExportJob>();
  const begin = useMutation({ mutationFn: start, onSuccess: setStarted });
  const job = useQuery({
    queryKey: reportingKeys.export(orgId, workspaceId, started?.id ?? ''),
    queryFn: () => getExport(orgId, workspaceId, started!.id),
    enabled: !!started && !finished(started),
    initialData: started,
    // The job as started is fresh: the first poll comes after the interval, not at once.
    staleTime: EXPORT_POLL_MS,
    refetchInterval: (query) => (query.state.data && finished(query.state.data) ? false : EXPORT_POLL_MS),
  });
  const current = job.data ?? started;
  const running = begin.isPending || (!!current && !finished(current));

  return (
    <Flex vertical gap={8} align="start">
      <Space.Compact>
        {EXPORT_FORMATS.map((format) => (
          <Button
            key={format}
            icon={format === 'csv' ? <DownloadOutlined /> : undefined}
            disabled={running}
            loading={begin.isPending && begin.variables === format}
            onClick={() => { setStarted(undefined); begin.mutate(format); }}
          >
            {t(`fastlead.analytics.export.${format}`)}
          </Button>
        ))}
      </Space.Compact>
      {begin.isError && <Alert type="error" showIcon title={describeError(begin.error, t)} />}
      {current && !finished(current) && (
        <Typography.Text role="status">
          <Spin size="small" /> {t('fastlead.analytics.export.running', { rows: count(current.rows) })}
        </Typography.Text>
      )}
      {job.isError && (
        <Alert
          type="error"
          showIcon
          title={describeError(job.error, t)}
          action={<Button size="small" onClick={() => void job.refetch()}>{t('common.retry')}</Button>}
        />
      )}
      {current?.status === 'failed' && (
        <Alert type="error" showIcon title={t('fastlead.analytics.export.failed')} description={current.error} />
      )}
      {current?.status === 'done' && current.download_url && (
        <Alert
          type="success"
          showIcon
          title={(
            <a href={current.download_url} download={current.file_name ?? undefined}>
              {t('fastlead.analytics.export.download', { name: current.file_name ?? '' })}
            </a>
          )}
          description={t('fastlead.analytics.export.done', {
            rows: count(current.rows), until: dateTime(current.download_expires_at),
          })}
        />
      )}
    </Flex>
  );
}
