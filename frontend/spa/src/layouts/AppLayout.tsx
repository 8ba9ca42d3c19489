import { BellOutlined, CreditCardOutlined, EyeOutlined, FileProtectOutlined, SafetyCertificateOutlined, TeamOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { RequireSession } from '../auth/RequireSession';
import { useFeature } from '../lib/features';
import { WorkspaceSwitcher } from '../pages/app/fastlead/WorkspaceSwitcher';
import { OrganizationSwitcher } from './OrganizationSwitcher';
import { Shell, type NavItem } from './Shell';

export default function AppLayout() {
  return (
    <RequireSession area="app">
      <AppShell />
    </RequireSession>
  );
}

/** The menu without what a feature flag turns off (billing until the payment integration is switched on). */
function AppShell() {
  const { t } = useTranslation();
  const billing = useFeature('billing');
  const nav: NavItem[] = [
    { path: '/app/team', icon: <TeamOutlined />, label: t('nav.team'), action: 'app.team.read' },
    { path: '/app/fastlead', icon: <ThunderboltOutlined />, label: t('fastlead.nav'), action: 'app.workspaces.read' },
    { path: '/app/licenses', icon: <FileProtectOutlined />, label: t('nav.licenses'), action: 'app.licenses.read' },
    { path: '/app/billing', icon: <CreditCardOutlined />, label: t('appBilling.nav'), action: 'app.billing.read' },
    { path: '/app/notifications', icon: <BellOutlined />, label: t('notifications:nav'), action: 'app.notifications.read' },
    { path: '/app/staff-access', icon: <EyeOutlined />, label: t('nav.staffAccess'), action: 'app.staff_access.read' },
    { path: '/app/profile', icon: <SafetyCertificateOutlined />, label: t('nav.profile') },
  ];
  const shown = nav.filter((item) => billing || item.path !== '/app/billing');
  return <Shell area="app" nav={shown} headerExtra={<Flex gap={8} style={{ flex: 1, minWidth: 0 }}><OrganizationSwitcher /><WorkspaceSwitcher /></Flex>} />;
}
