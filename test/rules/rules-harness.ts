import { readFileSync } from 'node:fs';
import type { Consumer, Kafka } from 'kafkajs';
import { HitSchema, WatchlistEntrySchema, type Hit, type WatchlistEntry } from '../../schemas/src';
import { buildRules, type RulesService } from '../../services/rules/src/app';
import { loadRulesConfig } from '../../services/rules/src/config';
import { createTransactionalStage, type StageLogic, type TransactionalStage } from '../../services/rules/src/transactional-stage';
import { createLogger } from '../../lib/logger';
import { eventually, type Namespace } from '../support/namespace';

/**
 * A transactional stage on the namespace's engines as the stage tests make one: group `<prefix><name>`, transactional
 * id `<prefix><name>-1`, chunks of 5, a 10 s transaction timeout, a silent logger; `over` replaces any of it.
 */
export function testStage(ns: Namespace, name: string, topic: string, logic: StageLogic, over: Partial<Parameters<typeof createTransactionalStage>[0]> = {}): TransactionalStage {
  return createTransactionalStage({
    kafka: ns.kafka,
    logger: createLogger({ level: 'silent', name: `test-${name}` }),
    topic,
    groupId: `${ns.topicPrefix}${name}`,
    transactionalId: `${ns.topicPrefix}${name}-1`,
    chunkSize: 5,
    transactionTimeoutMs: 10_000,
    logic,
    ...over,
  });
}

export const DEMO_WATCHLIST = 'infra/demo/watchlist.ndjson';

/** The demo watchlist entries, validated. */
export const demoWatchlist = (): WatchlistEntry[] =>
  readFileSync(DEMO_WATCHLIST, 'utf8')
    .trim()
    .split('\n')
    .map((l) => WatchlistEntrySchema.parse(JSON.parse(l)));

/** Test settings: no lateness, frequent watermark ticks, so event-time rules decide within a test's patience. */
export const FAST_ENV = { ALLOWED_LATENESS_MINUTES: '0', WATERMARK_TICK_SECONDS: '1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' };

export function rulesFor(ns: Namespace, instance = 'rules-1', env: Record<string, string> = {}, kafka: Kafka = ns.kafka): RulesService {
  return buildRules(loadRulesConfig({ ...ns.env, ...FAST_ENV, INSTANCE_ID: instance, ...env }), { logger: ns.logger, kafka, es: ns.es });
}

/** Puts watchlist entries (or tombstones) on the compacted topic, as the console's admin API does. */
export async function putWatchlist(ns: Namespace, entries: Array<Record<string, unknown> | WatchlistEntry>): Promise<void> {
  const producer = ns.kafka.producer();
  await producer.connect();
  await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: entries.map((e) => ({ key: String(e.entryId), value: JSON.stringify(e) })) });
  await producer.disconnect();
}

/** Produces events as the gateway does: keyed by checkpoint, header event-id. */
export async function produceEvents(ns: Namespace, events: Array<Record<string, unknown>>): Promise<void> {
  const producer = ns.kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic: ns.topics.events, acks: -1, messages: events.map((e) => ({ key: String(e.checkpointId), value: JSON.stringify(e), headers: { 'event-id': String(e.eventId) } })) });
  await producer.disconnect();
}

export interface Collector<T> {
  items: T[];
  /** Waits until `pick(items)` returns a value. */
  until<R>(what: string, pick: (items: T[]) => R | undefined, timeoutMs?: number): Promise<R>;
  stop(): Promise<void>;
}

/** Tails a topic from the beginning, read-committed (as every downstream consumer does), parsing each record. */
export async function collect<T>(ns: Namespace, topic: string, parse: (value: unknown, key: string) => T | undefined): Promise<Collector<T>> {
  const items: T[] = [];
  const consumer: Consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}collect-${Math.random().toString(36).slice(2)}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      const v = parse(JSON.parse(message.value.toString()), message.key?.toString() ?? '');
      if (v !== undefined) items.push(v);
    },
  });
  return {
    items,
    until: (what, pick, timeoutMs = 30_000) => eventually(what, () => pick(items), timeoutMs, 100),
    stop: () => consumer.disconnect(),
  };
}

export const collectHits = (ns: Namespace): Promise<Collector<Hit>> => collect(ns, ns.topics.hits, (v) => HitSchema.parse(v));

/** Every committed hit on the hits topic so far, read-committed, after a settle time. */
export async function committedHits(ns: Namespace, settleMs = 1500): Promise<Hit[]> {
  const c = await collectHits(ns);
  await new Promise((r) => setTimeout(r, settleMs));
  await c.stop();
  return c.items;
}

/** Resolves once the group has committed past everything currently on the topic (written in transactions or not). */
export async function drained(ns: Namespace, groupId: string, topic: string, opts: { transactional: boolean; timeoutMs?: number }): Promise<void> {
  const ends = await ns.admin.fetchTopicOffsets(topic);
  await eventually(
    `${groupId} to drain ${topic}`,
    async () => {
      const [committed] = await ns.admin.fetchOffsets({ groupId, topics: [topic] });
      // In a transactional topic a commit marker follows the last record: committed = high − 1 is "all processed".
      const slack = opts.transactional ? 1n : 0n;
      const ok = ends.every((e) => e.high === e.low || BigInt(committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? '-1') >= BigInt(e.high) - slack);
      return ok ? true : undefined;
    },
    opts.timeoutMs ?? 30_000,
    200,
  );
}

/** ISO time `minutes` after a base a day ago (event times in the past, as terminals send). */
export function clock(base = Date.now() - 24 * 3_600_000): (minutes: number) => string {
  const start = Math.floor(base / 3_600_000) * 3_600_000;
  return (minutes: number) => new Date(start + minutes * 60_000).toISOString().replace('Z', '+00:00');
}
