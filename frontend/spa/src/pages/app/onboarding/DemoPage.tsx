import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, List, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { fastleadKeys, getSnippet, getWidget, getWorkspace, updateWorkspace } from '../../../api/fastlead';
import { useMe } from '../../../auth/session';
import { describeError, ErrorState } from '../../../components/errors';
import { PageSpin } from '../../../components/PageSpin';
import { useCan } from '../../../lib/permissions';

type Queue = ((...args: unknown[]) => void) & { q?: unknown[][] };

/**
 * Runs the published widget on this page the way the snippet does on a customer's site: the
 * `window.FastLead` queue with `init`, then widget.js from the snippet's script URL. The snippet's own
 * inline <script> cannot run here (the app's Content-Security-Policy forbids inline scripts); a site
 * pastes it as it is. Returns the cleanup that takes the widget off the page.
 */
export function embedWidget(scriptUrl: string, widgetId: string): () => void {
  const w = window as unknown as { FastLead?: Queue };
  if (!w.FastLead) {
    const queue: Queue = (...args: unknown[]) => { (queue.q = queue.q ?? []).push(args); };
    w.FastLead = queue;
  }
  w.FastLead('init', { widgetId });
  const script = document.createElement('script');
  script.async = true;
  script.src = scriptUrl;
  script.dataset.fastleadDemo = widgetId;
  (document.head || document.body).appendChild(script);
  return () => {
    script.remove();
    document.querySelectorAll('[data-fastlead-widget]').forEach((host) => host.remove());
    delete w.FastLead;
  };
}

/** The onboarding's last step: a page with the published widget, to send a test lead from. */
export default function DemoPage() {
  const { t } = useTranslation();
  const orgId = useMe().current.org_id ?? '';
  const { workspaceId = '' } = useParams();
  const can = useCan();
  const queryClient = useQueryClient();
  const workspace = useQuery({ queryKey: fastleadKeys.workspace(orgId, workspaceId), queryFn: () => getWorkspace(orgId, workspaceId) });
  const widget = useQuery({ queryKey: fastleadKeys.widget(orgId, workspaceId), queryFn: () => getWidget(orgId, workspaceId) });
  const snippet = useQuery({ queryKey: fastleadKeys.snippet(orgId, workspaceId), queryFn: () => getSnippet(orgId, workspaceId) });
  const published = widget.data?.published_version != null;
  const scriptUrl = snippet.data?.script_url;
  const widgetId = snippet.data?.widget_id;

  useEffect(() => {
    if (!published || !scriptUrl || !widgetId) return undefined;
    return embedWidget(scriptUrl, widgetId);
  }, [published, scriptUrl, widgetId]);

  const origin = window.location.origin;
  const allow = useMutation({
    mutationFn: () => updateWorkspace(orgId, workspaceId, {
      allowed_origins: [...(workspace.data?.allowed_origins ?? []), origin],
    }),
    onSuccess: (fresh) => queryClient.setQueryData(fastleadKeys.workspace(orgId, workspaceId), fresh),
  });

  const failed = [workspace, widget, snippet].find((query) => query.isError);
  if (failed) return <ErrorState error={failed.error} onRetry={() => void failed.refetch()} />;
  if (!workspace.data || !widget.data || !snippet.data) return <PageSpin />;
  const allowed = workspace.data.allowed_origins.includes(origin);

  return (
    <Flex vertical gap={16} style={{ maxWidth: 760 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('onboarding.demo.title')}</Typography.Title>
      {!published && (
        <Alert type="warning" showIcon title={t('onboarding.demo.unpublished')}
          description={<Link to={`/app/fastlead/${workspaceId}/widget`}>{t('onboarding.demo.toConfigurator')}</Link>} />
      )}
      {published && !allowed && (
        <Alert
          type="info"
          showIcon
          title={t('onboarding.demo.originTitle', { origin })}
          description={t('onboarding.demo.originText')}
          action={can('app.workspaces.update') && (
            <Button onClick={() => allow.mutate()} loading={allow.isPending}>{t('onboarding.demo.allow')}</Button>
          )}
        />
      )}
      {allow.isError && <Alert type="error" showIcon title={describeError(allow.error, t)} />}
      <Card title={t('onboarding.demo.howTitle')}>
        <List
          size="small"
          dataSource={[t('onboarding.demo.how1'), t('onboarding.demo.how2'), t('onboarding.demo.how3')]}
          renderItem={(item, index) => <List.Item>{`${index + 1}. ${item}`}</List.Item>}
        />
        <Link to={`/app/fastlead/${workspaceId}/leads`}>{t('onboarding.demo.toLeads')}</Link>
      </Card>
    </Flex>
  );
}
