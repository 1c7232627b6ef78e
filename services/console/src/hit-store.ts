import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { HitSchema, type Hit } from '../../../schemas/src';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';
import type { Positions } from './cursor';

export interface Frame {
  type: 'hit' | 'hit.updated';
  /** `h:<partition>` for the hits topic, `u:<partition>` for hit updates. */
  key: string;
  offset: string;
  hit: Hit;
  /** Positions after this frame: the cursor a client holds once it has it. */
  cursor: Positions;
}

export interface HitStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  isCaughtUp(): boolean;
  get(hitId: string): Hit | undefined;
  all(): Hit[];
  positions(): Positions;
  /** Frames after a cursor, in the order this store consumed them (per-partition Kafka order). */
  framesAfter(cursor: Positions): Frame[];
  onFrame(listener: (f: Frame) => void): () => void;
  /** Applies a version this instance just wrote, so its own answer and GETs see it at once. */
  applyLocal(hit: Hit): void;
}

const MAX_FRAMES = 500_000;

/**
 * The console's view of hits, rebuilt from Kafka at every start (hits + hit updates, read committed,
 * latest version wins), and the ordered frame log the live feed replays from.
 */
export function createHitStore(deps: { kafka: Kafka; topics: { hits: string; hitUpdates: string }; logger: Logger }): HitStore {
  const log = deps.logger.child({ component: 'hit-store' });
  const hits = new Map<string, Hit>();
  const frames: Frame[] = [];
  const positions: Positions = {};
  const listeners = new Set<(f: Frame) => void>();
  let consumer: Consumer | undefined;
  let caughtUp = false;
  const tag = (topic: string) => (topic === deps.topics.hits ? 'h' : 'u');

  return {
    isCaughtUp: () => caughtUp,
    get: (id) => hits.get(id),
    all: () => [...hits.values()],
    positions: () => ({ ...positions }),
    framesAfter(cursor) {
      return frames.filter((f) => {
        const seen = cursor[f.key];
        return seen === undefined || BigInt(f.offset) > BigInt(seen);
      });
    },
    onFrame(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    applyLocal(hit) {
      const cur = hits.get(hit.hitId);
      if (!cur || cur.version < hit.version) hits.set(hit.hitId, hit);
    },
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const ends = new Map<string, bigint>();
      for (const topic of [deps.topics.hits, deps.topics.hitUpdates]) {
        for (const p of await retry(() => admin.fetchTopicOffsets(topic))) {
          positions[`${tag(topic)}:${p.partition}`] ??= '-1';
          if (BigInt(p.high) > BigInt(p.low)) ends.set(`${tag(topic)}:${p.partition}`, BigInt(p.high) - 1n);
        }
      }
      await admin.disconnect();
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      const check = () => {
        if (!caughtUp && ends.size === 0) {
          caughtUp = true;
          log.info({ hits: hits.size }, 'hit store caught up');
          resolve();
        }
      };
      consumer = deps.kafka.consumer({ groupId: `console-hits-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 10, minBytes: 1 });
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topics.hits, deps.topics.hitUpdates], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const key = `${tag(batch.topic)}:${batch.partition}`;
          for (const m of batch.messages) {
            positions[key] = m.offset;
            let json: unknown;
            try {
              json = JSON.parse(m.value?.toString() ?? '');
            } catch {
              continue;
            }
            const parsed = HitSchema.safeParse(json);
            if (!parsed.success) continue;
            const hit = parsed.data;
            const cur = hits.get(hit.hitId);
            if (cur && cur.version > hit.version) continue;
            const isNewToStore = !cur;
            hits.set(hit.hitId, hit);
            const frame: Frame = { type: isNewToStore && hit.version === 1 ? 'hit' : 'hit.updated', key, offset: m.offset, hit, cursor: { ...positions } };
            frames.push(frame);
            if (frames.length > MAX_FRAMES) frames.splice(0, frames.length - MAX_FRAMES);
            for (const l of listeners) l(frame);
          }
          const want = ends.get(key);
          if (want !== undefined && BigInt(batch.lastOffset()) >= want) ends.delete(key);
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
