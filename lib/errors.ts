/**
 * The error catalogue: every error a client can see has a stable code, an HTTP status and whether
 * retrying can succeed. Services throw `AppError`s; one handler per HTTP service renders them as
 * RFC 9457 problem+json.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, retriable: false, title: 'The request is not valid' },
  malformed_json: { status: 400, retriable: false, title: 'The body is not valid JSON' },
  unsupported_media_type: { status: 415, retriable: false, title: 'Unsupported content type' },
  payload_too_large: { status: 413, retriable: false, title: 'The body is too large' },
  unauthenticated: { status: 401, retriable: false, title: 'Authentication required' },
  invalid_credentials: { status: 401, retriable: false, title: 'Wrong username or password' },
  token_invalid: { status: 401, retriable: false, title: 'The token is invalid or expired' },
  forbidden: { status: 403, retriable: false, title: 'Not allowed for this account' },
  out_of_scope: { status: 403, retriable: false, title: 'Outside the jurisdiction of this account' },
  grant_required: { status: 403, retriable: false, title: 'Searching outside your jurisdiction needs a grant for a case' },
  grant_invalid: { status: 403, retriable: false, title: 'The grant does not cover this search (expired, revoked, another user or jurisdiction)' },
  purpose_required: { status: 400, retriable: false, title: 'A purpose or case number is required' },
  not_found: { status: 404, retriable: false, title: 'Not found' },
  route_not_found: { status: 404, retriable: false, title: 'No such endpoint' },
  method_not_allowed: { status: 405, retriable: false, title: 'Method not allowed' },
  uri_too_long: { status: 414, retriable: false, title: 'A path segment is too long' },
  request_timeout: { status: 408, retriable: true, title: 'The request did not arrive in time' },
  headers_too_large: { status: 431, retriable: false, title: 'The request headers are too large' },
  malformed_request: { status: 400, retriable: false, title: 'The request is not valid HTTP' },
  expectation_failed: { status: 417, retriable: false, title: 'Only "Expect: 100-continue" is supported' },
  event_id_conflict: { status: 409, retriable: false, title: 'This eventId was already accepted with a different body' },
  account_exists: { status: 409, retriable: false, title: 'An account with this username exists' },
  version_conflict: { status: 409, retriable: false, title: 'The resource changed since you read it' },
  invalid_transition: { status: 409, retriable: false, title: 'That action is not possible in the current state' },
  account_locked: { status: 423, retriable: true, title: 'Too many failed logins; try again later' },
  rate_limited: { status: 429, retriable: true, title: 'Too many requests' },
  overloaded: { status: 503, retriable: true, title: 'Too much work in flight; retry shortly' },
  kafka_unavailable: { status: 503, retriable: true, title: 'The event log is unreachable; nothing was accepted' },
  search_unavailable: { status: 503, retriable: true, title: 'Search is temporarily unavailable' },
  not_ready: { status: 503, retriable: true, title: 'The service is starting' },
  internal: { status: 500, retriable: true, title: 'Internal error' },
} as const satisfies Record<string, { status: number; retriable: boolean; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  /** JSON pointer into the request body, e.g. `/vehicle/plate`; `` for the whole body. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly retriable: boolean;
  readonly errors?: FieldError[];
  readonly retryAfterSeconds?: number;
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    opts: { cause?: unknown; errors?: FieldError[]; retryAfterSeconds?: number; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title, { cause: opts.cause });
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
    this.retriable = ERROR_CATALOGUE[code].retriable;
    if (opts.errors) this.errors = opts.errors;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
    if (opts.extra) this.extra = opts.extra;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  retriable: boolean;
  instance?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

/** Renders an AppError as problem+json; anything else becomes a generic 500 with no internals. */
export function toProblem(err: unknown, instance?: string): Problem {
  const app = err instanceof AppError ? err : new AppError('internal', 'An unexpected error occurred; it has been logged.');
  const def = ERROR_CATALOGUE[app.code];
  const problem: Problem = {
    type: `https://checkpoint.example/problems/${app.code.replaceAll('_', '-')}`,
    title: def.title,
    status: def.status,
    code: app.code,
    detail: app.message,
    retriable: def.retriable,
    ...(app.extra ?? {}),
  };
  if (instance) problem.instance = instance;
  if (app.errors) problem.errors = app.errors;
  return problem;
}
