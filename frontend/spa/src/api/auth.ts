import type {
  AcceptInviteRequest, Audience, ConfirmAnswer, DisableTotpRequest, EnrollAnswer, EnrollRequest, Invite, LoginAnswer,
  LoginRequest, Me, MfaLoginRequest, Page, ProfileUpdate, RecoveryCodesAnswer, RecoveryCodesRequest, RegisterAnswer,
  RegisterRequest, Session, SignedIn, SwitchAnswer, SwitchRequest, VerifyTotpAnswer, VerifyTotpRequest,
} from './contract';
import { api, cancelScheduledRefresh, scheduleRefresh, type UnauthorizedPolicy } from './http';

/** Every sign-in answer starts the background refresh. */
function started<T extends LoginAnswer | VerifyTotpAnswer>(answer: T): T {
  if (answer.status === 'ok') scheduleRefresh((answer as SignedIn).expires_in);
  return answer;
}

const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body });

export const register = (body: RegisterRequest) => post<RegisterAnswer>('/api/auth/register', body);
export const confirmEmail = (token: string) => post<ConfirmAnswer>('/api/auth/confirm', { token });

export const login = async (body: LoginRequest) => started(await post<LoginAnswer>('/api/auth/login', body));
export const loginMfa = async (body: MfaLoginRequest) => started(await post<LoginAnswer>('/api/auth/login/mfa', body));

export async function logout(): Promise<void> {
  cancelScheduledRefresh();
  await post<void>('/api/auth/logout');
}

export async function logoutEverywhere(): Promise<void> {
  cancelScheduledRefresh();
  await post<void>('/api/auth/logout-all');
}

export const forgotPassword = (email: string) => post<void>('/api/auth/password/forgot', { email });
export const resetPassword = (token: string, password: string) =>
  post<void>('/api/auth/password/reset', { token, password });

/** The route guard asks with `refresh` so that it, not the API layer, decides where to go on 401. */
export async function fetchMe(unauthorized: UnauthorizedPolicy = 'redirect'): Promise<Me> {
  const me = await api<Me>('/api/auth/me', { unauthorized });
  if (me.access_expires_in) scheduleRefresh(me.access_expires_in);
  return me;
}
export const updateProfile = (body: ProfileUpdate) => api<Me>('/api/auth/me', { method: 'PATCH', body });

export async function switchMembership(body: SwitchRequest): Promise<SwitchAnswer> {
  const answer = await post<SwitchAnswer | undefined>('/api/auth/switch', body);
  if (answer?.expires_in) scheduleRefresh(answer.expires_in);
  return answer ?? {};
}

// Enrolment with an mfa_token happens before there is a session: a 401 is the answer, not expiry.
const mfaPolicy = (mfaToken?: string): UnauthorizedPolicy => (mfaToken ? 'none' : 'redirect');

export const enrollTotp = (body: EnrollRequest = {}) =>
  api<EnrollAnswer>('/api/auth/mfa/totp/enroll', { method: 'POST', body, unauthorized: mfaPolicy(body.mfa_token) });
export const verifyTotp = async (body: VerifyTotpRequest) =>
  started(await api<VerifyTotpAnswer>('/api/auth/mfa/totp/verify', {
    method: 'POST', body, unauthorized: mfaPolicy(body.mfa_token),
  }));
export const disableTotp = (body: DisableTotpRequest) => post<void>('/api/auth/mfa/totp/disable', body);
export const regenerateRecoveryCodes = (body: RecoveryCodesRequest) =>
  post<RecoveryCodesAnswer>('/api/auth/mfa/recovery-codes', body);

export const listSessions = () => api<Pick<Page<Session>, 'items'>>('/api/auth/sessions');
export const revokeSession = (sessionId: string) =>
  api<void>(`/api/auth/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' });

export const fetchInvite = (token: string) => api<Invite>(`/api/auth/invites/${encodeURIComponent(token)}`);
export const acceptInvite = async (token: string, body: AcceptInviteRequest) =>
  started(await post<LoginAnswer>(`/api/auth/invites/${encodeURIComponent(token)}/accept`, body));

export type OidcProvider = 'google' | 'yandex';

/** A plain link: the browser leaves for the provider and comes back to `return_to` signed in. */
export function oidcStartUrl(provider: OidcProvider, audience: Audience, returnTo: string): string {
  const query = new URLSearchParams({ audience, return_to: returnTo });
  return `/api/auth/oidc/${provider}/start?${query}`;
}
