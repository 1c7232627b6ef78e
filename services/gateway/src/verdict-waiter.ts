import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { VERDICT_PACK_KEY } from '../../../schemas/src';

export interface Verdict {
  eventId: string;
  judgedAt: string;
  hits: unknown[];
}

export interface VerdictWaiter {
  /** Call before publishing, so a fast verdict cannot slip past; resolves with undefined on timeout. */
  expect(eventId: string, timeoutMs: number): { promise: Promise<Verdict | undefined>; cancel(): void };
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The officer's instant verdict: the rules service writes one verdict per judged event (inside its
 * transaction) and every gateway instance tails the verdicts topic from its end, read-committed,
 * resolving whoever waits for that event id.
 */
export function createVerdictWaiter(deps: { kafka: Kafka; topic: string; logger: Logger; parse: (raw: unknown) => Verdict | undefined }): VerdictWaiter {
  const log = deps.logger.child({ component: 'verdict-waiter' });
  const waiting = new Map<string, Set<(v: Verdict) => void>>();
  let consumer: Consumer | undefined;

  return {
    expect(eventId, timeoutMs) {
      let resolveFn!: (v: Verdict | undefined) => void;
      const promise = new Promise<Verdict | undefined>((r) => (resolveFn = r));
      const set = waiting.get(eventId) ?? new Set();
      const onVerdict = (v: Verdict) => finish(v);
      set.add(onVerdict);
      waiting.set(eventId, set);
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      function finish(v: Verdict | undefined) {
        clearTimeout(timer);
        set.delete(onVerdict);
        if (set.size === 0) waiting.delete(eventId);
        resolveFn(v);
      }
      return { promise, cancel: () => finish(undefined) };
    },
    async start() {
      consumer = deps.kafka.consumer({ groupId: `gateway-verdicts-${randomUUID()}`, maxWaitTimeInMs: 20, minBytes: 1, readUncommitted: false });
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        // Every verdict of every event passes here (packs of a chunk's verdicts, key `~verdicts`); only those
        // someone waits for are validated. Single verdicts (key = event id) are still read, by key.
        eachBatch: async ({ batch }) => {
          if (waiting.size === 0) return;
          const deliver = (raw: unknown) => {
            const id = (raw as { eventId?: unknown } | null)?.eventId;
            if (typeof id !== 'string' || !waiting.has(id)) return;
            const v = deps.parse(raw);
            if (v) for (const fn of waiting.get(v.eventId) ?? []) fn(v);
          };
          for (const message of batch.messages) {
            const key = message.key?.toString();
            const pack = key === VERDICT_PACK_KEY;
            if (!message.value || (!pack && key !== undefined && !waiting.has(key))) continue;
            let raw: unknown;
            try {
              raw = JSON.parse(message.value.toString());
            } catch {
              log.warn('unparseable verdict skipped');
              continue;
            }
            if (!pack) deliver(raw);
            else {
              const list = (raw as { verdicts?: unknown } | null)?.verdicts;
              if (Array.isArray(list)) for (const v of list) deliver(v);
            }
          }
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
    },
  };
}
