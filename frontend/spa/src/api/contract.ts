/**
 * Request and response types of the identity, access-grant and audit routes, written from
 * docs/design/identity-api.md because those routes are not yet in docs/openapi.json.
 *
 * They will be replaced by `components['schemas'][…]` from the generated ./schema.d.ts once the
 * routes are there; every call goes through one module per area (auth, staff, grants, audit, team),
 * so the switch stays local to those modules.
 *
 * Where the design doc names a route but not the fields of its items (staff users, grants, audit
 * events, team members, staff access), the shapes follow the views the backend is being built with;
 * each such type says so.
 */

export type Language = 'ru' | 'en';
export type Audience = 'console' | 'app';
export type UserKind = 'staff' | 'customer';

export const STAFF_ROLES = ['admin', 'sales', 'implementation', 'support', 'billing', 'developer', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const CUSTOMER_ROLES = ['owner', 'admin', 'operator', 'analyst'] as const;
export type CustomerRole = (typeof CUSTOMER_ROLES)[number];

/** Every list: `{items, next_cursor}`; `limit` 1–100, default 25. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// --- sign-up, sign-in, session -------------------------------------------------------------------

export interface RegisterRequest {
  email: string;
  password: string;
  name: string;
  company?: string;
  locale?: Language;
}

export interface RegisterAnswer {
  user_id: string;
  status: 'pending_confirmation';
}

export interface TokenRequest {
  token: string;
}

export interface ConfirmAnswer {
  status: 'confirmed';
}

export interface User {
  id: string;
  email: string;
  name: string;
  locale: Language;
  mfa_enabled: boolean;
  kind: UserKind;
}

export interface LoginRequest {
  email: string;
  password: string;
  audience: Audience;
}

export interface SignedIn {
  status: 'ok';
  user: User;
  csrf_token: string;
  /** Seconds until the access token expires. */
  expires_in?: number;
}

export type LoginAnswer =
  | SignedIn
  | { status: 'mfa_required'; mfa_token: string }
  | { status: 'mfa_enrolment_required'; mfa_token: string };

export type MfaLoginRequest = { mfa_token: string; code: string } | { mfa_token: string; recovery_code: string };

export interface RefreshAnswer {
  expires_in: number;
  csrf_token: string;
}

export interface ForgotPasswordRequest {
  email: string;
}

export interface ResetPasswordRequest {
  token: string;
  password: string;
}

export interface Membership {
  org_id: string;
  org_name: string;
  workspace_id?: string | null;
  role: CustomerRole;
}

export interface Me {
  user: User;
  roles: string[];
  memberships: Membership[];
  current: { org_id: string | null; workspace_id?: string | null };
  /** Seconds until the access token ends, so a reloaded page can schedule its background refresh. */
  access_expires_in?: number | null;
}

/** PATCH /api/auth/me (name and language): implemented by the backend, not yet in the design doc. */
export interface ProfileUpdate {
  name?: string;
  locale?: Language;
}

export interface SwitchRequest {
  org_id: string;
  workspace_id?: string;
}

/** "A new access token for that membership": cookies, and when it expires. */
export interface SwitchAnswer {
  expires_in?: number;
}

// --- two-factor authentication -------------------------------------------------------------------

/** The mfa_token is present only while a staff admin enrols during their first sign-in. */
export interface EnrollRequest {
  mfa_token?: string;
}

export interface EnrollAnswer {
  secret: string;
  otpauth_uri: string;
  /** Not used: antd's QRCode renders otpauth_uri. */
  qr_svg?: string;
}

export interface VerifyTotpRequest {
  code: string;
  mfa_token?: string;
}

/** With an mfa_token the answer also signs the user in (like login `ok`). */
export type VerifyTotpAnswer = { recovery_codes: string[] } & Partial<SignedIn>;

export interface DisableTotpRequest {
  password: string;
  code: string;
}

export interface RecoveryCodesRequest {
  code: string;
}

export interface RecoveryCodesAnswer {
  recovery_codes: string[];
}

