import type { Producer } from 'kafkajs';
import type { DeadLetter } from '../../../schemas/src';

export interface Unindexable {
  sourceTopic: string;
  partition: number;
  offset: string;
  reason: string;
  payload: string;
}

/** Sends what can never be indexed to the dead-letter topic (keyed by source topic), acks=all, before the offset is committed. */
export async function sendDeadLetters(producer: Producer, topic: string, items: readonly Unindexable[], now = new Date()): Promise<void> {
  if (!items.length) return;
  const at = now.toISOString();
  await producer.send({
    topic,
    acks: -1,
    messages: items.map((d) => {
      const letter: DeadLetter = { schemaVersion: 1, sourceTopic: d.sourceTopic, partition: d.partition, offset: d.offset, reason: d.reason.slice(0, 2000), payload: d.payload.slice(0, 1_000_000), at, service: 'indexer' };
      return { key: d.sourceTopic, value: JSON.stringify(letter) };
    }),
  });
}
