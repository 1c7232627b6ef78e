import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import WebSocket from 'ws';
import { createRandom, inspection } from '../scripts/simulator/generate';
import { describeMachine, percentiles } from './machine';

/**
 * End-to-end figures through the public APIs of a running system (`npm start` first):
 *  - sustained events/s accepted via batch and via single requests,
 *  - time-to-alert (202 accepted → hit frame on the console WebSocket) at a fixed rate, for planted hits,
 *  - time-to-searchable (202 → found by `POST /api/v1/search`).
 *   npx tsx bench/e2e.bench.ts [--quick] [--gateway http://127.0.0.1:8080] [--console http://127.0.0.1:8090]
 */
const argv = process.argv.slice(2);
const opt = (n: string, d: string) => (argv.includes(`--${n}`) ? argv[argv.indexOf(`--${n}`) + 1]! : d);
const quick = argv.includes('--quick');
const GATEWAY = opt('gateway', 'http://127.0.0.1:8080');
const CONSOLE = opt('console', 'http://127.0.0.1:8090');
const RULES = opt('rules', 'http://127.0.0.1:8081');

/** Waits until the rules service stops moving (its backlog from the previous phase is judged). */
async function drain(): Promise<number> {
  const t = performance.now();
  let last = -1;
  let still = 0;
  while (performance.now() - t < 180_000) {
    const res = await fetch(`${RULES}/api/v1/rules/stats`).then((r) => r.json() as Promise<{ events: number }>).catch(() => ({ events: -2 }));
    still = res.events === last ? still + 1 : 0;
    last = res.events;
    if (still >= 3) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return (performance.now() - t) / 1000;
}
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const say = (m: string) => process.stderr.write(`${m}\n`);
const r = createRandom(42);

function post(base: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  const data = Buffer.from(JSON.stringify(body));
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length, ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

interface User { username: string; password: string; role: string; checkpointId?: string; jurisdiction: string }
async function login(u: User, base = GATEWAY): Promise<string> {
  const res = await post(base, '/api/v1/auth/token', { username: u.username, password: u.password });
  if (res.status !== 200) throw new Error(`login ${u.username}: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { token: string }).token;
}

async function main(): Promise<void> {
  if (!existsSync('demo-credentials.json')) throw new Error('run `npm start` first (demo mode writes demo-credentials.json)');
  const users = (JSON.parse(readFileSync('demo-credentials.json', 'utf8')) as { users: User[] }).users;
  const officers = await Promise.all(users.filter((u) => u.role === 'officer').map(async (u) => ({ ...u, token: await login(u) })));
  const commander = users.find((u) => u.role === 'commander' && u.jurisdiction === '140000') ?? users.find((u) => u.role === 'admin')!;
  const watch = readFileSync('infra/demo/watchlist.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; key: string; category: string });
  const fugitive = watch.find((w) => w.category === 'fugitive')!.key;

  // 1. Batch throughput.
  const batchSeconds = quick ? 10 : 30;
  say(`batch: ${batchSeconds} s of 1,000-event batches from ${officers.length} terminals`);
  let accepted = 0;
  let t0 = performance.now();
  await Promise.all(
    officers.map(async (o) => {
      while (performance.now() - t0 < batchSeconds * 1000) {
        const events = Array.from({ length: 1000 }, () => inspection(r, { checkpointId: o.checkpointId!, jurisdiction: o.jurisdiction }, new Date()));
        const res = await post(GATEWAY, '/api/v1/events/batch', { events }, o.token);
        if (res.status === 202) accepted += (JSON.parse(res.body) as { accepted: number }).accepted;
      }
    }),
  );
  const batchEventsPerSec = accepted / ((performance.now() - t0) / 1000);
  say(`  ${Math.round(batchEventsPerSec)} events/s accepted`);

  // 2. Single-request throughput.
  const singleSeconds = quick ? 10 : 30;
  say(`single: ${singleSeconds} s, 64 concurrent requests`);
  accepted = 0;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async (_, i) => {
      const o = officers[i % officers.length]!;
      while (performance.now() - t0 < singleSeconds * 1000) {
        const res = await post(GATEWAY, '/api/v1/events', inspection(r, { checkpointId: o.checkpointId!, jurisdiction: o.jurisdiction }, new Date()), o.token);
        if (res.status === 202) accepted++;
      }
    }),
  );
  const singleEventsPerSec = accepted / ((performance.now() - t0) / 1000);
  say(`  ${Math.round(singleEventsPerSec)} events/s accepted`);

  say(`draining: rules caught up after ${(await drain()).toFixed(1)} s`);

  // 3. Time to alert at a fixed 1,000 events/s with planted hits (a fugitive driving), over the console WebSocket.
  const token = await login(commander, CONSOLE);
  const ws = new WebSocket(`${CONSOLE.replace('http', 'ws')}/api/v1/live?token=${encodeURIComponent(token)}`);
  await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
  ws.send(JSON.stringify({ op: 'subscribe', filter: {} }));
  const acceptedAt = new Map<string, number>();
  const alertMs: number[] = [];
  ws.on('message', (raw: Buffer) => {
    const f = JSON.parse(raw.toString()) as { type: string; hit?: { evidence: Array<{ eventId: string }> } };
    // Repeats inside a cool-down update one hit, so a planted event may arrive as `hit.updated`.
    if ((f.type !== 'hit' && f.type !== 'hit.updated') || !f.hit) return;
    for (const e of f.hit.evidence) {
      const at = acceptedAt.get(e.eventId);
      if (at !== undefined) {
        alertMs.push(performance.now() - at);
        acceptedAt.delete(e.eventId);
      }
    }
  });
  const rateSeconds = quick ? 10 : 30;
  say(`time-to-alert: ${rateSeconds} s at 1,000 events/s, 1 in 50 a planted fugitive`);
  t0 = performance.now();
  let sent = 0;
  const inflight: Promise<unknown>[] = [];
  while (performance.now() - t0 < rateSeconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * 1000);
    for (; sent < due; sent++) {
      const o = officers[sent % officers.length]!;
      const planted = sent % 50 === 0;
      const ev = inspection(r, { checkpointId: o.checkpointId!, jurisdiction: o.jurisdiction }, new Date(), planted ? { driver: { idNumber: fugitive } } : {});
      inflight.push(
        post(GATEWAY, '/api/v1/events', ev, o.token).then((res) => {
          if (planted && res.status === 202) acceptedAt.set(ev.eventId, performance.now());
        }),
      );
    }
    await new Promise((res) => setTimeout(res, 2));
  }
  await Promise.all(inflight);
  await new Promise((res) => setTimeout(res, 3000));
  ws.close();
  const alert = percentiles(alertMs);
  say(`  p50 ${alert.p50} ms · p95 ${alert.p95} · p99 ${alert.p99} (${alert.n} alerts, ${acceptedAt.size} missing)`);

  // 4. Time to searchable, for events inside the investigator's jurisdiction.
  say(`draining: rules caught up after ${(await drain()).toFixed(1)} s`);
  const searchMs: number[] = [];
  const investigator = users.find((u) => u.role === 'investigator')!;
  const inScope = officers.filter((o) => o.jurisdiction.startsWith(investigator.jurisdiction.slice(0, 2)));
  const itoken = await login(investigator, CONSOLE);
  for (let i = 0; i < (quick ? 10 : 30); i++) {
    const o = inScope[i % inScope.length]!;
    const ev = inspection(r, { checkpointId: o.checkpointId!, jurisdiction: o.jurisdiction }, new Date());
    const res = await post(GATEWAY, '/api/v1/events', ev, o.token);
    const at = performance.now();
    if (res.status !== 202) continue;
    for (;;) {
      const s = await post(CONSOLE, '/api/v1/search', { plate: ev.vehicle.plate, purpose: 'benchmark time-to-searchable' }, itoken);
      if (s.status === 200 && (JSON.parse(s.body) as { items: Array<{ eventId: string }> }).items.some((x) => x.eventId === ev.eventId)) break;
      if (performance.now() - at > 30_000) break;
      await new Promise((res2) => setTimeout(res2, 20));
    }
    searchMs.push(performance.now() - at);
  }
  const searchable = percentiles(searchMs);

  const result = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    mode: quick ? 'quick' : 'full',
    endToEnd: { batchEventsPerSec: Math.round(batchEventsPerSec), singleEventsPerSec: Math.round(singleEventsPerSec) },
    timeToAlert: { p50Ms: alert.p50, p95Ms: alert.p95, p99Ms: alert.p99, alerts: alert.n, missing: acceptedAt.size, rateEventsPerSec: 1000 },
    timeToSearchableMs: { p50: searchable.p50, p95: searchable.p95, p99: searchable.p99 },
  };
  const file = `bench/results/${result.date.slice(0, 10)}-e2e${quick ? '-quick' : ''}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
