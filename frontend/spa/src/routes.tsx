import { lazy, Suspense } from 'react';
import { Navigate, Outlet, type RouteObject } from 'react-router';
import { PageSpin } from './components/PageSpin';
import type { Area } from './lib/area';

// Every page and both area layouts load on demand: a customer never downloads the console and
// the sign-in page does not wait for tables and charts.
const PublicLayout = lazy(() => import('./layouts/PublicLayout'));
const ConsoleLayout = lazy(() => import('./layouts/ConsoleLayout'));
const AppLayout = lazy(() => import('./layouts/AppLayout'));

const SignIn = lazy(() => import('./pages/public/SignIn'));
const SignUp = lazy(() => import('./pages/public/SignUp'));
const Confirm = lazy(() => import('./pages/public/Confirm'));
const ForgotPassword = lazy(() => import('./pages/public/ForgotPassword'));
const ResetPassword = lazy(() => import('./pages/public/ResetPassword'));
const AcceptInvite = lazy(() => import('./pages/public/AcceptInvite'));
const Profile = lazy(() => import('./pages/shared/Profile'));
const NotFound = lazy(() => import('./pages/NotFound'));

const Dashboard = lazy(() => import('./pages/console/dashboard/Dashboard'));
const Reports = lazy(() => import('./pages/console/reports/Reports'));
const StaffUsers = lazy(() => import('./pages/console/StaffUsers'));
const AccessGrants = lazy(() => import('./pages/console/AccessGrants'));
const AuditLog = lazy(() => import('./pages/console/AuditLog'));
const LicensesList = lazy(() => import('./pages/console/licenses/LicensesList'));
const LicenseWizard = lazy(() => import('./pages/console/licenses/LicenseWizard'));
const LicenseDetail = lazy(() => import('./pages/console/licenses/LicenseDetail'));
const Catalog = lazy(() => import('./pages/console/licenses/Catalog'));
const Monitoring = lazy(() => import('./pages/console/licenses/Monitoring'));
const CustomersList = lazy(() => import('./pages/console/customers/CustomersList'));
const CustomerCard = lazy(() => import('./pages/console/customers/CustomerCard'));
const SubscriptionsList = lazy(() => import('./pages/console/billing/SubscriptionsList'));
const SubscriptionDetail = lazy(() => import('./pages/console/billing/SubscriptionDetail'));
const InvoicesList = lazy(() => import('./pages/console/billing/InvoicesList'));
const InvoiceDetail = lazy(() => import('./pages/console/billing/InvoiceDetail'));
const PaymentsList = lazy(() => import('./pages/console/billing/PaymentsList'));
const PaymentDetail = lazy(() => import('./pages/console/billing/PaymentDetail'));
const BillingPlans = lazy(() => import('./pages/console/billing/Plans'));
const PaymentProviders = lazy(() => import('./pages/console/billing/Providers'));
const IntegrationKeys = lazy(() => import('./pages/console/billing/IntegrationKeys'));
const ActsList = lazy(() => import('./pages/console/billing/ActsList'));
const DunningRuns = lazy(() => import('./pages/console/billing/DunningRuns'));
const DunningRunDetail = lazy(() => import('./pages/console/billing/DunningRunDetail'));
const SellerRequisites = lazy(() => import('./pages/console/billing/SellerRequisites'));
const Releases = lazy(() => import('./pages/console/deploys/Releases'));
const Installations = lazy(() => import('./pages/console/deploys/Installations'));
const InstallationDetail = lazy(() => import('./pages/console/deploys/InstallationDetail'));
const DeployRuns = lazy(() => import('./pages/console/deploys/DeployRuns'));
const DeployRunDetail = lazy(() => import('./pages/console/deploys/DeployRunDetail'));

const Team = lazy(() => import('./pages/app/Team'));
const StaffAccess = lazy(() => import('./pages/app/StaffAccess'));
const AppLicenses = lazy(() => import('./pages/app/Licenses'));
const AppBilling = lazy(() => import('./pages/app/billing/Billing'));
const AppInvoice = lazy(() => import('./pages/app/billing/InvoicePage'));
const ConsoleNotifications = lazy(() => import('./pages/notifications/ConsoleNotifications'));
const CustomerNotifications = lazy(() => import('./pages/notifications/CustomerNotifications'));
const AppNotifications = lazy(() => import('./pages/notifications/AppNotifications'));
const FastleadWorkspaces = lazy(() => import('./pages/app/fastlead/Workspaces'));
const FastleadWorkspace = lazy(() => import('./pages/app/fastlead/WorkspaceLayout'));
const FastleadLeads = lazy(() => import('./pages/app/fastlead/LeadsList'));
const FastleadLead = lazy(() => import('./pages/app/fastlead/LeadCard'));
const FastleadDashboard = lazy(() => import('./pages/app/fastlead/Dashboard'));
const FastleadWidget = lazy(() => import('./pages/app/fastlead/WidgetConfigurator'));
const FastleadSettings = lazy(() => import('./pages/app/fastlead/WorkspaceSettings'));
const FastleadChannels = lazy(() => import('./pages/app/fastlead/Channels'));
const FastleadCalendar = lazy(() => import('./pages/app/fastlead/Calendar'));
const AppHome = lazy(() => import('./pages/app/onboarding/AppHome'));
const OnboardingWizard = lazy(() => import('./pages/app/onboarding/OnboardingWizard'));
const OnboardingDemo = lazy(() => import('./pages/app/onboarding/DemoPage'));

