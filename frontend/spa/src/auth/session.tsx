import { createContext, useContext } from 'react';
import type { Me } from '../api/auth';

export const MeContext = createContext<Me | null>(null);

/** The signed-in user; only inside RequireSession, which renders nothing until `me` is known. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside RequireSession');
  return me;
}

export function hasStaffRole(me: Me, ...roles: string[]): boolean {
  return me.user.kind === 'staff' && roles.some((role) => me.roles.includes(role));
}

/** Staff admins cannot turn 2FA off: the server refuses, so the screen does not offer it. */
export function mfaIsMandatory(me: Me): boolean {
  return hasStaffRole(me, 'admin');
}

export function currentMembership(me: Me) {
  return me.memberships.find((m) => m.org_id === me.current.org_id);
}
