import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFetchResponse, encodeFetchRequest, nextFetchOffset, varint, visitCommitted, type AbortedTransaction } from './kafka-fetch';

// Batches are made by kafkajs' own encoder (the one its producer sends with), so the reader is held to the bytes a
// real producer writes; control batches (which only brokers write) are made from it by setting the control bit.
const require = createRequire(import.meta.url);
type LongT = { toString(): string };
const Long = require('kafkajs/src/utils/long') as { fromString(s: string): LongT; fromValue(v: unknown): LongT };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown;
const { Types: Compression } = require('kafkajs/src/protocol/message/compression/index.js') as { Types: { None: number; GZIP: number } };
const fetchV4 = require('kafkajs/src/protocol/requests/fetch/v4/request.js') as (o: object) => { encode(): Promise<{ buffer: Buffer }> };

const ATTRIBUTES_LOW_BYTE = 22;
const CONTROL = 0x20;

type Op = { t: 'plain'; n: number; gzip: boolean; tomb: boolean } | { t: 'data'; p: number; n: number; gzip: boolean } | { t: 'end'; p: number; commit: boolean };

interface Built {
  records: Buffer;
  aborted: AbortedTransaction[];
  /** Committed data records in log order. */
  expected: Array<{ offset: number; key: string; value: string | null }>;
  /** The offset after each batch. */
  batchEnds: number[];
  batchStarts: number[];
}

const PRODUCERS = [1000n, 2000n, 3000n];

async function build(ops: Op[], base: number): Promise<Built> {
  const parts: Buffer[] = [];
  const aborted: AbortedTransaction[] = [];
  const open = new Map<number, { first: number; records: Array<{ offset: number; key: string; value: string | null }> }>();
  const expected: Built['expected'] = [];
  const batchEnds: number[] = [];
  const batchStarts: number[] = [];
  let offset = base;
  let pos = 0;
  const batch = async (o: { n: number; producer?: bigint; transactional?: boolean; gzip?: boolean; control?: number; tomb?: boolean }) => {
    const first = offset;
    const made: Built['expected'] = [];
    const records = Array.from({ length: o.n }, (_, i) => {
      const key = o.control !== undefined ? Buffer.from([0, 0, 0, o.control]) : Buffer.from(`k-${first + i}-ключ`);
      const value = o.control !== undefined ? Buffer.from([0, 0, 0, 0, 0, 0]) : o.tomb && i % 2 === 1 ? null : Buffer.from(`{"v":${first + i},"t":"值"}`);
      made.push({ offset: first + i, key: key.toString(), value: value?.toString() ?? null });
      return Record({ offsetDelta: i, timestampDelta: Long.fromValue(i), key, value, headers: i % 3 === 0 ? { h: `x${i}` } : {} });
    });
    const { buffer } = await RecordBatch({
      compression: o.gzip ? Compression.GZIP : Compression.None,
      firstOffset: Long.fromString(String(first)),
      firstTimestamp: Long.fromValue(1_700_000_000_000),
      maxTimestamp: Long.fromValue(1_700_000_000_100),
      lastOffsetDelta: o.n - 1,
      transactional: o.transactional ?? false,
      producerId: Long.fromString(String(o.producer ?? -1n)),
      records,
    });
    if (o.control !== undefined) buffer[ATTRIBUTES_LOW_BYTE] = buffer[ATTRIBUTES_LOW_BYTE]! | CONTROL;
    parts.push(buffer);
    batchStarts.push(pos);
    pos += buffer.length;
    offset += o.n;
    batchEnds.push(offset);
    return made;
  };
  for (const op of ops) {
    if (op.t === 'plain') expected.push(...(await batch({ n: op.n, gzip: op.gzip, tomb: op.tomb })));
    else if (op.t === 'data') {
      const txn = open.get(op.p) ?? { first: offset, records: [] };
      open.set(op.p, txn);
      txn.records.push(...(await batch({ n: op.n, producer: PRODUCERS[op.p], transactional: true, gzip: op.gzip })));
    } else {
      const txn = open.get(op.p);
      if (!txn) continue; // nothing open: no marker
      open.delete(op.p);
      // The broker lists an aborted transaction when its marker is written: in marker order, not first-offset order.
      if (!op.commit) aborted.push({ producerId: PRODUCERS[op.p]!, firstOffset: txn.first });
      await batch({ n: 1, producer: PRODUCERS[op.p], transactional: true, control: op.commit ? 1 : 0 });
      if (op.commit) expected.push(...txn.records);
    }
  }
  expected.sort((a, b) => a.offset - b.offset);
  return { records: Buffer.concat(parts), aborted, expected, batchEnds, batchStarts };
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('plain' as const), n: fc.integer({ min: 1, max: 5 }), gzip: fc.boolean(), tomb: fc.boolean() }),
  fc.record({ t: fc.constant('data' as const), p: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 1, max: 4 }), gzip: fc.boolean() }),
  fc.record({ t: fc.constant('end' as const), p: fc.integer({ min: 0, max: 2 }), commit: fc.boolean() }),
);
/** Ops with every transaction closed at the end (commit or abort, chosen per producer). */
const closedOps = fc.tuple(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })).map(([ops, commits]) => [...ops, ...commits.map((commit, p) => ({ t: 'end' as const, p, commit }))]);

