/** The actions the backend records today; the filter also takes any other name, or a prefix like `auth.*`. */
export const KNOWN_AUDIT_ACTIONS = [
  'auth.login', 'auth.login_failed', 'auth.logout', 'auth.logout_all', 'auth.mfa_enable', 'auth.mfa_disable',
  'auth.recovery_codes', 'auth.session_revoke', 'auth.password_reset_requested', 'auth.password_reset', 'auth.oidc_link',
  'user.register', 'user.confirm', 'user.update_profile', 'organization.create',
  'staff.bootstrap', 'staff.invite', 'staff.invite_accept', 'staff.update_roles', 'staff.deactivate', 'staff.reset_mfa',
  'team.invite', 'team.invite_accept', 'team.update_role', 'team.remove',
  'grant.create', 'grant.revoke', 'customer_data.read', 'audit.export', 'audit.verify',
  'customer.create', 'customer.update', 'customer.status', 'customer.export', 'customer.contacts_read', 'customer.contact_add',
  'customer.contact_update',
  'customer.contact_delete', 'customer.contract_add', 'customer.contract_update', 'customer.document_add', 'customer.document_store',
  'customer.document_link', 'customer.document_download', 'customer.document_delete', 'customer.note_add',
  'license.issue', 'license.renew', 'license.suspend', 'license.resume', 'license.revoke', 'license.send', 'license.activate',
  'license.payment_terms', 'license.key_read', 'license.key_reissue', 'payment.record', 'notify.preferences.update', 'notify.delivery.retry', 'sales_plan.set',
] as const;
