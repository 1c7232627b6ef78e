import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { RuleSchema, WatchlistEntrySchema, type Rule } from '../../../schemas/src';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';
import type { WatchlistIndex } from './simple-watchlist';

export interface ReferenceData {
  /** Resolves once both compacted topics were read to the end offsets seen at start. */
  start(): Promise<void>;
  stop(): Promise<void>;
  enabledRules(): Map<Rule['kind'], Rule>;
  allRules(): Rule[];
  isCaughtUp(): boolean;
}

/**
 * Every instance holds the whole watchlist and rule set: it reads the compacted topics from the start with
 * a group of its own, then keeps applying changes as they arrive (within the consumer's poll interval).
 */
export function createReferenceData(deps: { kafka: Kafka; topics: { watchlist: string; rules: string }; watchlist: WatchlistIndex; defaults: Rule[]; logger: Logger; onNewEntry?: (entryId: string) => void }): ReferenceData {
  const log = deps.logger.child({ component: 'reference-data' });
  const rules = new Map<string, Rule>(deps.defaults.map((r) => [r.ruleId, r]));
  let consumer: Consumer | undefined;
  let caughtUp = false;

  return {
    isCaughtUp: () => caughtUp,
    allRules: () => [...rules.values()],
    enabledRules: () => new Map([...rules.values()].filter((r) => r.enabled).map((r) => [r.kind, r])),
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const ends = new Map<string, bigint>();
      for (const topic of [deps.topics.watchlist, deps.topics.rules]) {
        for (const p of await retry(() => admin.fetchTopicOffsets(topic))) if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}:${p.partition}`, BigInt(p.high) - 1n);
      }
      await admin.disconnect();
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      const check = () => {
        if (!caughtUp && ends.size === 0) {
          caughtUp = true;
          log.info({ entries: deps.watchlist.size(), rules: rules.size }, 'watchlist and rules loaded');
          resolve();
        }
      };
      consumer = deps.kafka.consumer({ groupId: `rules-reference-${randomUUID()}`, maxWaitTimeInMs: 200, maxBytes: 20 * 1024 * 1024 });
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topics.watchlist, deps.topics.rules], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const key = m.key?.toString() ?? '';
            if (batch.topic === deps.topics.watchlist) {
              if (!m.value) {
                deps.watchlist.remove(key);
                continue;
              }
              const parsed = WatchlistEntrySchema.safeParse(safeJson(m.value.toString()));
              if (!parsed.success) {
                log.warn({ key }, 'invalid watchlist entry skipped');
                continue;
              }
              const isNew = caughtUp && !deps.watchlist.get(parsed.data.entryId);
              deps.watchlist.upsert(parsed.data);
              if (isNew) deps.onNewEntry?.(parsed.data.entryId);
            } else if (m.value) {
              const parsed = RuleSchema.safeParse(safeJson(m.value.toString()));
              if (parsed.success) rules.set(parsed.data.ruleId, parsed.data);
              else log.warn({ key }, 'invalid rule skipped');
            }
          }
          const want = ends.get(`${batch.topic}:${batch.partition}`);
          if (want !== undefined && BigInt(batch.lastOffset()) >= want) ends.delete(`${batch.topic}:${batch.partition}`);
          check();
        },
      });
      check();
      await done;
    },
    async stop() {
      await consumer?.disconnect();
    },
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
