import { useQuery } from '@tanstack/react-query';
import { Alert, Breadcrumb, Empty, Flex, Tabs, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate, useOutletContext, useParams } from 'react-router';
import { fastleadKeys, getWorkspace, type Workspace } from '../../../api/fastlead';
import { useMe } from '../../../auth/session';
import { ErrorState } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useFeature } from '../../../lib/features';
import { useCan } from '../../../lib/permissions';
import { FastleadTour } from '../onboarding/FastleadTour';
import { WORKSPACE_TABS, workspacePath } from './paths';

export interface WorkspaceContext {
  orgId: string;
  workspace: Workspace;
}

/** The workspace the page under /app/fastlead/:workspaceId/… works in. */
export function useWorkspace(): WorkspaceContext {
  return useOutletContext<WorkspaceContext>();
}

/**
 * One workspace's pages: its name, the tabs (leads, analytics for those who may read it while its flag is on, widget, settings)
 * and the page of the tab.
 */
export default function WorkspaceLayout() {
  const { t } = useTranslation();
  const orgId = useMe().current.org_id;
  const { workspaceId = '' } = useParams();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const can = useCan();
  const analytics = useFeature('dashboard') && can('app.analytics.read');
  const workspace = useQuery({
    queryKey: fastleadKeys.workspace(orgId ?? '', workspaceId),
    queryFn: () => getWorkspace(orgId!, workspaceId),
    enabled: !!orgId,
  });
  if (!orgId) return <Empty description={t('fastlead.noOrganization')} />;
  if (workspace.isPending) return <PageSpin />;
  if (workspace.isError) return <ErrorState error={workspace.error} onRetry={() => void workspace.refetch()} />;

  const ws = workspace.data;
  const tab = workspacePath(pathname)?.tab ?? 'leads';
  const context: WorkspaceContext = { orgId, workspace: ws };
  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to="/app/fastlead">{t('fastlead.workspaces.title')}</Link> }, { title: ws.name }]}
      />
      <Flex align="center" gap={8} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{ws.name}</Typography.Title>
        {ws.domain && <Typography.Text type="secondary">{ws.domain}</Typography.Text>}
        {ws.status === 'archived' && <Tag>{t('fastlead.workspaceStatus.archived')}</Tag>}
      </Flex>
      {ws.status === 'archived' && (
        <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('fastlead.workspaces.archivedNotice')} />
      )}
      <Tabs
        activeKey={tab}
        onChange={(key) => void navigate(`/app/fastlead/${ws.id}/${key}`)}
        items={WORKSPACE_TABS.filter((key) => key !== 'dashboard' || analytics)
          .map((key) => ({ key, label: t(`fastlead.tabs.${key}`) }))}
      />
      <Suspense fallback={<PageSpin />}>
        <Outlet context={context} />
      </Suspense>
      <FastleadTour orgId={orgId} />
    </>
  );
}
