import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface OffsetRange {
  topic: string;
  partition: number;
  /** First offset wanted and one past the last. */
  from: number;
  to: number;
}

export interface RangeRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads exact offset ranges once, with a throwaway consumer (read committed), for cursors older than what
 * the live feed holds in memory. Stops at `maxRecords` or `timeoutMs`; returns what it read and whether
 * every range was read to its end.
 */
export async function readOffsetRanges(kafka: Kafka, ranges: OffsetRange[], opts: { maxRecords: number; timeoutMs: number }): Promise<{ records: RangeRecord[]; complete: boolean }> {
  const wanted = ranges.filter((r) => r.to > r.from);
  if (!wanted.length) return { records: [], complete: true };
  const key = (t: string, p: number) => `${t}:${p}`;
  const byKey = new Map(wanted.map((r) => [key(r.topic, r.partition), r]));
  const open = new Set(byKey.keys());
  const records: RangeRecord[] = [];
  const consumer = kafka.consumer({ groupId: `console-replay-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const k = key(e.payload.topic, e.payload.partition);
    const r = byKey.get(k);
    if (r && Number(e.payload.lastOffset) >= r.to - 1) open.delete(k);
    if (!open.size || records.length >= opts.maxRecords) finish();
  });
  const timer = setTimeout(finish, opts.timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(wanted.map((r) => r.topic))], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const r = byKey.get(key(batch.topic, batch.partition));
        if (!r || !open.has(key(batch.topic, batch.partition))) return;
        for (const m of batch.messages) {
          const o = Number(m.offset);
          if (o >= r.from && o < r.to && records.length < opts.maxRecords) records.push({ topic: batch.topic, partition: batch.partition, message: m });
        }
      },
    });
    for (const r of wanted) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.from) });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
  return { records, complete: open.size === 0 };
}
