/**
 * The Node HTTP fuzzer: random and mutated requests against every operation of a service's OpenAPI
 * document, checking what issue 9 asks of bad input — no 5xx, no crash (the service keeps answering
 * /healthz), and every error `application/problem+json` with a catalogued `code` and the HTTP status.
 * Bounded by a number of requests or a time budget, so a short run fits in `npm test`.
 */
import { request, Agent } from 'node:http';
import fc from 'fast-check';
import { ERROR_CATALOGUE } from '../../lib/errors';
import { operationsOf, requestFor, type FuzzRequest, type RequestContext } from './request-arbitraries';

export interface HttpFuzzOptions extends Omit<RequestContext, 'doc'> {
  name: string;
  baseUrl: string;
  doc: unknown;
  /** Stop after this many requests or this many milliseconds, whichever comes first. */
  maxRequests: number;
  maxMs: number;
  concurrency?: number;
  seed?: number;
  timeoutMs?: number;
}

export interface Failure {
  kind: 'server_error' | 'not_problem_json' | 'bad_problem' | 'no_response' | 'service_down';
  operation: string;
  method: string;
  url: string;
  status?: number;
  detail: string;
  /** Enough of the request to replay it. */
  request: { headers: Record<string, string>; body?: string };
}

export interface HttpFuzzReport {
  target: string;
  seed: number;
  requests: number;
  operations: number;
  byStatus: Record<string, number>;
  byOperation: Record<string, number>;
  failures: Failure[];
  durationMs: number;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one request with node:http (no header filtering, unlike fetch) and reads the whole answer. */
export function send(baseUrl: string, r: Pick<FuzzRequest, 'method' | 'url' | 'headers' | 'body'>, agent: Agent, timeoutMs: number): Promise<Reply> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: r.method, path: r.url, headers: r.body !== undefined ? { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) } : r.headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // Exports stream; the first megabyte tells all a fuzzer needs.
        if (size < 1 << 20) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

/** The problems with one answer, against the rules of issue 9. */
export function judge(reply: Reply): { kind: Failure['kind']; detail: string } | undefined {
  const text = reply.body.toString('utf8', 0, Math.min(reply.body.length, 500));
  if (reply.status >= 500) return { kind: 'server_error', detail: `${reply.status}: ${text}` };
  if (reply.status < 400) return undefined;
  const type = String(reply.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) return { kind: 'not_problem_json', detail: `${reply.status} with content-type "${type}": ${text}` };
  let problem: { code?: unknown; status?: unknown; title?: unknown; detail?: unknown; errors?: unknown };
  try {
    problem = JSON.parse(reply.body.toString('utf8')) as typeof problem;
  } catch {
    return { kind: 'bad_problem', detail: `${reply.status} problem+json that is not JSON: ${text}` };
  }
  if (typeof problem.code !== 'string' || !(problem.code in ERROR_CATALOGUE)) return { kind: 'bad_problem', detail: `uncatalogued code ${JSON.stringify(problem.code)}` };
  if (problem.status !== reply.status) return { kind: 'bad_problem', detail: `body status ${String(problem.status)} ≠ HTTP ${reply.status}` };
  if (typeof problem.title !== 'string' || typeof problem.detail !== 'string') return { kind: 'bad_problem', detail: 'title or detail missing' };
  if (problem.errors !== undefined && (!Array.isArray(problem.errors) || problem.errors.some((e: { path?: unknown }) => typeof e?.path !== 'string'))) return { kind: 'bad_problem', detail: 'errors[] without a string path' };
  return undefined;
}

const clip = (b: string | Buffer | undefined): string | undefined => (b === undefined ? undefined : (typeof b === 'string' ? b : b.toString('base64')).slice(0, 2000));

/** Runs the fuzzer; never throws for what the target does, only reports it. */
export async function fuzzHttp(opts: HttpFuzzOptions): Promise<HttpFuzzReport> {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const ops = operationsOf(opts.doc);
  const ctx: RequestContext = { doc: opts.doc, token: opts.token, seedBodies: opts.seedBodies, extraQuery: opts.extraQuery };
  // Every operation equally often, each with its own stream of requests.
  const gen = fc.oneof(...ops.map((op) => requestFor(op, ctx)));
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 4 });
  const report: HttpFuzzReport = { target: opts.name, seed, requests: 0, operations: ops.length, byStatus: {}, byOperation: {}, failures: [], durationMs: 0 };
  const started = Date.now();
  const deadline = started + opts.maxMs;
  let batchNo = 0;
  const fail = (r: FuzzRequest, f: { kind: Failure['kind']; detail: string }, status?: number) => {
    if (report.failures.length < 200) report.failures.push({ ...f, operation: r.operation, method: r.method, url: r.url.slice(0, 500), ...(status !== undefined ? { status } : {}), request: { headers: r.headers, ...(r.body !== undefined ? { body: clip(r.body)! } : {}) } });
  };
  try {
    while (report.requests < opts.maxRequests && Date.now() < deadline) {
      const n = Math.min(opts.concurrency ?? 4, opts.maxRequests - report.requests);
      const batch = fc.sample(gen, { seed: seed + batchNo++, numRuns: n });
      await Promise.all(
        batch.map(async (r) => {
          report.requests++;
          report.byOperation[r.operation] = (report.byOperation[r.operation] ?? 0) + 1;
          try {
            const reply = await send(opts.baseUrl, r, agent, timeoutMs);
            report.byStatus[reply.status] = (report.byStatus[reply.status] ?? 0) + 1;
            const problem = judge(reply);
            if (problem) fail(r, problem, reply.status);
          } catch (err) {
            report.byStatus.none = (report.byStatus.none ?? 0) + 1;
            fail(r, { kind: 'no_response', detail: err instanceof Error ? err.message : String(err) });
          }
        }),
      );
      if (batchNo % 25 === 0) {
        const health = await send(opts.baseUrl, { method: 'GET', url: '/healthz', headers: {} }, agent, 5_000).catch((err: unknown) => ({ status: 0, body: Buffer.from(String(err)) }));
        if (health.status !== 200) {
          report.failures.push({ kind: 'service_down', operation: 'GET /healthz', method: 'GET', url: '/healthz', status: health.status, detail: health.body.toString().slice(0, 300), request: { headers: {} } });
          break;
        }
      }
    }
  } finally {
    agent.destroy();
    report.durationMs = Date.now() - started;
  }
  return report;
}
