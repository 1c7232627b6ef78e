import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection } from '../support/sample-events';
import { committedHits, DEMO_WATCHLIST, putWatchlist } from './rules-harness';

const fugitive = readFileSync(DEMO_WATCHLIST, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; category: string }).find((w) => w.category === 'fugitive')!;

function startRulesProcess(ns: Namespace): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'services/rules/src/main.ts'], {
    env: { ...process.env, ...ns.env, RULES_PORT: '0', INSTANCE_ID: 'crash-1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function countVerdicts(ns: Namespace): Promise<Set<string>> {
  const ids = new Set<string>();
  const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}v-${Math.random().toString(36).slice(2)}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: ns.topics.verdicts, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void ids.add(message.key!.toString()) });
  await new Promise((r) => setTimeout(r, 1500));
  await consumer.disconnect();
  return ids;
}

describe('rules worker killed mid-stream', () => {
  let ns: Namespace;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    ns = await createNamespace('rules-crash');
    await putWatchlist(ns, readFileSync(DEMO_WATCHLIST, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await ns?.cleanup();
  });

  it('loses no hit and doubles none after kill -9 and a restart', async () => {
    // 600 events, every 10th with a fugitive driving; each at its own checkpoint-time so every planted one is its own hit.
    const events = Array.from({ length: 600 }, (_, i) =>
      inspection({
        passengers: [],
        occurredAt: new Date(Date.UTC(2026, 10, 20, 0, 0, 0) + i * 3 * 3600_000).toISOString().replace('Z', '+00:00'),
        ...(i % 10 === 0 ? { driver: { idNumber: fugitive.key } } : {}),
      }),
    );
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    const send = (slice: typeof events) =>
      producer.send({ topic: ns.topics.events, acks: -1, messages: slice.map((e) => ({ key: String(e.checkpointId), value: JSON.stringify(e), headers: { 'event-id': String(e.eventId) } })) });

    child = startRulesProcess(ns);
    for (let i = 0; i < 300; i += 20) await send(events.slice(i, i + 20));
    await eventually('some hits committed before the crash', async () => ((await committedHits(ns, 300)).length >= 5 ? true : undefined), 60_000, 200);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    for (let i = 300; i < 600; i += 20) await send(events.slice(i, i + 20));
    await producer.disconnect();

    child = startRulesProcess(ns);
    await eventually('every event judged', async () => ((await countVerdicts(ns)).size === 600 ? true : undefined), 90_000, 500);
    child.kill('SIGTERM');

    const hits = await committedHits(ns);
    const planted = events.filter((_, i) => i % 10 === 0).map((e) => String(e.eventId));
    const byEvent = new Map<string, number>();
    for (const h of hits) for (const e of h.evidence) byEvent.set(e.eventId, (byEvent.get(e.eventId) ?? 0) + 1);
    expect(planted.filter((id) => !byEvent.has(id))).toEqual([]);
    expect([...byEvent.values()].filter((n) => n > 1)).toEqual([]);
    expect(new Set(hits.map((h) => `${h.hitId}@${h.version}`)).size).toBe(hits.length);
    expect(hits).toHaveLength(60);
  });
});
