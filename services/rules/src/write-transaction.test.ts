import type { Transaction } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { writeTransaction } from './transactional-stage';

/** A transaction whose two writes settle when the test says so; records what was called when. */
function fakeTransaction() {
  const log: string[] = [];
  const gate = () => {
    let settle!: (err?: Error) => void;
    const p = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    return { p, settle };
  };
  const offsets: Array<ReturnType<typeof gate>> = [];
  const send = gate();
  const txn = {
    sendOffsets: () => {
      log.push('offsets');
      const g = gate();
      offsets.push(g);
      return g.p;
    },
    sendBatch: () => {
      log.push('send');
      return send.p;
    },
  } as unknown as Transaction;
  return { txn, log, offsets, send };
}

const OFFSETS = { consumerGroupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0, offset: '1' }] }] };
const RECORDS = [{ topic: 'out', messages: [{ value: 'x' }] }];
const tick = () => new Promise((r) => setImmediate(r));

describe('writeTransaction', () => {
  it('sends the offsets and the records without waiting for either', async () => {
    const f = fakeTransaction();
    const written = writeTransaction(f.txn, OFFSETS, RECORDS);
    await tick();
    expect(f.log).toEqual(['offsets', 'send']);
    f.offsets[0]!.settle();
    f.send.settle();
    const t = await written;
    expect(t.offsetsMs).toBeGreaterThanOrEqual(0);
    expect(t.sendMs).toBeGreaterThanOrEqual(0);
  });

  it('when one write fails, throws only after the other settled (no request of the transaction left in flight)', async () => {
    const f = fakeTransaction();
    let settled = false;
    const written = writeTransaction(f.txn, OFFSETS, RECORDS).finally(() => (settled = true));
    await tick();
    f.offsets[0]!.settle(Object.assign(new Error('coordinator gone'), { type: 'NOT_COORDINATOR' }));
    await tick();
    await tick();
    expect(settled).toBe(false);
    f.send.settle();
    await expect(written).rejects.toThrow('coordinator gone');
  });

  it('retries the offsets after CONCURRENT_TRANSACTIONS and counts each retry', async () => {
    const f = fakeTransaction();
    let concurrent = 0;
    const written = writeTransaction(f.txn, OFFSETS, RECORDS, () => concurrent++);
    await tick();
    f.offsets[0]!.settle(Object.assign(new Error('busy'), { type: 'CONCURRENT_TRANSACTIONS' }));
    f.send.settle();
    await expect.poll(() => f.offsets.length).toBe(2);
    f.offsets[1]!.settle();
    await written;
    expect(concurrent).toBe(1);
    expect(f.log).toEqual(['offsets', 'send', 'offsets']);
  });

  it('sends no records when there are none', async () => {
    const f = fakeTransaction();
    const written = writeTransaction(f.txn, OFFSETS, []);
    await tick();
    f.offsets[0]!.settle();
    await written;
    expect(f.log).toEqual(['offsets']);
  });
});
