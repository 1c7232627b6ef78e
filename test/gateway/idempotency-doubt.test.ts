import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyIndex, type IdempotencyIndex } from '../../services/gateway/src/idempotency-index';
import { createNamespace, eventually, type Namespace } from '../support/namespace';

/**
 * A send cut off by a broker's death may have been appended unacknowledged and show up in the log only later. The
 * gateway's index holds the ids of a failed send "in doubt" until it has read up to ends read a settle time after
 * the brokers answered again: on the real broker, an id whose cut-off send did land is then found (a duplicate, not
 * a second copy), and one that did not is settled absent (its retry is new).
 */
describe('ids of a failed send, on the real broker', () => {
  let ns: Namespace;
  let index: IdempotencyIndex;
  beforeAll(async () => {
    ns = await createNamespace('gw-doubt', { partitions: 2 });
    index = createIdempotencyIndex({ kafka: ns.kafka, topic: ns.topics.events, windowMs: 3_600_000, logger: ns.logger, doubtSettleMs: 1_000 });
    await index.start();
  });
  afterAll(async () => {
    await index?.stop();
    await ns?.cleanup();
  });

  it('finds the one that landed and settles the one that did not, not before the settle time', async () => {
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    // The send "failed" for both; one of them was appended all the same — written only now, after the failure,
    // as a record a new leader makes readable late.
    const failedAt = Date.now();
    index.resync(['landed', 'absent']);
    expect(index.inDoubt('landed')).toBe(true);
    expect(index.inDoubt('absent')).toBe(true);
    await producer.send({ topic: ns.topics.events, acks: -1, messages: [{ key: 'CP-140882-G5-01', value: '{}', headers: { 'event-id': 'landed', 'body-sha256': 'h1' } }] });
    await producer.disconnect();

    await eventually('the landed id read from the log', () => index.lookup('landed'));
    expect(index.inDoubt('landed')).toBe(false);
    await eventually('the absent id settled', () => (index.inDoubt('absent') ? undefined : true), 20_000);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(1_000);
    expect(index.lookup('absent')).toBeUndefined();
    expect(index.isCaughtUp()).toBe(true);
  });

  it('counts the settle time from the end of the failed send, not from its failure', async () => {
    // kafkajs may go on retrying a send the publisher gave up on (and answered 503 for); it lands 2 s later, four
    // settle times after the failure. Until the send has ended the id stays in doubt.
    let endSend!: () => void;
    const sendEnded = new Promise<void>((r) => (endSend = r));
    const late = createIdempotencyIndex({ kafka: ns.kafka, topic: ns.topics.events, windowMs: 3_600_000, logger: ns.logger, doubtSettleMs: 500, abandonedSendsEnded: () => sendEnded });
    await late.start();
    const producer = ns.kafka.producer({ idempotent: true });
    try {
      await producer.connect();
      late.resync(['late']);
      for (const until = Date.now() + 2_000; Date.now() < until; ) {
        expect(late.inDoubt('late')).toBe(true);
        await new Promise((r) => setTimeout(r, 100));
      }
      await producer.send({ topic: ns.topics.events, acks: -1, messages: [{ key: 'CP-140882-G5-01', value: '{}', headers: { 'event-id': 'late', 'body-sha256': 'h3' } }] });
      endSend();
      await eventually('the late id read from the log', () => late.lookup('late'));
      expect(late.inDoubt('late')).toBe(false);
    } finally {
      endSend();
      await producer.disconnect();
      await late.stop();
    }
  });

  it('settles anyway once a send given up on has not ended within the cap', async () => {
    const capped = createIdempotencyIndex({ kafka: ns.kafka, topic: ns.topics.events, windowMs: 3_600_000, logger: ns.logger, doubtSettleMs: 200, abandonedSendsEnded: () => new Promise<void>(() => undefined), abandonedSendWaitMs: 800 });
    await capped.start();
    try {
      const failedAt = Date.now();
      capped.resync(['stuck']);
      await eventually('the id settled after the cap', () => (capped.inDoubt('stuck') ? undefined : true), 20_000);
      expect(Date.now() - failedAt).toBeGreaterThanOrEqual(800 + 200);
    } finally {
      await capped.stop();
    }
  });

  it('restarts the settling when another send fails meanwhile', async () => {
    index.resync(['first']);
    await new Promise((r) => setTimeout(r, 600));
    const second = Date.now();
    index.resync(['second']);
    await eventually('both settled', () => (index.inDoubt('first') || index.inDoubt('second') ? undefined : true), 20_000);
    // The first was settled by the later round, a settle time after the second failure.
    expect(Date.now() - second).toBeGreaterThanOrEqual(1_000);
  });
});
