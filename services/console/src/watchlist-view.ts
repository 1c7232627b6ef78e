import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { WatchlistEntrySchema, type WatchlistEntry } from '../../../schemas/src';

/** The console's read view of the compacted watchlist topic (admin listing); kept live. */
export async function startWatchlistView(kafka: Kafka, topic: string, view: Map<string, WatchlistEntry>): Promise<() => Promise<void>> {
  const consumer = kafka.consumer({ groupId: `console-watchlist-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      if (!message.value) {
        view.delete(key);
        return;
      }
      try {
        const parsed = WatchlistEntrySchema.safeParse(JSON.parse(message.value.toString()));
        if (parsed.success) view.set(parsed.data.entryId, parsed.data);
      } catch {
        /* not JSON: the rules service dead-letters nothing here; the admin API only writes valid entries */
      }
    },
  });
  return () => consumer.disconnect();
}
