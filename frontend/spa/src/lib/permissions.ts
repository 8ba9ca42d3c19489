import type { Me } from '../api/contract';
import { useMe } from '../auth/session';

const ALL_STAFF = ['admin', 'sales', 'implementation', 'support', 'billing', 'developer', 'auditor'] as const;
const ALL_CUSTOMER = ['owner', 'admin', 'operator', 'analyst'] as const;

/**
 * The rows of the backend's permission table (layers/tessera/tessera/identity/roles.py, PERMISSIONS)
 * that the pages use to hide or disable what a role may not do. The server still decides: this only
 * keeps people from buttons that would answer 403. tests/unit/test_spa_permissions.py fails when a row
 * here differs from the backend's.
 */
export const PERMISSIONS = {
  'console.catalog.read': ALL_STAFF,
  'console.licenses.read': ALL_STAFF,
  'console.licenses.issue': ['admin', 'sales'],
  'console.licenses.renew': ['admin', 'sales'],
  'console.licenses.suspend': ['admin', 'sales'],
  'console.licenses.revoke': ['admin'],
  'console.licenses.download': ['admin', 'sales', 'implementation', 'support'],
  'console.licenses.send': ['admin', 'sales'],
  'console.customers.read': ALL_STAFF,
  'console.customers.create': ['admin', 'sales'],
  'console.customers.update': ['admin', 'sales'],
  'console.customers.status': ['admin', 'sales'],
  'console.customers.import': ['admin', 'sales'],
  'console.customers.export': ['admin', 'sales', 'implementation', 'support', 'billing', 'auditor'],
  'console.customers.contacts.write': ['admin', 'sales'],
  'console.customers.documents.write': ['admin', 'sales'],
  'console.customers.documents.download': ['admin', 'sales', 'implementation', 'support', 'billing', 'auditor'],
  'console.customers.payments.record': ['admin', 'billing'],
  'console.customers.notes.write': ['admin', 'sales', 'implementation', 'support', 'billing'],
  'app.licenses.read': ALL_CUSTOMER,
  'app.licenses.download': ['owner', 'admin', 'operator'],
  'console.notifications.self.update': ['admin', 'sales', 'implementation', 'support', 'billing', 'developer'],
  'console.notifications.customer.update': ['admin', 'sales'],
  'console.notifications.log.retry': ['admin', 'support'],
  'app.notifications.update': ['owner', 'admin'],
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
