/**
 * WebSocket frame fuzzing of the console's live feed (`/api/v1/live`): garbage, huge, binary, invalid
 * UTF-8 and fragmented frames, bad JSON, bad subscriptions and filters, forged and hostile cursors, bad
 * tokens at the upgrade. The feed must answer each bad frame with an `error` frame (a `code`) or close with a
 * clear close code, keep answering `ping` on a connection it kept, and stay up for the next client.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import WebSocket from 'ws';

export interface WsFuzzOptions {
  wsUrl: string;
  httpUrl: string;
  token: () => string;
  maxSessions: number;
  maxMs: number;
  framesPerSession?: number;
  seed?: number;
}

export interface WsFailure {
  kind: 'no_answer' | 'bad_frame' | 'unclear_close' | 'upgrade_error' | 'ping_unanswered' | 'service_down';
  detail: string;
  frames: string[];
}

export interface WsFuzzReport {
  target: string;
  seed: number;
  sessions: number;
  frames: number;
  upgrades: number;
  serverFrames: Record<string, number>;
  closeCodes: Record<string, number>;
  failures: WsFailure[];
  durationMs: number;
}

/** Close codes that say why: protocol (1002), invalid UTF-8 (1007), policy (1008), too big (1009), the feed's own 4xxx. */
const CLEAR_CLOSE = (code: number) => code === 1002 || code === 1007 || code === 1008 || code === 1009 || (code >= 4000 && code < 5000);

type Frame = { data: string | Buffer; binary: boolean; fragmented?: boolean; label: string };

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const cursorArb = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom('h:0', 'u:0', 'h:1', 'h:99999', 'x:1', 'h:-1', 'h:00001', '__proto__'), fc.string({ maxLength: 8 })), fc.oneof(fc.constantFrom('0', '1', '9223372036854775807', '9999999999999999999', '-1', '01', '1e3', ''), fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String)), { maxKeys: 5 }).map(b64),
  fc.jsonValue({ maxDepth: 2 }).map(b64),
  fc.string({ maxLength: 100 }),
  fc.constantFrom('', '=', 'e30', 'bnVsbA', 'x'.repeat(8193), '%%%', '\u0000'),
);
const filterArb = fc.oneof(
  fc.record({ severities: fc.array(fc.constantFrom('critical', 'high', 'medium', 'low', 'bogus'), { maxLength: 6 }), categories: fc.array(fc.string({ maxLength: 70 }), { maxLength: 60 }), checkpointIds: fc.array(fc.string({ maxLength: 45 }), { maxLength: 5 }), jurisdiction: fc.constantFrom('140882', '530600', '000000', '1', 'abc') }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 2 }),
);
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('subscribe'), filter: filterArb, resumeFrom: cursorArb }, { requiredKeys: ['op'] }).map((f) => ({ data: JSON.stringify(f), binary: false, label: 'subscribe' })) },
  { weight: 1, arbitrary: fc.constant({ data: '{"op":"ping"}', binary: false, label: 'ping' }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ data: JSON.stringify(v) ?? 'null', binary: false, label: 'json' })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((s) => ({ data: s, binary: false, label: 'text' })) },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"op":', '{"op":"subscribe","filter":', 'null', '[]', '{"op":"subscribe","__proto__":{"x":1}}', '{"op":"unsubscribe"}', '{"op":"ping","x":1}').map((s) => ({ data: s, binary: false, label: 'bad json' })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => ({ data: Buffer.from(b), binary: true, label: 'binary' })) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0xfe, 0xfd])).map((b) => ({ data: b, binary: false, label: 'invalid utf-8' })) },
  { weight: 1, arbitrary: fc.constantFrom(65 * 1024, 200 * 1024, 1024 * 1024).map((n) => ({ data: `{"op":"subscribe","filter":{},"resumeFrom":"${'A'.repeat(n)}"}`, binary: false, label: `huge ${n}` })) },
  { weight: 1, arbitrary: fc.constant({ data: '{"op":"ping"}', binary: false, fragmented: true, label: 'fragmented' }) },
);

