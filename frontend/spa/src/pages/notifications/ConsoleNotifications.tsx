import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
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
const SELF: Owner = { kind: 'staff' };

/** The console's Notifications: the signed-in staff user's own preferences and the delivery log. */
export default function ConsoleNotifications() {
  const { t: n } = useTranslation('notifications');
  const [params, setParams] = useSearchParams();
  const wanted = params.get('tab');
  const tab: Tab = TABS.includes(wanted as Tab) ? (wanted as Tab) : 'settings';
  const can = useCan();
  return (
    <>
      <PageHeader title={n('title')}>{n('consoleIntro')}</PageHeader>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'settings', label: n('tabs.mine'), children: <MyPreferences canEdit={can('console.notifications.self.update')} /> },
          { key: 'log', label: n('tabs.log'), children: <DeliveryLog scope={{ kind: 'console' }} canRetry={can('console.notifications.log.retry')} /> },
        ]}
      />
    </>
  );
}

function MyPreferences({ canEdit }: { canEdit: boolean }) {
  const preferences = usePreferences(SELF);
  if (preferences.isPending) return <PageSpin />;
  if (preferences.isError) return <ErrorState error={preferences.error} onRetry={() => void preferences.refetch()} />;
  return <PreferencesEditor owner={SELF} view={preferences.data} canEdit={canEdit} canTest={canEdit} />;
}
