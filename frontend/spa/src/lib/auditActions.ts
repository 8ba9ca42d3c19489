/** The actions the backend records today; the filter also takes any other name, or a prefix like `auth.*`. */
export const KNOWN_AUDIT_ACTIONS = [
  'auth.login', 'auth.login_failed', 'auth.logout', 'auth.logout_all', 'auth.mfa_enable', 'auth.mfa_disable',
  'auth.recovery_codes', 'auth.session_revoke', 'auth.password_reset_requested', 'auth.password_reset', 'auth.oidc_link',
  'user.register', 'user.confirm', 'user.update_profile', 'organization.create',
  'staff.bootstrap', 'staff.invite', 'staff.invite_accept', 'staff.update_roles', 'staff.deactivate', 'staff.reset_mfa',
  'team.invite', 'team.invite_accept', 'team.update_role', 'team.remove',
  'grant.create', 'grant.revoke', 'customer_data.read', 'audit.export', 'audit.verify',
] as const;
