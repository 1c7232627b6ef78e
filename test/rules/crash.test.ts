import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERDICT_PACK_KEY, VerdictPackSchema, VerdictSchema } from '../../schemas/src';
import { createNamespace, type Namespace } from '../support/namespace';
import { inspection } from '../support/sample-events';
import { FAST_ENV, collect, collectHits, demoWatchlist, drained, produceEvents, putWatchlist } from './rules-harness';

const G5 = ['CP-140882-G5-01', 'CP-140802-G5-02', 'CP-140100-G5-03'];

/** The real service as a process, so it can be killed with SIGKILL: nothing flushed, nothing committed. */
function startRulesProcess(ns: Namespace): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'services/rules/src/main.ts'], {
    env: { ...process.env, ...ns.env, ...FAST_ENV, RULES_PORT: '0', INSTANCE_ID: 'crash-1', CHUNK_SIZE: '20', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('rules worker killed mid-stream', () => {
  let ns: Namespace;
  let child: ChildProcess | undefined;
  const fugitive = demoWatchlist().find((w) => w.category === 'fugitive')!;
  beforeAll(async () => {
    ns = await createNamespace('rules-crash');
    await putWatchlist(ns, demoWatchlist());
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await ns?.cleanup();
  });

  it('loses no hit and doubles none after kill -9 and a restart, in either stage', async () => {
    const base = Date.now() - 80 * 86_400_000;
    const time = (ms: number) => new Date(base + ms).toISOString().replace('Z', '+00:00');
    // 600 events 3 h apart; every 10th has a fugitive driving (a stage-1 hit each) ...
    const events: Array<Record<string, unknown>> = Array.from({ length: 600 }, (_, i) =>
      inspection({ passengers: [], occurredAt: time(i * 3 * 3_600_000), ...(i % 10 === 0 ? { driver: { idNumber: fugitive.key } } : {}) }),
    );
    // ... and 20 vehicles each crossing three checkpoints of the G5 corridor in two hours (a stage-2 hit each).
    const transits = Array.from({ length: 20 }, (_, k) => `晋K${20000 + k}`);
    transits.forEach((plate, k) =>
      G5.forEach((checkpointId, j) => events.splice(k * 30 + j * 7, 0, inspection({ checkpointId, passengers: [], occurredAt: time(k * 90 * 3_600_000 + j * 3_600_000), vehicle: { plate, kind: 'car', direction: 'inbound' } }))),
    );
    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i += 20) await produceEvents(ns, events.slice(i, Math.min(i + 20, to)));
    };
    const hits = await collectHits(ns);
    // The event ids of each verdicts record (a pack of a chunk's verdicts, or a single verdict).
    const verdicts = await collect(ns, ns.topics.verdicts, (v, key) => (key === VERDICT_PACK_KEY ? VerdictPackSchema.parse(v).verdicts.map((x) => x.eventId) : [VerdictSchema.parse(v).eventId]));

    child = startRulesProcess(ns);
    await send(0, 330);
    await hits.until('some hits committed before the crash', (items) => (items.length >= 5 ? true : undefined), 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const beforeRestart = hits.items.length;
    await send(330, events.length);

    child = startRulesProcess(ns);
    await verdicts.until('every event judged', (ids) => (new Set(ids.flat()).size === events.length ? true : undefined), 100_000);
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGTERM');
    await hits.stop();
    await verdicts.stop();

    const all = hits.items;
    expect(beforeRestart).toBeLessThan(80);
    expect(new Set(all.map((h) => `${h.hitId}@${h.version}`)).size).toBe(all.length);
    expect(verdicts.items.flat().length).toBe(events.length);

    const planted = events.filter((e) => (e.driver as { idNumber: string }).idNumber === fugitive.key).map((e) => String(e.eventId));
    const person = all.filter((h) => h.ruleId === 'watchlist-person');
    expect(person).toHaveLength(60);
    expect(person.flatMap((h) => h.evidence.map((e) => e.eventId)).sort()).toEqual(planted.sort());

    const corridor = all.filter((h) => h.ruleId === 'corridor-transit');
    expect(corridor.map((h) => h.subject.key).sort()).toEqual(transits.sort());
    expect(corridor.every((h) => h.version === 1 && h.evidence.length === 3)).toBe(true);
  });
});
