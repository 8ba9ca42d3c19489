import { Empty, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMe } from '../../auth/session';
import { ErrorState } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { PageSpin } from '../../components/PageSpin';
import { useCan } from '../../lib/permissions';
import type { Owner } from './api';
import { DeliveryLog } from './DeliveryLog';
import { PreferencesEditor } from './PreferencesEditor';
import { usePreferences } from './usePreferences';

const TABS = ['settings', 'log'] as const;
type Tab = (typeof TABS)[number];

/** The organization's notification preferences (owner and admin change them) and the notices sent to it. */
export default function AppNotifications() {
  const { t: n } = useTranslation('notifications');
  const me = useMe();
  const orgId = me.current.org_id ?? '';
  const [params, setParams] = useSearchParams();
  const wanted = params.get('tab');
  const tab: Tab = TABS.includes(wanted as Tab) ? (wanted as Tab) : 'settings';
  if (!orgId) return <Empty description={n('app.noOrganization')} />;
  return (
    <>
      <PageHeader title={n('title')}>{n('appIntro')}</PageHeader>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'settings', label: n('tabs.org'), children: <OrgPreferences key={orgId} orgId={orgId} /> },
          { key: 'log', label: n('tabs.log'), children: <DeliveryLog key={orgId} scope={{ kind: 'org', orgId }} /> },
        ]}
      />
    </>
  );
}

function OrgPreferences({ orgId }: { orgId: string }) {
  const can = useCan();
  const owner: Owner = { kind: 'org', orgId };
  const preferences = usePreferences(owner);
  const canEdit = can('app.notifications.update');
  if (preferences.isPending) return <PageSpin />;
  if (preferences.isError) return <ErrorState error={preferences.error} onRetry={() => void preferences.refetch()} />;
  return <PreferencesEditor owner={owner} view={preferences.data} canEdit={canEdit} canTest={canEdit} />;
}
