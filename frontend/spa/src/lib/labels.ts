import { useTranslation } from 'react-i18next';
import type { UserKind } from '../api/auth';

/** Role and audit action names as people read them; an unknown name shows as it is. */
export function useLabels() {
  const { t } = useTranslation();
  return {
    role: (kind: UserKind, role: string) => t(`roles.${kind}.${role}`, { defaultValue: role }),
    /** Staff invites carry several roles: "admin,support". */
    roles: (kind: UserKind, roles: string) =>
      roles.split(',').filter(Boolean).map((role) => t(`roles.${kind}.${role}`, { defaultValue: role })).join(', '),
    auditAction: (action: string) => t(`auditAction.${action}`, { defaultValue: action }),
  };
}
