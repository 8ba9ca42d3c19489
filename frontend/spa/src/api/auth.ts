import {
  answer, api, cancelScheduledRefresh, scheduleRefresh, whenUnauthorized, type Answer, type Body, type PathParams, type UnauthorizedPolicy,
} from './client';

export type Me = Answer<'/api/auth/me', 'get'>;
export type User = Me['user'];
export type UserKind = User['kind'];
export type Language = User['locale'];
export type Membership = Me['memberships'][number];
export type LoginAnswer = Answer<'/api/auth/login', 'post'>;
export type Audience = NonNullable<Body<'/api/auth/login', 'post'>['audience']>;
export type MfaLoginRequest = Body<'/api/auth/login/mfa', 'post'>;
/** With an mfa_token the answer also signs the user in (like a login that answers `ok`). */
export type VerifyTotpAnswer = Answer<'/api/auth/mfa/totp/verify', 'post'>;
export type EnrollAnswer = Answer<'/api/auth/mfa/totp/enroll', 'post'>;
export type Session = Answer<'/api/auth/sessions', 'get'>['items'][number];
export type Invite = Answer<'/api/auth/invites/{token}', 'get'>;
export type AcceptInviteRequest = Body<'/api/auth/invites/{token}/accept', 'post'>;
export type OidcProvider = PathParams<'/api/auth/oidc/{provider}/start', 'get'>['provider'];

/** Every sign-in answer starts the background refresh. */
function started<T extends { status: string; expires_in?: number | null }>(answer: T): T {
  if (answer.status === 'ok') scheduleRefresh(answer.expires_in);
  return answer;
}

export const register = (body: Body<'/api/auth/register', 'post'>) => answer(api.POST('/api/auth/register', { body }));
export const confirmEmail = (token: string) => answer(api.POST('/api/auth/confirm', { body: { token } }));

export const login = async (body: Body<'/api/auth/login', 'post'>) => started(await answer(api.POST('/api/auth/login', { body })));
export const loginMfa = async (body: MfaLoginRequest) => started(await answer(api.POST('/api/auth/login/mfa', { body })));

export async function logout(): Promise<void> {
  cancelScheduledRefresh();
  await answer(api.POST('/api/auth/logout'));
}

export async function logoutEverywhere(): Promise<void> {
  cancelScheduledRefresh();
  await answer(api.POST('/api/auth/logout-all'));
}

export const forgotPassword = (email: string) => answer(api.POST('/api/auth/password/forgot', { body: { email } }));
export const resetPassword = (token: string, password: string) =>
  answer(api.POST('/api/auth/password/reset', { body: { token, password } }));

/** The route guard asks with `refresh` so that it, not the API layer, decides where to go on 401. */
export async function fetchMe(unauthorized: UnauthorizedPolicy = 'redirect'): Promise<Me> {
  const me = await answer(api.GET('/api/auth/me', whenUnauthorized(unauthorized)));
  scheduleRefresh(me.access_expires_in);
  return me;
}
export const updateProfile = (body: Body<'/api/auth/me', 'patch'>) => answer(api.PATCH('/api/auth/me', { body }));

export async function switchMembership(body: Body<'/api/auth/switch', 'post'>): Promise<void> {
  const { expires_in } = await answer(api.POST('/api/auth/switch', { body }));
  scheduleRefresh(expires_in);
}

// Enrolment with an mfa_token happens before there is a session: a 401 is the answer, not expiry.
const mfaPolicy = (mfaToken?: string | null) => whenUnauthorized(mfaToken ? 'none' : 'redirect');

export const enrollTotp = (body: Body<'/api/auth/mfa/totp/enroll', 'post'> = {}) =>
  answer(api.POST('/api/auth/mfa/totp/enroll', { body, ...mfaPolicy(body.mfa_token) }));
export const verifyTotp = async (body: Body<'/api/auth/mfa/totp/verify', 'post'>) =>
  started(await answer(api.POST('/api/auth/mfa/totp/verify', { body, ...mfaPolicy(body.mfa_token) })));
export const disableTotp = (body: Body<'/api/auth/mfa/totp/disable', 'post'>) =>
  answer(api.POST('/api/auth/mfa/totp/disable', { body }));
export const regenerateRecoveryCodes = (body: Body<'/api/auth/mfa/recovery-codes', 'post'>) =>
  answer(api.POST('/api/auth/mfa/recovery-codes', { body }));

export const listSessions = () => answer(api.GET('/api/auth/sessions'));
export const revokeSession = (sessionId: string) =>
  answer(api.DELETE('/api/auth/sessions/{session_id}', { params: { path: { session_id: sessionId } } }));

export const fetchInvite = (token: string) => answer(api.GET('/api/auth/invites/{token}', { params: { path: { token } } }));
export const acceptInvite = async (token: string, body: AcceptInviteRequest) =>
  started(await answer(api.POST('/api/auth/invites/{token}/accept', { params: { path: { token } }, body })));

/** A plain link: the browser leaves for the provider and comes back to `return_to` signed in. */
export function oidcStartUrl(provider: OidcProvider, audience: Audience, returnTo: string): string {
  const query = new URLSearchParams({ audience, return_to: returnTo });
  return `/api/auth/oidc/${provider}/start?${query}`;
}