/** Pages reachable without a session, the same in both areas (sign-up and confirmation: app only). */
function publicPages(area: Area): RouteObject {
  return {
    element: <PublicLayout />,
    children: [
      { path: 'login', element: <SignIn area={area} /> },
      { path: 'password/forgot', element: <ForgotPassword area={area} /> },
      { path: 'password/reset', element: <ResetPassword area={area} /> },
      { path: 'invite/:token', element: <AcceptInvite area={area} /> },
      ...(area === 'app'
        ? [{ path: 'signup', element: <SignUp /> }, { path: 'confirm', element: <Confirm /> }]
        : []),
    ],
  };
}

export const routes: RouteObject[] = [
  {
    element: (
      <Suspense fallback={<PageSpin fullScreen />}>
        <Outlet />
      </Suspense>
    ),
    children: [
      { path: '/', element: <Navigate to="/app" replace /> },
      {
        path: '/console',
        children: [
          publicPages('console'),
          {
            element: <ConsoleLayout />,
            children: [
              { index: true, element: <Navigate to="dashboard" replace /> },
              { path: 'dashboard', element: <Dashboard /> },
              { path: 'staff', element: <StaffUsers /> },
              { path: 'access-grants', element: <AccessGrants /> },
              { path: 'audit', element: <AuditLog /> },
              { path: 'customers', element: <CustomersList /> },
              { path: 'customers/:orgId', element: <CustomerCard /> },
              { path: 'licenses', element: <LicensesList /> },
              { path: 'licenses/new', element: <LicenseWizard /> },
              { path: 'licenses/:licenseId', element: <LicenseDetail /> },
              { path: 'catalog', element: <Catalog /> },
              { path: 'monitoring', element: <Monitoring /> },
              { path: 'reports', element: <Reports /> },
              { path: 'billing', element: <Navigate to="subscriptions" replace /> },
              { path: 'billing/subscriptions', element: <SubscriptionsList /> },
              { path: 'billing/subscriptions/:subscriptionId', element: <SubscriptionDetail /> },
              { path: 'billing/invoices', element: <InvoicesList /> },
              { path: 'billing/invoices/:invoiceId', element: <InvoiceDetail /> },
              { path: 'billing/payments', element: <PaymentsList /> },
              { path: 'billing/payments/:provider/:paymentId', element: <PaymentDetail /> },
              { path: 'billing/plans', element: <BillingPlans /> },
              { path: 'billing/providers', element: <PaymentProviders /> },
              { path: 'billing/integrations', element: <IntegrationKeys /> },
              { path: 'billing/acts', element: <ActsList /> },
              { path: 'billing/dunning', element: <DunningRuns /> },
              { path: 'billing/dunning/:runId', element: <DunningRunDetail /> },
              { path: 'billing/seller', element: <SellerRequisites /> },
              { path: 'deploys', element: <Navigate to="installations" replace /> },
              { path: 'deploys/releases', element: <Releases /> },
              { path: 'deploys/installations', element: <Installations /> },
              { path: 'deploys/installations/:installationId', element: <InstallationDetail /> },
              { path: 'deploys/runs', element: <DeployRuns /> },
              { path: 'deploys/runs/:runId', element: <DeployRunDetail /> },
              { path: 'notifications', element: <ConsoleNotifications /> },
              { path: 'customers/:orgId/notifications', element: <CustomerNotifications /> },
              { path: 'profile', element: <Profile area="console" /> },
              { path: '*', element: <NotFound /> },
            ],
          },
        ],
      },
      {
        path: '/app',
        children: [
          publicPages('app'),
          {
            element: <AppLayout />,
            children: [
              { index: true, element: <AppHome /> },
              { path: 'team', element: <Team /> },
              { path: 'onboarding', element: <OnboardingWizard /> },
              { path: 'onboarding/demo/:workspaceId', element: <OnboardingDemo /> },
              { path: 'staff-access', element: <StaffAccess /> },
              { path: 'licenses', element: <AppLicenses /> },
              { path: 'billing', element: <AppBilling /> },
              // also the payment provider's return address (tessera.billing.checkout)
              { path: 'billing/invoices/:invoiceId', element: <AppInvoice /> },
              { path: 'notifications', element: <AppNotifications /> },
              { path: 'fastlead', element: <FastleadWorkspaces /> },
              {
                path: 'fastlead/:workspaceId',
                element: <FastleadWorkspace />,
                children: [
                  { index: true, element: <Navigate to="leads" replace /> },
                  { path: 'leads', element: <FastleadLeads /> },
                  { path: 'leads/:leadId', element: <FastleadLead /> },
                  { path: 'dashboard', element: <FastleadDashboard /> },
                  { path: 'widget', element: <FastleadWidget /> },
                  { path: 'channels', element: <FastleadChannels /> },
                  { path: 'calendar', element: <FastleadCalendar /> },
                  { path: 'settings', element: <FastleadSettings /> },
                ],
              },
              { path: 'profile', element: <Profile area="app" /> },
              { path: '*', element: <NotFound /> },
            ],
          },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];