/** Undefined when /healthz answers 200, else what it answered. */
function unhealthy(httpUrl: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(`${httpUrl}/healthz`, { timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`);
    });
    req.on('error', (err) => resolve(err.message));
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.end();
  });
}

/** Opens the feed; the HTTP status when the upgrade is refused. */
function open(url: string): Promise<{ ws?: WebSocket; status?: number; type?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: 10_000 });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (req, res) => {
      resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? '') });
      req.destroy();
    });
    ws.once('error', () => resolve({ status: 0 }));
  });
}

export async function fuzzWebSocket(opts: WsFuzzOptions): Promise<WsFuzzReport> {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const per = opts.framesPerSession ?? 8;
  const report: WsFuzzReport = { target: 'console /api/v1/live', seed, sessions: 0, frames: 0, upgrades: 0, serverFrames: {}, closeCodes: {}, failures: [], durationMs: 0 };
  const started = Date.now();
  const fail = (f: WsFailure) => void (report.failures.length < 100 && report.failures.push(f));
  const sessionArb = fc.tuple(fc.array(frameArb, { minLength: 1, maxLength: per }), fc.oneof({ weight: 9, arbitrary: fc.constant('good') }, { weight: 1, arbitrary: fc.constantFrom('none', 'garbage', 'forged', 'long') }));
  // Drawn a few at a time: huge frames are megabytes each.
  function* sessions(): Generator<[Frame[], string]> {
    for (let chunk = 0; chunk * 10 < opts.maxSessions; chunk++) yield* fc.sample(sessionArb, { seed: seed + chunk, numRuns: Math.min(10, opts.maxSessions - chunk * 10) });
  }
  for (const [frames, auth] of sessions()) {
    if (Date.now() - started > opts.maxMs) break;
    report.sessions++;
    report.upgrades++;
    const token = opts.token();
    const q = auth === 'good' ? `?token=${encodeURIComponent(token)}` : auth === 'none' ? '' : auth === 'garbage' ? '?token=%00%ZZ' : auth === 'forged' ? `?token=${encodeURIComponent(token.slice(0, -4) + 'AAAA')}` : `?token=${'x'.repeat(5000)}`;
    const { ws, status, type } = await open(`${opts.wsUrl}/api/v1/live${q}`);
    if (!ws) {
      if (auth === 'good' || !status || status >= 500 || !type?.startsWith('application/problem+json')) fail({ kind: 'upgrade_error', detail: `upgrade with ${auth} token answered ${status} (${type})`, frames: [] });
      continue;
    }
    if (auth !== 'good') fail({ kind: 'upgrade_error', detail: `upgrade with ${auth} token was accepted`, frames: [] });
    const got: Array<{ type?: string; code?: string }> = [];
    let closed: { code: number; reason: string } | undefined;
    ws.on('message', (raw: Buffer) => {
      let f: { type?: string; code?: string };
      try {
        f = JSON.parse(raw.toString('utf8')) as { type?: string };
      } catch {
        fail({ kind: 'bad_frame', detail: `server sent a frame that is not JSON: ${raw.toString('utf8').slice(0, 200)}`, frames: [] });
        return;
      }
      report.serverFrames[f.type ?? '?'] = (report.serverFrames[f.type ?? '?'] ?? 0) + 1;
      got.push(f);
    });
    const closedP = new Promise<void>((r) => ws.on('close', (code, reason) => ((closed = { code, reason: reason.toString() }), r())));
    ws.on('error', () => undefined);
    const sent: string[] = [];
    for (const f of frames) {
      if (closed) break;
      report.frames++;
      sent.push(`${f.label}: ${(typeof f.data === 'string' ? f.data : f.data.toString('hex')).slice(0, 120)}`);
      const before = got.length;
      if (f.fragmented) {
        ws.send('{"op":', { fin: false });
        ws.send('"ping"}', { fin: true });
      } else ws.send(f.data, { binary: f.binary });
      // Every frame gets an answer (error, subscribed, heartbeat) or a close with a clear code.
      const deadline = Date.now() + 10_000;
      while (got.length === before && !closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      if (!closed && got.length === before) fail({ kind: 'no_answer', detail: `no answer within 10 s to ${f.label}`, frames: [...sent] });
      const last = got[got.length - 1];
      if (last?.type === 'error' && typeof last.code !== 'string') fail({ kind: 'bad_frame', detail: 'error frame without a code', frames: [...sent] });
    }
    if (!closed) {
      const before = got.filter((g) => g.type === 'heartbeat').length;
      ws.send('{"op":"ping"}');
      const deadline = Date.now() + 10_000;
      while (!closed && got.filter((g) => g.type === 'heartbeat').length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      if (!closed && got.filter((g) => g.type === 'heartbeat').length === before) fail({ kind: 'ping_unanswered', detail: 'a kept connection no longer answers ping', frames: sent });
      ws.close(1000);
      await Promise.race([closedP, new Promise((r) => setTimeout(r, 5000))]);
      ws.terminate();
    } else {
      report.closeCodes[closed.code] = (report.closeCodes[closed.code] ?? 0) + 1;
      if (!CLEAR_CLOSE(closed.code)) fail({ kind: 'unclear_close', detail: `closed ${closed.code} ${closed.reason}`, frames: sent });
    }
    const down = report.sessions % 20 === 0 ? await unhealthy(opts.httpUrl) : undefined;
    if (down) {
      fail({ kind: 'service_down', detail: `/healthz: ${down}`, frames: sent });
      break;
    }
  }
  const down = await unhealthy(opts.httpUrl);
  if (down) fail({ kind: 'service_down', detail: `/healthz at the end: ${down}`, frames: [] });
  report.durationMs = Date.now() - started;
  return report;
}
