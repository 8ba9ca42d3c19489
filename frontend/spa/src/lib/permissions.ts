import type { Me } from '../api/auth';
import { CUSTOMER_ROLES, STAFF_ROLES } from '../api/enums';
import { useMe } from '../auth/session';

const ALL_STAFF = STAFF_ROLES;
const ALL_CUSTOMER = CUSTOMER_ROLES;

/**
 * The backend's permission table (layers/tessera/tessera/identity/roles.py, PERMISSIONS), every console and
 * app action, which the pages and the navigation use to hide or disable what a role may not do. The server
 * still decides (and support and developers reach a customer's data only through an access grant): this
 * only keeps people from menu items and buttons that would answer 403. tests/unit/test_spa_permissions.py
 * fails when a row here differs from the backend's or an action is missing.
 */
export const PERMISSIONS = {
  // staff management and access to customer data
  'console.staff.read': ['admin', 'auditor'],
  'console.staff.invite': ['admin'],
  'console.staff.update': ['admin'],
  'console.staff.deactivate': ['admin'],
  'console.staff.reset_mfa': ['admin'],
  'console.grants.read': ['admin', 'support', 'developer', 'auditor'],
  'console.grants.create': ['admin', 'support'],
  'console.grants.revoke': ['admin'],
  // customers
  'console.customers.team.read': ALL_STAFF,
  'console.customers.read': ALL_STAFF,
  'console.customers.create': ['admin', 'sales'],
  'console.customers.update': ['admin', 'sales'],
  'console.customers.status': ['admin', 'sales'],
  'console.customers.import': ['admin', 'sales'],
  'console.customers.export': ['admin', 'sales', 'implementation', 'support', 'billing', 'auditor'],
  'console.customers.contacts.write': ['admin', 'sales'],
  'console.customers.contracts.write': ['admin', 'sales'],
  'console.customers.documents.write': ['admin', 'sales'],
  'console.customers.documents.download': ['admin', 'sales', 'implementation', 'support', 'billing', 'auditor'],
  'console.customers.payments.record': ['admin', 'billing'],
  'console.customers.payments.terms': ['admin', 'sales', 'billing'],
  'console.customers.notes.write': ['admin', 'sales', 'implementation', 'support', 'billing'],
  // audit
  'console.audit.read': ['admin', 'auditor'],
  'console.audit.export': ['admin', 'auditor'],
  'console.audit.verify': ['admin', 'auditor'],
  // catalog, licenses, the licensing dashboard and reports
  'console.catalog.read': ALL_STAFF,
  'console.licenses.read': ALL_STAFF,
  'console.licenses.issue': ['admin', 'sales'],
  'console.licenses.renew': ['admin', 'sales'],
  'console.licenses.suspend': ['admin', 'sales'],
  'console.licenses.revoke': ['admin'],
  'console.licenses.download': ['admin', 'sales', 'implementation', 'support'],
  'console.licenses.reissue_key': ['admin', 'sales'],
  'console.licenses.send': ['admin', 'sales'],
  'console.licensing.dashboard': ALL_STAFF,
  'console.reports.read': ['admin', 'sales', 'billing', 'auditor'],
  'console.reports.plan': ['admin', 'sales'],
  // notifications
  'console.notifications.self.read': ALL_STAFF,
  'console.notifications.self.update': ['admin', 'sales', 'implementation', 'support', 'billing', 'developer'],
  'console.notifications.customer.read': ALL_STAFF,
  'console.notifications.customer.update': ['admin', 'sales'],
  'console.notifications.log.read': ALL_STAFF,
  'console.notifications.log.retry': ['admin', 'support'],
  // billing
  'console.billing.read': ['admin', 'billing', 'auditor'],
  'console.billing.seller': ['admin', 'billing'],  // the seller's requisites on documents
  'console.billing.mark_paid': ['admin', 'billing'],
  'console.deploys.read': ['admin', 'implementation', 'developer', 'auditor'],
  'console.deploys.run': ['admin', 'implementation', 'developer'],
  'console.integrations.read': ['admin', 'auditor'],
  'console.integrations.manage': ['admin'],
  'console.billing.providers': ['admin', 'billing'],
  'console.billing.refund': ['admin', 'billing'],
  'console.billing.export': ['admin', 'billing', 'auditor'],
  'console.billing.import': ['admin', 'billing'],
  'console.licenses.export': ['admin', 'sales', 'implementation', 'support', 'billing', 'auditor'],
  // the customer's app
  'app.team.read': ALL_CUSTOMER,
  'app.team.invite': ['owner', 'admin'],
  'app.team.update': ['owner', 'admin'],
  'app.team.remove': ['owner', 'admin'],
  'app.staff_access.read': ['owner', 'admin'],
  'app.licenses.read': ALL_CUSTOMER,
  'app.licenses.download': ['owner', 'admin', 'operator'],
  'app.licenses.key': ['owner', 'admin'],
  'app.notifications.read': ALL_CUSTOMER,
  'app.notifications.update': ['owner', 'admin'],
  'app.billing.read': ['owner', 'admin'],
  'app.billing.change': ['owner', 'admin'],
  'app.workspaces.read': ALL_CUSTOMER,
  'app.workspaces.create': ['owner', 'admin'],
  'app.workspaces.update': ['owner', 'admin'],
  'app.workspaces.archive': ['owner', 'admin'],
  'app.widget.read': ALL_CUSTOMER,
  'app.widget.update': ['owner', 'admin'],
  'app.widget.publish': ['owner', 'admin'],
  'app.leads.read': ALL_CUSTOMER,
  'app.leads.update': ['owner', 'admin', 'operator'],
  'app.analytics.read': ['owner', 'admin', 'analyst'],
  'app.analytics.alerts': ['owner', 'admin'],
  'app.exports.create': ['owner', 'admin', 'analyst'],
  'app.exports.read': ['owner', 'admin', 'analyst'],
  'app.onboarding.read': ALL_CUSTOMER,
  'app.onboarding.update': ['owner', 'admin'],
  'app.features.read': ALL_CUSTOMER,
} as const satisfies Record<string, readonly string[]>;

export type Action = keyof typeof PERMISSIONS;

/** Whether the signed-in user's roles allow `action` (staff actions for staff, app actions for customers). */
export function can(me: Me, action: Action): boolean {
  const area = action.startsWith('console.') ? 'staff' : 'customer';
  if (me.user.kind !== area) return false;
  // For a customer the token's roles are its roles in the current organization.
  const allowed: readonly string[] = PERMISSIONS[action];
  return me.roles.some((role) => allowed.includes(role));
}

export function useCan(): (action: Action) => boolean {
  const me = useMe();
  return (action) => can(me, action);
}
