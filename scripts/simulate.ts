import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root';
import { createRandom, drugTest, inspection, seizure, type Checkpoint, type Person } from './simulator/generate';

/**
 * Terminal simulator: drives realistic traffic through the public gateway API as the demo officers.
 *   npx tsx scripts/simulate.ts [--rate 20] [--duration 60] [--gateway http://127.0.0.1:8080]
 *     [--plant watchlist,corridor,suspicious] [--offline-burst 200] [--seed 42]
 * Suspicious inspections are followed by drug tests (逢嫌必检), a few positive; occasional seizures.
 */
const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const rate = Number(arg('rate', '20'));
const durationS = Number(arg('duration', '0'));
const gateway = arg('gateway', process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080');
const plant = new Set(arg('plant', '').split(',').filter(Boolean));
const offlineBurst = Number(arg('offline-burst', '0'));
const r = createRandom(Number(arg('seed', String(Date.now()))));
const out = (m: string) => process.stdout.write(`${new Date().toISOString()} ${m}\n`);

interface Officer { username: string; password: string; checkpointId: string; jurisdiction: string; token?: string }

function officers(): Officer[] {
  const file = join(REPO_ROOT, 'demo-credentials.json');
  if (!existsSync(file)) throw new Error('demo-credentials.json not found: run `npm start` (demo mode) first');
  const creds = JSON.parse(readFileSync(file, 'utf8')) as { users: Array<Officer & { role: string }> };
  return creds.users.filter((u) => u.role === 'officer' && u.checkpointId);
}

async function login(o: Officer): Promise<void> {
  const res = await fetch(`${gateway}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: o.username, password: o.password }) });
  if (!res.ok) throw new Error(`login ${o.username}: ${res.status} ${await res.text()}`);
  o.token = ((await res.json()) as { token: string }).token;
}

const stats = { accepted: 0, duplicate: 0, rejected: 0, failed: 0, hits: 0 };

async function submit(o: Officer, event: object, waitMs = 0): Promise<void> {
  const res = await fetch(`${gateway}/api/v1/events${waitMs ? `?waitMs=${waitMs}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
    body: JSON.stringify(event),
  });
  if (res.status === 202) {
    stats.accepted++;
    const body = (await res.json()) as { verdict?: { hits: Array<{ summary?: { en?: string } }> } };
    for (const h of body.verdict?.hits ?? []) {
      stats.hits++;
      out(`HIT at ${o.checkpointId}: ${h.summary?.en ?? 'hit'}`);
    }
  } else if (res.status === 200) stats.duplicate++;
  else if (res.status === 401) await login(o);
  else {
    stats[res.status >= 500 ? 'failed' : 'rejected']++;
    if (stats.rejected + stats.failed < 10) out(`${res.status} ${await res.text()}`);
  }
}

async function submitBatch(o: Officer, events: object[]): Promise<void> {
  const res = await fetch(`${gateway}/api/v1/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` }, body: JSON.stringify({ events }) });
  const body = (await res.json()) as { accepted?: number; duplicate?: number; rejected?: number };
  stats.accepted += body.accepted ?? 0;
  stats.duplicate += body.duplicate ?? 0;
  stats.rejected += body.rejected ?? 0;
  out(`offline burst from ${o.checkpointId}: ${res.status} ${JSON.stringify({ accepted: body.accepted, duplicate: body.duplicate, rejected: body.rejected })}`);
}

/** One vehicle's check, with the follow-ups a real checkpoint would record. */
async function checkOneVehicle(o: Officer, at: Date, opts: Parameters<typeof inspection>[3] = {}): Promise<void> {
  const cp: Checkpoint = { checkpointId: o.checkpointId, jurisdiction: o.jurisdiction };
  const ins = inspection(r, cp, at, opts);
  await submit(o, ins, 2000);
  if (ins.findings.suspicious && r.chance(0.9)) {
    const positive = r.chance(0.25);
    await submit(o, drugTest(r, cp, new Date(at.getTime() + r.int(2, 20) * 60_000), ins.driver, ins.eventId, positive), 2000);
    if (positive && r.chance(0.3)) {
      await submit(o, seizure(r, cp, new Date(at.getTime() + 40 * 60_000), ins.eventId, ins.vehicle.plate, [ins.driver, ...ins.passengers]), 2000);
    }
  }
}

async function plantPatterns(list: Officer[]): Promise<void> {
  const watch = readFileSync(join(REPO_ROOT, 'infra/demo/watchlist.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; key: string; category: string });
  const byCp = (id: string) => list.find((o) => o.checkpointId === id) ?? list[0]!;
  const now = new Date();
  if (plant.has('watchlist')) {
    const fugitive = watch.find((w) => w.category === 'fugitive')!;
    const caseVehicle = watch.find((w) => w.kind === 'vehicle')!;
    out('planting: a fugitive driving, a case vehicle, a co-traveller of a trafficker');
    await checkOneVehicle(byCp('CP-530621-G85-02'), now, { driver: { idNumber: fugitive.key, name: '李某' } });
    await checkOneVehicle(byCp('CP-530602-G85-01'), now, { plate: caseVehicle.key });
    const trafficker = watch.find((w) => w.category === 'prior_trafficking')!;
    await checkOneVehicle(byCp('CP-530630-G85-03'), now, { passengers: [{ idNumber: trafficker.key }] });
  }
  if (plant.has('corridor')) {
    out('planting: one vehicle along the G85 corridor (Ludian → Zhaotong → Shuifu → Yibin) within 6 h');
    const p = `云A${r.int(10000, 99999)}`;
    const ids = ['CP-530621-G85-02', 'CP-530602-G85-01', 'CP-530630-G85-03', 'CP-511500-G85-04'];
    for (const [i, id] of ids.entries()) await checkOneVehicle(byCp(id), new Date(now.getTime() - (ids.length - i) * 80 * 60_000), { plate: p });
  }
  if (plant.has('suspicious')) {
    out('planting: a suspicious inspection with no drug test (逢嫌必检)');
    const o = byCp('CP-140882-G5-01');
    await submit(o, inspection(r, { checkpointId: o.checkpointId, jurisdiction: o.jurisdiction }, new Date(now.getTime() - 45 * 60_000), { suspicious: true }));
  }
}

async function main(): Promise<void> {
  const list = officers();
  await Promise.all(list.map(login));
  out(`simulating ${list.length} checkpoints at ${rate} events/s against ${gateway}`);
  await plantPatterns(list);
  if (offlineBurst > 0) {
    const o = r.pick(list);
    const cp = { checkpointId: o.checkpointId, jurisdiction: o.jurisdiction };
    // A terminal that was offline for hours forwards what it recorded, with the original event times.
    const events = Array.from({ length: offlineBurst }, (_, i) => inspection(r, cp, new Date(Date.now() - 4 * 3600_000 + i * 30_000)));
    for (let i = 0; i < events.length; i += 1000) await submitBatch(o, events.slice(i, i + 1000));
  }
  const started = Date.now();
  const tick = setInterval(() => out(`accepted ${stats.accepted} · duplicate ${stats.duplicate} · rejected ${stats.rejected} · failed ${stats.failed} · hits ${stats.hits}`), 5000);
  let sent = 0;
  while (rate > 0 && (durationS === 0 || Date.now() - started < durationS * 1000)) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    const work: Promise<void>[] = [];
    for (; sent < due; sent++) work.push(
        checkOneVehicle(r.pick(list), new Date()).catch((err: unknown) => {
          stats.failed++;
          out(String(err));
        }),
      );
    await Promise.all(work);
    await new Promise((res) => setTimeout(res, 50));
  }
  clearInterval(tick);
  out(`done: ${JSON.stringify(stats)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
