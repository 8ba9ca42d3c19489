import type { components } from './schema';

type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

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

/** Reads the error body of a failed response; never throws. */
export async function problemFromResponse(response: Response): Promise<ApiError> {
  const fallbackCode = GATEWAY_CODES[response.status] ?? 'http-error';
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object') {
    const problem = body as Partial<Problem> & { message?: string };
    if (typeof problem.type === 'string') {
      return new ApiError({
        status: problem.status ?? response.status,
        type: problem.type,
        code: problem.code ?? fallbackCode,
        detail: problem.detail ?? problem.title ?? '',
        errors: Array.isArray(problem.errors) ? problem.errors : [],
        instance: problem.instance,
      });
    }
    if (typeof problem.message === 'string') {
      return new ApiError({ status: response.status, type: 'gateway', code: fallbackCode, detail: problem.message });
    }
  }
  return new ApiError({ status: response.status, type: 'about:blank', code: fallbackCode, detail: '' });
}
