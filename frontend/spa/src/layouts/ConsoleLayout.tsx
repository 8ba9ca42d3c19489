import { AppstoreOutlined, AuditOutlined, BarChartOutlined, BellOutlined, DashboardOutlined, KeyOutlined, MonitorOutlined, SafetyCertificateOutlined, ShopOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RequireSession } from '../auth/RequireSession';
import { Shell } from './Shell';

export default function ConsoleLayout() {
  const { t } = useTranslation();
  const nav = [
    { path: '/console/dashboard', icon: <DashboardOutlined />, label: t('nav.dashboard') },
    { path: '/console/customers', icon: <ShopOutlined />, label: t('nav.customers') },
    { path: '/console/licenses', icon: <SafetyCertificateOutlined />, label: t('nav.licenses') },
    { path: '/console/monitoring', icon: <MonitorOutlined />, label: t('nav.monitoring') },
    { path: '/console/reports', icon: <BarChartOutlined />, label: t('reports:nav') },
    { path: '/console/notifications', icon: <BellOutlined />, label: t('notifications:nav') },
    { path: '/console/catalog', icon: <AppstoreOutlined />, label: t('nav.catalog') },
    { path: '/console/staff', icon: <TeamOutlined />, label: t('nav.staff') },
    { path: '/console/access-grants', icon: <KeyOutlined />, label: t('nav.accessGrants') },
    { path: '/console/audit', icon: <AuditOutlined />, label: t('nav.audit') },
  ];
  return (
    <RequireSession area="console">
      <Shell area="console" nav={nav} />
    </RequireSession>
  );
}
