import i18next from 'i18next';

/**
 * One field error of a problem: where (`body.email`, `query.cursor`), what (the server's text) and a
 * stable code.
 */
export interface FieldError {
  loc: string;
  msg: string;
  code: string;
}

/** An RFC 9457 problem as the API sends it (application/problem+json), with our `code` and `errors`. */
interface Problem {
  type: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  instance?: string;
  errors?: FieldError[];
}

/**
 * Any failed API call: an RFC 9457 problem as the API sends it, API Gateway's own `{"message"}`
 * answers, or a network failure (status 0).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldError[];
  /** The request id to quote to support (500s). */
  readonly instance?: string;

  constructor(init: { status: number; type: string; code: string; detail: string; errors?: FieldError[]; instance?: string }) {
    super(init.detail || `${init.status} ${init.code}`);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.instance = init.instance;
  }

  static network(cause: unknown): ApiError {
    const error = new ApiError({ status: 0, type: 'network', code: 'network', detail: '' });
    (error as { cause?: unknown }).cause = cause;
    return error;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

const GATEWAY_CODES: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  429: 'rate-limited',
  500: 'internal',
  503: 'unavailable',
};

/**
 * A field error in the UI language. Where the server refuses with a reason code rather than a text for
 * people (the password policy, taken numbers, ranges), the SPA says it; any other message stays the
 * server's (already in the request's Accept-Language).
 */
function localized(error: FieldError): FieldError {
  const field = error.loc.split('.').at(-1);
  const msg = i18next.t([`fieldErrors.${field}.${error.code}`, `fieldErrors.${error.code}`], { defaultValue: error.msg });
  return { ...error, msg };
}

/** The ApiError of a failed answer from its status and body (parsed JSON, text, or nothing). */
export function problemFrom(status: number, body: unknown): ApiError {
  const fallbackCode = GATEWAY_CODES[status] ?? 'http-error';
  if (body && typeof body === 'object') {
    const problem = body as Partial<Problem> & { message?: string };
    if (typeof problem.type === 'string') {
      return new ApiError({
        status: problem.status ?? status,
        type: problem.type,
        code: problem.code ?? fallbackCode,
        detail: problem.detail ?? problem.title ?? '',
        errors: Array.isArray(problem.errors) ? problem.errors.map(localized) : [],
        instance: problem.instance,
      });
    }
    if (typeof problem.message === 'string') {
      return new ApiError({ status, type: 'gateway', code: fallbackCode, detail: problem.message });
    }
  }
  return new ApiError({ status, type: 'about:blank', code: fallbackCode, detail: '' });
}
