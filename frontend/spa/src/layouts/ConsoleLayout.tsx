import { AppstoreOutlined, AuditOutlined, BarChartOutlined, BellOutlined, CloudServerOutlined, DashboardOutlined, KeyOutlined, MonitorOutlined, SafetyCertificateOutlined, ShopOutlined, TeamOutlined, WalletOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RequireSession } from '../auth/RequireSession';
import { Shell, type NavItem } from './Shell';

export default function ConsoleLayout() {
  const { t } = useTranslation();
  // Each item with the action its page's API needs: a role only sees what would not answer 403.
  const nav: NavItem[] = [
    { path: '/console/dashboard', icon: <DashboardOutlined />, label: t('nav.dashboard'), action: 'console.licensing.dashboard' },
    { path: '/console/customers', icon: <ShopOutlined />, label: t('nav.customers'), action: 'console.customers.read' },
    { path: '/console/licenses', icon: <SafetyCertificateOutlined />, label: t('nav.licenses'), action: 'console.licenses.read' },
    { path: '/console/monitoring', icon: <MonitorOutlined />, label: t('nav.monitoring'), action: 'console.licenses.read' },
    { path: '/console/reports', icon: <BarChartOutlined />, label: t('reports:nav'), action: 'console.reports.read' },
    {
      path: '/console/billing',
      icon: <WalletOutlined />,
      label: t('billing.nav.group'),
      children: [
        { path: '/console/billing/subscriptions', icon: null, label: t('billing.nav.subscriptions'), action: 'console.billing.read' },
        { path: '/console/billing/invoices', icon: null, label: t('billing.nav.invoices'), action: 'console.billing.read' },
        { path: '/console/billing/payments', icon: null, label: t('billing.nav.payments'), action: 'console.billing.read' },
        { path: '/console/billing/acts', icon: null, label: t('billing.nav.acts'), action: 'console.billing.read' },
        { path: '/console/billing/dunning', icon: null, label: t('billing.nav.dunning'), action: 'console.billing.read' },
        { path: '/console/billing/plans', icon: null, label: t('billing.nav.plans'), action: 'console.billing.read' },
        { path: '/console/billing/providers', icon: null, label: t('billing.nav.providers'), action: 'console.billing.read' },
        { path: '/console/billing/seller', icon: null, label: t('billing.nav.seller'), action: 'console.billing.read' },
        { path: '/console/billing/integrations', icon: null, label: t('billing.nav.integrations'), action: 'console.integrations.read' },
      ],
    },
    {
      path: '/console/deploys',
      icon: <CloudServerOutlined />,
      label: t('deploys.nav.group'),
      children: [
        { path: '/console/deploys/installations', icon: null, label: t('deploys.nav.installations'), action: 'console.deploys.read' },
        { path: '/console/deploys/runs', icon: null, label: t('deploys.nav.runs'), action: 'console.deploys.read' },
        { path: '/console/deploys/releases', icon: null, label: t('deploys.nav.releases'), action: 'console.deploys.read' },
      ],
    },
    { path: '/console/notifications', icon: <BellOutlined />, label: t('notifications:nav'), action: 'console.notifications.self.read' },
    { path: '/console/catalog', icon: <AppstoreOutlined />, label: t('nav.catalog'), action: 'console.catalog.read' },
    { path: '/console/staff', icon: <TeamOutlined />, label: t('nav.staff'), action: 'console.staff.read' },
    { path: '/console/access-grants', icon: <KeyOutlined />, label: t('nav.accessGrants'), action: 'console.grants.read' },
    { path: '/console/audit', icon: <AuditOutlined />, label: t('nav.audit'), action: 'console.audit.read' },
  ];
  return (
    <RequireSession area="console">
      <Shell area="console" nav={nav} />
    </RequireSession>
  );
}
