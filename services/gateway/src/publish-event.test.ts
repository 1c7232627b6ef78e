import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { createEventPublisher } from './publish-event';

/**
 * The publisher answers 503 when a send outlives its deadline, but kafkajs may still be retrying that send: the
 * gateway's idempotency index must not settle the events in doubt before it has really ended
 * (`abandonedSendsEnded`). A fake kafkajs producer at the seam: its first send ends only when the test says so.
 */
function fakeKafka() {
  const sends: Array<{ finish: (ok: boolean) => void }> = [];
  const kafka = {
    producer: () => ({
      events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
      on: () => () => undefined,
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: () =>
        new Promise<unknown>((resolve, reject) => {
          sends.push({ finish: (ok) => (ok ? resolve([]) : reject(Object.assign(new Error('broker gone'), { name: 'KafkaJSConnectionError', retriable: true }))) });
        }),
    }),
  };
  return { kafka: kafka as unknown as Kafka, sends };
}

const event = (id: string) => ({ eventId: id, checkpointId: 'CP-140882-G5-01', bodyHash: 'h', value: '{}' });
const flushed = () => new Promise((r) => setTimeout(r, 20));

describe('event publisher: sends given up on', () => {
  it('reports a timed-out send as ended only once kafkajs has finished it', async () => {
    const { kafka, sends } = fakeKafka();
    const publisher = createEventPublisher({ kafka, topic: 'events', logger: createLogger({ level: 'silent' }), sendTimeoutMs: 50 });
    await expect(publisher.publish([event('a')])).rejects.toMatchObject({ code: 'kafka_unavailable' });
    let ended = false;
    const waiting = publisher.abandonedSendsEnded().then(() => (ended = true));
    await flushed();
    expect(ended).toBe(false);
    sends[0]!.finish(false);
    await waiting;
    expect(ended).toBe(true);
    // Nothing is pending any more: answered at once.
    await publisher.abandonedSendsEnded();
  });

  it('waits for every abandoned send, including one acknowledged after all', async () => {
    const { kafka, sends } = fakeKafka();
    const publisher = createEventPublisher({ kafka, topic: 'events', logger: createLogger({ level: 'silent' }), sendTimeoutMs: 50 });
    await expect(publisher.publish([event('a')])).rejects.toBeDefined();
    await expect(publisher.publish([event('b')])).rejects.toBeDefined();
    let ended = false;
    const waiting = publisher.abandonedSendsEnded().then(() => (ended = true));
    sends[1]!.finish(true);
    await flushed();
    expect(ended).toBe(false);
    sends[0]!.finish(true);
    await waiting;
    expect(ended).toBe(true);
  });
});
