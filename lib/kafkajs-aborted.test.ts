import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs 2.2.4 is patched (patches/kafkajs+2.2.4.patch): a read_committed fetch answers with the partition's aborted
// transactions, which the consumer must drop. The broker lists them in the order their abort markers were written;
// kafkajs assumed first-offset order and entered at most one per message, so a transaction begun earlier but aborted
// later — a rules instance killed mid-transaction, aborted by the coordinator on its timeout while another producer's
// transaction begun after it was aborted first — went through as committed. A chaos run counted such an aborted hit
// record as a duplicate of its later, committed re-derivation (docs/CHAOS.md, run s21-1). This drives kafkajs' own
// filter and batch, so it fails without the patch.
const require = createRequire(import.meta.url);
const filterAbortedMessages = require('kafkajs/src/consumer/filterAbortedMessages.js') as (args: { messages: Message[]; abortedTransactions: Aborted[] }) => Message[];
const Batch = require('kafkajs/src/consumer/batch.js') as new (topic: string, fetchedOffset: string, partitionData: unknown) => { messages: Message[] };

interface Message {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}
interface Aborted {
  producerId: string;
  firstOffset: string;
}

const record = (offset: number, producerId: string, key: Buffer | null = Buffer.from(`k${offset}`)): Message => ({
  offset: String(offset),
  key,
  value: Buffer.from(`v${offset}`),
  isControlRecord: false,
  batchContext: { producerId, inTransaction: true },
});
const marker = (offset: number, producerId: string, type: 'abort' | 'commit'): Message => ({
  offset: String(offset),
  key: Buffer.from([0, 0, 0, type === 'abort' ? 0 : 1]),
  value: Buffer.from([0, 0, 0, 0, 0, 0]),
  isControlRecord: true,
  batchContext: { producerId, inTransaction: true },
});
const offsets = (ms: Message[]) => ms.filter((m) => !m.isControlRecord).map((m) => Number(m.offset));

describe('kafkajs read_committed filter (patched)', () => {
  it('drops a transaction aborted after one that began later (the broker lists them by abort, not by start)', () => {
    // The chaos run: A (killed instance) writes 331 and stays open; B writes 337 and aborts (338); the coordinator
    // aborts A on its timeout (339); C commits 340.
    const messages = [record(331, 'A'), record(337, 'B'), marker(338, 'B', 'abort'), marker(339, 'A', 'abort'), record(340, 'C'), marker(341, 'C', 'commit')];
    const abortedTransactions = [
      { producerId: 'B', firstOffset: '337' },
      { producerId: 'A', firstOffset: '331' },
    ];
    expect(offsets(filterAbortedMessages({ messages, abortedTransactions }))).toEqual([340]);
  });

  it('drops every aborted transaction that began before the fetched offset, not one per message', () => {
    // A began at 10 and B at 12, both aborted later; the fetch starts at 15, with a record of B first.
    const messages = [record(15, 'B'), record(16, 'A'), marker(17, 'A', 'abort'), marker(18, 'B', 'abort'), record(19, 'C')];
    const abortedTransactions = [
      { producerId: 'A', firstOffset: '10' },
      { producerId: 'B', firstOffset: '12' },
    ];
    expect(offsets(filterAbortedMessages({ messages, abortedTransactions }))).toEqual([19]);
  });

  it('keeps a producer’s later committed transaction after its aborted one, and ends an abort only at a control record', () => {
    // A aborts 1–2 (marker 3), then commits 4 (marker 5). B's aborted transaction holds a data record whose key is the
    // abort marker's bytes: it is data, and B's later record is still aborted.
    const messages = [record(1, 'A'), record(2, 'B', Buffer.from([0, 0, 0, 0])), marker(3, 'A', 'abort'), record(4, 'A'), record(5, 'B'), marker(6, 'A', 'commit'), marker(7, 'B', 'abort')];
    const abortedTransactions = [
      { producerId: 'A', firstOffset: '1' },
      { producerId: 'B', firstOffset: '2' },
    ];
    expect(offsets(filterAbortedMessages({ messages, abortedTransactions }))).toEqual([4]);
  });

  it('a fetched batch exposes neither the aborted records nor the control records', () => {
    const messages = [record(331, 'A'), record(337, 'B'), marker(338, 'B', 'abort'), marker(339, 'A', 'abort'), record(340, 'C'), marker(341, 'C', 'commit')];
    const batch = new Batch('hits.v1', '331', {
      partition: 4,
      highWatermark: '342',
      abortedTransactions: [
        { producerId: 'B', firstOffset: '337' },
        { producerId: 'A', firstOffset: '331' },
      ],
      messages,
    });
    expect(batch.messages.map((m) => Number(m.offset))).toEqual([340]);
  });
});
