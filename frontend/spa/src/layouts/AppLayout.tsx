import { BellOutlined, EyeOutlined, FileProtectOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RequireSession } from '../auth/RequireSession';
import { OrganizationSwitcher } from './OrganizationSwitcher';
import { Shell } from './Shell';

export default function AppLayout() {
  const { t } = useTranslation();
  const nav = [
    { path: '/app/team', icon: <TeamOutlined />, label: t('nav.team') },
    { path: '/app/licenses', icon: <FileProtectOutlined />, label: t('nav.licenses') },
    { path: '/app/notifications', icon: <BellOutlined />, label: t('notifications:nav') },
    { path: '/app/staff-access', icon: <EyeOutlined />, label: t('nav.staffAccess') },
    { path: '/app/profile', icon: <SafetyCertificateOutlined />, label: t('nav.profile') },
  ];
  return (
    <RequireSession area="app">
      <Shell area="app" nav={nav} headerExtra={<OrganizationSwitcher />} />
    </RequireSession>
  );
}
