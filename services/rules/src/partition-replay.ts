import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';

export interface ReplayRange {
  partition: number;
  /** Exclusive: the first offset the live consumer will process. */
  endOffset: bigint;
}

/**
 * Reads committed records of some partitions of `topic` from the first record at or after `fromTimestamp`
 * (broker time) up to each range's end offset, in order, and hands them to `onMessage`. Used to rebuild a
 * stage's in-memory state for the partitions it was just assigned, before it processes them.
 */
export async function replayPartitions(
  deps: { kafka: Kafka; topic: string; logger: Logger },
  opts: { fromTimestamp: number; ranges: ReplayRange[]; heartbeat?: () => Promise<void>; timeoutMs?: number },
  onMessage: (partition: number, message: KafkaMessage) => void,
): Promise<number> {
  if (opts.ranges.length === 0) return 0;
  const admin = deps.kafka.admin();
  await admin.connect();
  let starts: Array<{ partition: number; offset: string }>;
  try {
    starts = await retry(() => admin.fetchTopicOffsetsByTimestamp(deps.topic, opts.fromTimestamp));
  } finally {
    await admin.disconnect();
  }
  const todo = new Map<number, { start: bigint; end: bigint }>();
  for (const r of opts.ranges) {
    const start = BigInt(starts.find((s) => s.partition === r.partition)?.offset ?? '-1');
    if (start >= 0n && start < r.endOffset) todo.set(r.partition, { start, end: r.endOffset });
  }
  if (todo.size === 0) return 0;

  const log = deps.logger.child({ component: 'partition-replay', topic: deps.topic });
  const started = Date.now();
  let count = 0;
  let lastBeat = Date.now();
  const consumer = deps.kafka.consumer({ groupId: `${deps.topic}.replay.${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100, maxBytes: 20 * 1024 * 1024 });
  const others = starts.map((s) => s.partition).filter((p) => !todo.has(p));
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => ((finish = res), (fail = rej)));
  const complete = (partition: number) => {
    if (!todo.delete(partition)) return;
    consumer.pause([{ topic: deps.topic, partitions: [partition] }]);
    if (todo.size === 0) finish();
  };
  // A batch of only transaction markers or aborted records reaches no handler, but reports its last offset here.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const range = todo.get(payload.partition);
    if (range && payload.topic === deps.topic && BigInt(payload.lastOffset) >= range.end - 1n) complete(payload.partition);
  });
  const timer = setTimeout(() => fail(new Error(`replay of ${deps.topic} not finished after ${opts.timeoutMs ?? 300_000} ms`)), opts.timeoutMs ?? 300_000);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = todo.get(batch.partition);
        if (!range) return;
        for (const m of batch.messages) {
          const o = BigInt(m.offset);
          if (o < range.start) continue;
          if (o >= range.end) break;
          onMessage(batch.partition, m);
          count++;
        }
        if (BigInt(batch.lastOffset()) >= range.end - 1n) complete(batch.partition);
        if (opts.heartbeat && Date.now() - lastBeat > 1_000) {
          lastBeat = Date.now();
          await opts.heartbeat();
        }
      },
    });
    if (others.length) consumer.pause([{ topic: deps.topic, partitions: others }]);
    for (const [partition, r] of todo) consumer.seek({ topic: deps.topic, partition, offset: r.start.toString() });
    await done;
    log.info({ partitions: opts.ranges.map((r) => r.partition), records: count, ms: Date.now() - started }, 'partition state rebuilt');
    return count;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
