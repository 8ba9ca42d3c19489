import { CloudUploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Tabs, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { deploysKeys, getInstallation, listRuns } from '../../../api/deploys';
import { ErrorState } from '../../../components/errors';
import { usePagedQuery } from '../../../components/PagedTable';
import { PageHeader } from '../../../components/PageHeader';
import { PageSpin } from '../../../components/PageSpin';
import { useDateTime } from '../../../lib/format';
import { CustomerName } from '../../../lib/names';
import { useCan } from '../../../lib/permissions';
import { DeployDialog } from './DeployDialog';
import { DeployRunTable, InstallationStatusTag, runPath, Version } from './shared';
import { SupportBundles } from './SupportBundles';

/** An installation: its versions and heartbeat, its deploy runs, its support bundles, and «Обновить». */
export default function InstallationDetail() {
  const { installationId = '' } = useParams();
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const can = useCan();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [deploying, setDeploying] = useState(false);
  const detail = useQuery({ queryKey: deploysKeys.installation(installationId), queryFn: () => getInstallation(installationId) });
  const filters = { installation_id: installationId };
  const runs = usePagedQuery(deploysKeys.runs(filters), (cursor) => listRuns(filters, cursor));

  if (detail.isPending) return <PageSpin />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  const item = detail.data;
  const running = item.running_run_id;
  const deployButton = can('console.deploys.run') && (
    <Tooltip title={running ? t('deploys.deploy.busy') : undefined}>
      <Button type="primary" icon={<CloudUploadOutlined />} disabled={!!running} onClick={() => setDeploying(true)}>
        {t('deploys.deploy.action')}
      </Button>
    </Tooltip>
  );
  return (
    <>
      <PageHeader title={item.domain ?? item.id} extra={deployButton}>
        <Typography.Text code copyable>{item.id}</Typography.Text>
      </PageHeader>
      {running && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={<>{t('deploys.installations.running')} <Link to={runPath(running)}>{t('deploys.installations.openRun')}</Link></>}
        />
      )}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('deploys.installations.status')}><InstallationStatusTag item={item} /></Descriptions.Item>
          <Descriptions.Item label={t('deploys.customer')}><CustomerName orgId={item.org_id} /></Descriptions.Item>
          <Descriptions.Item label={t('deploys.license')}><Link to={`/console/licenses/${item.license_id}`}>{item.license_id}</Link></Descriptions.Item>
          <Descriptions.Item label={t('deploys.installations.current')}><Version value={item.current_version} /></Descriptions.Item>
          <Descriptions.Item label={t('deploys.installations.target')}><Version value={item.target_version} /></Descriptions.Item>
          <Descriptions.Item label={t('deploys.installations.lastSeen')}>{dateTime(item.last_seen_at)}</Descriptions.Item>
          <Descriptions.Item label={t('deploys.installations.agentSeen')}>{dateTime(item.agent_seen_at)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          items={[
            {
              key: 'runs', label: t('deploys.installations.runsTab'),
              children: <DeployRunTable query={runs} withInstallation={false} emptyText={t('deploys.installations.noRuns')} />,
            },
            { key: 'bundles', label: t('deploys.installations.bundlesTab'), children: <SupportBundles installationId={item.id} /> },
          ]}
        />
      </Card>
      <DeployDialog
        installation={item}
        open={deploying}
        onClose={() => setDeploying(false)}
        onStarted={(run) => {
          setDeploying(false);
          void queryClient.invalidateQueries({ queryKey: deploysKeys.all });
          void navigate(runPath(run.id));
        }}
      />
    </>
  );
}