const visitAll = (records: Buffer, aborted: AbortedTransaction[], from: number) => {
  const seen: Built['expected'] = [];
  const next = visitCommitted(records, aborted, from, (r) => {
    seen.push({ offset: r.offset, key: r.buf.toString('utf8', r.keyStart, r.keyEnd), value: r.valueStart < 0 ? null : r.buf.toString('utf8', r.valueStart, r.valueEnd) });
    return true;
  });
  return { seen, next };
};

describe('direct fetch: record batches read committed', () => {
  it('visits exactly the committed records at or after the fetch offset, however transactions interleave', async () => {
    await fc.assert(
      fc.asyncProperty(closedOps, fc.integer({ min: 0, max: 2 ** 40 }), fc.nat(), async (ops, base, fromPick) => {
        const b = await build(ops, base);
        const end = b.batchEnds[b.batchEnds.length - 1]!;
        const from = base + (fromPick % (end - base + 1));
        const { seen, next } = visitAll(b.records, b.aborted, from);
        expect(seen).toEqual(b.expected.filter((r) => r.offset >= from));
        expect(next).toBe(Math.max(end, from));
        expect(nextFetchOffset(b.records, from)).toBe(Math.max(end, from));
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the whole batches of a response cut short, and says where to fetch next', async () => {
    await fc.assert(
      fc.asyncProperty(closedOps, fc.nat(), async (ops, cutPick) => {
        const b = await build(ops, 0);
        const cut = cutPick % b.records.length;
        // The batches wholly before the cut are read; the next fetch starts after the last of them.
        const whole = b.batchStarts.map((start, i) => ({ start, end: i + 1 < b.batchStarts.length ? b.batchStarts[i + 1]! : b.records.length, next: b.batchEnds[i]! })).filter((x) => x.end <= cut);
        const next = whole.length > 0 ? whole[whole.length - 1]!.next : 0;
        const { seen, next: after } = visitAll(b.records.subarray(0, cut), b.aborted, 0);
        expect(after).toBe(next);
        expect(seen).toEqual(b.expected.filter((r) => r.offset < next));
      }),
      { numRuns: 200 },
    );
  });

  it('stops where the visitor says', async () => {
    const b = await build([{ t: 'plain', n: 5, gzip: false, tomb: false }, { t: 'plain', n: 5, gzip: true, tomb: false }], 100);
    const seen: number[] = [];
    visitCommitted(b.records, [], 0, (r) => {
      seen.push(r.offset);
      return r.offset < 106;
    });
    expect(seen).toEqual([100, 101, 102, 103, 104, 105, 106]);
  });

  it('reads zigzag varints as the protocol writes them', () => {
    const zigzag = (n: number) => {
      let u = ((n << 1) ^ (n >> 31)) >>> 0;
      const out: number[] = [];
      while (u >= 0x80) {
        out.push((u & 0x7f) | 0x80);
        u >>>= 7;
      }
      out.push(u);
      return Buffer.from(out);
    };
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        const b = Buffer.concat([Buffer.from([7]), zigzag(n)]);
        expect(varint(b, 1)).toEqual([n, b.length]);
      }),
    );
  });
});

describe('direct fetch: request and response', () => {
  it('writes the Fetch v4 request kafkajs writes, after a v1 header', async () => {
    const req = encodeFetchRequest({ correlationId: 42, clientId: 'rules-watchlist-read', topic: 'watchlist.v1', partition: 3, offset: 123_456_789, maxBytes: 4 << 20, maxWaitMs: 200 });
    const body = (await fetchV4({ replicaId: -1, maxWaitTime: 200, minBytes: 1, maxBytes: 4 << 20, topics: [{ topic: 'watchlist.v1', partitions: [{ partition: 3, fetchOffset: '123456789', maxBytes: 4 << 20 }] }] }).encode()).buffer;
    expect(req.readInt32BE(0)).toBe(req.length - 4);
    expect([req.readInt16BE(4), req.readInt16BE(6), req.readInt32BE(8)]).toEqual([1, 4, 42]);
    const clientLen = req.readInt16BE(12);
    expect(req.toString('utf8', 14, 14 + clientLen)).toBe('rules-watchlist-read');
    expect(req.subarray(14 + clientLen).equals(body)).toBe(true);
  });

  it('reads a response: error code, watermarks, aborted transactions and the records', () => {
    const records = Buffer.from('batches');
    const topic = Buffer.from('watchlist.v1');
    const b = Buffer.alloc(4 + 4 + 2 + topic.length + 4 + 4 + 2 + 8 + 8 + 4 + 2 * 16 + 4 + records.length);
    let o = b.writeInt32BE(0, 0);
    o = b.writeInt32BE(1, o);
    o = b.writeInt16BE(topic.length, o);
    o += topic.copy(b, o);
    o = b.writeInt32BE(1, o);
    o = b.writeInt32BE(3, o);
    o = b.writeInt16BE(0, o);
    o = b.writeBigInt64BE(500n, o);
    o = b.writeBigInt64BE(480n, o);
    o = b.writeInt32BE(2, o);
    o = b.writeBigInt64BE(2000n, o);
    o = b.writeBigInt64BE(90n, o);
    o = b.writeBigInt64BE(1000n, o);
    o = b.writeBigInt64BE(40n, o);
    o = b.writeInt32BE(records.length, o);
    records.copy(b, o);
    const r = decodeFetchResponse(b);
    expect(r).toMatchObject({ errorCode: 0, highWatermark: 500, lastStableOffset: 480, aborted: [{ producerId: 2000n, firstOffset: 90 }, { producerId: 1000n, firstOffset: 40 }] });
    expect(r.records.toString()).toBe('batches');
  });
});