export interface Session {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

// --- invites -------------------------------------------------------------------------------------

export interface Invite {
  email: string;
  org_name?: string | null;
  role: string;
  kind: UserKind;
  expires_at: string;
  existing_user: boolean;
}

/** A new user sends name and password; an existing, signed-in user sends nothing. */
export interface AcceptInviteRequest {
  name?: string;
  password?: string;
}

// --- console: staff users (item fields follow the backend's StaffView) ---------------------------

export type StaffStatus = 'invited' | 'active' | 'deactivated';

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  roles: StaffRole[];
  status: StaffStatus;
  mfa_enabled: boolean;
  created_at: string;
  last_login_at: string | null;
}

export interface StaffQuery {
  q?: string;
  role?: StaffRole;
  cursor?: string;
  limit?: number;
}

export interface StaffInviteRequest {
  email: string;
  name?: string;
  roles: StaffRole[];
}

export interface StaffUpdateRequest {
  roles: StaffRole[];
}

// --- console: access grants (item fields follow the backend's GrantView) ------------------------

export type GrantScope = 'read' | 'write';

export interface GrantRequest {
  org_id: string;
  /** The staff user; support leaves it out to grant itself (read only). */
  grantee_id?: string;
  /** The reason, with the ticket number. */
  reason: string;
  scope: GrantScope;
  expires_at: string;
}

export interface AccessGrant {
  id: string;
  org_id: string;
  grantee_id: string;
  grantee_email?: string;
  granted_by?: string;
  reason: string;
  scope: GrantScope;
  created_at?: string;
  expires_at: string;
  revoked_at?: string | null;
  /** Neither revoked nor expired, as the server sees it. */
  active?: boolean;
}

// --- console: audit (fields follow the backend's AuditEvent and VerifyResult) --------------------

export interface AuditActor {
  id: string;
  kind: 'staff' | 'customer' | 'installation' | 'system';
  display: string | null;
  roles: string[];
}

export interface AuditEvent {
  id: string;
  /** The event's place in its chain (its organization's, or the platform's); null until it is chained, seconds after. */
  seq: number | null;
  at: string;
  actor: AuditActor;
  action: string;
  entity_type: string;
  entity_id: string;
  org_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** `{"a.b": [old, new]}` for every changed field; secrets show as "***". */
  diff: Record<string, [unknown, unknown]>;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditFilters {
  actor?: string;
  entity?: string;
  action?: string;
  /** Inclusive dates, YYYY-MM-DD. */
  from?: string;
  to?: string;
}

export interface AuditVerifyResult {
  valid: boolean;
  checked: number;
  /** The chain where the problem is: an organization's id, or "platform". */
  chain: string | null;
  first_bad_seq: number | null;
  code: 'ok' | 'hash_mismatch' | 'seq_gap' | 'head_mismatch' | 'checkpoint_mismatch' | 'checkpoint_invalid' | 'unchained';
  detail: string;
}

/** A verification runs as a job: POST starts it, GET follows its progress until it is done. */
export interface AuditVerifyJob {
  id: string;
  status: 'queued' | 'running' | 'done';
  full: boolean;
  created_at: string;
  updated_at: string;
  progress: { checked: number; chains_done: number; chain: string | null; day: string | null };
  result: AuditVerifyResult | null;
}

// --- app: team (fields follow the backend's MemberView) ------------------------------------------

export interface Member {
  /** The membership id, also for a pending invite (which has no user yet). */
  id: string;
  user_id: string | null;
  email: string;
  name: string;
  role: CustomerRole;
  status: 'invited' | 'active';
  created_at: string;
}

export interface TeamInviteRequest {
  email: string;
  role: CustomerRole;
}

export interface TeamUpdateRequest {
  role: CustomerRole;
}

/** One staff access to the organization's data: who, when, what and why (the backend's StaffAccessView). */
export interface StaffAccessEntry {
  at: string;
  /** The staff member as the customer may see them. */
  staff: string;
  action: string;
  reason: string | null;
}
