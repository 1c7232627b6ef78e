// Calls to the console API (`/api/v1/…`): bearer token, JSON in and out, and every failure turned into
// an ApiError carrying the problem+json fields (RFC 9457) so views can show the server's own words.
import { h } from './dom.js';
import { t } from './i18n.js';
import { token } from './session.js';

/** A failed call: `status` 0 means the server was not reached. */
export class ApiError extends Error {
  constructor(problem, cause) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`, cause ? { cause } : undefined);
    this.name = 'ApiError';
    this.status = problem.status ?? 0;
    this.code = problem.code ?? (this.status === 0 ? 'network' : 'http_error');
    this.title = problem.title ?? '';
    this.detail = problem.detail ?? '';
    this.retriable = problem.retriable ?? this.status === 0;
    this.errors = Array.isArray(problem.errors) ? problem.errors.filter((e) => e && typeof e.message === 'string') : [];
  }
}

/** `{a: 1, b: undefined, c: ['x','y']}` → `?a=1&c=x,y` (lists comma-separated, as the API reads them). */
export function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function problemFrom(res) {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = await res.json();
      if (body && typeof body === 'object') return { status: res.status, ...body };
    } catch {
      // Fall through to the status line.
    }
  }
  return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

/**
 * Creates the API client. `request(path, {method, body, query, raw, contentType})`: `body` is sent as JSON
 * unless `raw` (a File/Blob/string) is given with its `contentType`. Resolves to the parsed JSON (null for 204).
 * A 401 calls `onUnauthenticated` (the token expired or was revoked) before rejecting.
 */
export function createApi({ fetchImpl = (...a) => globalThis.fetch(...a), getToken, onUnauthenticated = () => {} }) {
  async function request(path, opts = {}) {
    const headers = { accept: 'application/json, application/problem+json' };
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    let body;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    let res;
    try {
      res = await fetchImpl(path + queryString(opts.query), { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: opts.signal });
    } catch (cause) {
      if (cause?.name === 'AbortError') throw cause;
      throw new ApiError({ status: 0, code: 'network', title: t('error.network'), detail: t('error.networkDetail') }, cause);
    }
    if (res.status === 204) return null;
    if (!res.ok) {
      const problem = await problemFrom(res);
      if (res.status === 401) onUnauthenticated(problem);
      throw new ApiError(problem);
    }
    return res.json();
  }
  return { request };
}

/** Field messages by JSON pointer (`/key`, `/attributes/chemical`) from a validation problem. */
export function fieldErrors(err) {
  const out = new Map();
  for (const e of err?.errors ?? []) {
    const path = typeof e.path === 'string' ? e.path : '';
    out.set(path, out.has(path) ? `${out.get(path)}; ${e.message}` : e.message);
  }
  return out;
}

/** One line for a person to read: the server's detail, or its title, or what went wrong locally. */
export function problemText(err) {
  if (err instanceof ApiError) {
    const head = err.title && err.detail && err.title !== err.detail ? `${err.title}: ${err.detail}` : err.detail || err.title;
    return head || `HTTP ${err.status}`;
  }
  return err?.message ? String(err.message) : t('error.unknown');
}

/** An alert box showing a problem and its field errors (`errors`: only those not shown beside their fields). */
export function problemBox(err, { testid = 'problem', errors = err?.errors ?? [] } = {}) {
  const rest = errors;
  return h(
    'div',
    { class: 'problem', role: 'alert', testid, dataset: { code: err?.code ?? 'error', status: err?.status ?? '' } },
    h('strong', {}, problemText(err)),
    err?.code && err.code !== 'network' ? h('span', { class: 'problem-code' }, ` [${err.code}]`) : null,
    rest.length ? h('ul', {}, rest.map((e) => h('li', {}, h('code', {}, e.path || '/'), ' ', e.message))) : null,
  );
}

let unauthenticatedHandler = () => {};

/** What the app does when a call comes back 401 (sign out, show the login). */
export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn;
}

/** The app's client: the tab's session token. */
export const api = createApi({ getToken: token, onUnauthenticated: (problem) => unauthenticatedHandler(problem) });
