import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// kafkajs 2.2.4 is patched (patches/kafkajs+2.2.4.patch): a record's offset and timestamp are computed as Numbers
// when they are exact as Numbers (they were Longs parsed from strings, twice a record), records are decoded in place,
// and the consumer's batch compares offsets as Numbers. Every consumer of the system reads through this code, so
// these properties hold the patched decoder to the protocol's arithmetic — including the fallbacks (offsets and
// timestamps past 2^53, timestamp deltas too long for the fast read, log-append time) and records with headers.
const require = createRequire(import.meta.url);
type LongT = { toString(): string };
const Long = require('kafkajs/src/utils/long') as { fromString(s: string): LongT; fromValue(v: unknown): LongT };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ records: DecodedRecord[] }>;
const Batch = require('kafkajs/src/consumer/batch.js') as new (topic: string, fetchedOffset: string, data: object) => { messages: DecodedRecord[] };

interface DecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}

const INT64_MAX = 2n ** 63n - 1n;
const LOG_APPEND_TIME_FLAG = 0x08;

async function roundTrip(firstOffset: bigint, firstTimestamp: bigint, deltas: bigint[], opts: { headers?: boolean; appendTime?: boolean } = {}) {
  const records = deltas.map((d, i) =>
    Record({ offsetDelta: i, timestampDelta: Long.fromString(String(d)), key: Buffer.from(`k${i}`), value: i % 3 === 2 ? null : Buffer.from(`value ${i} ✓`), headers: opts.headers ? { trace: `t${i}`, twice: ['a', 'b'] } : {} }),
  );
  const maxTimestamp = firstTimestamp + 1000n;
  const { buffer } = await RecordBatch({
    firstOffset: Long.fromString(String(firstOffset)),
    firstTimestamp: Long.fromString(String(firstTimestamp)),
    maxTimestamp: Long.fromString(String(maxTimestamp)),
    lastOffsetDelta: deltas.length - 1,
    records,
  });
  // The attributes (int16) follow firstOffset (8), length (4), leader epoch (4), magic (1) and crc (4).
  const lowAttributes = 8 + 4 + 4 + 1 + 4 + 1;
  if (opts.appendTime) buffer[lowAttributes] = buffer[lowAttributes]! | LOG_APPEND_TIME_FLAG;
  const decoded = await decodeBatch(new Decoder(buffer));
  return { decoded: decoded.records, maxTimestamp };
}

describe('kafkajs record decoding (patched)', () => {
  it('gives every record the offset and timestamp the protocol defines, in and out of the Number range', async () => {
    const offset = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.bigInt({ min: 2n ** 53n - 50n, max: INT64_MAX - 100n }));
    const timestamp = fc.oneof(fc.bigInt({ min: 1_600_000_000_000n, max: 1_900_000_000_000n }), fc.constant(-1n), fc.bigInt({ min: 2n ** 53n - 10n, max: 2n ** 60n }));
    const delta = fc.oneof(fc.bigInt({ min: -1000n, max: 100_000n }), fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }), fc.bigInt({ min: 2n ** 48n - 5n, max: 2n ** 49n + 5n }));
    await fc.assert(
      fc.asyncProperty(offset, timestamp, fc.array(delta, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean(), async (first, ts, deltas, headers, appendTime) => {
        const { decoded, maxTimestamp } = await roundTrip(first, ts, deltas, { headers, appendTime });
        expect(decoded).toHaveLength(deltas.length);
        decoded.forEach((r, i) => {
          expect(r.offset).toBe(String(first + BigInt(i)));
          expect(r.timestamp).toBe(appendTime ? String(maxTimestamp) : String(ts + deltas[i]!));
          expect(r.key?.toString()).toBe(`k${i}`);
          expect(r.value?.toString() ?? null).toBe(i % 3 === 2 ? null : `value ${i} ✓`);
          if (headers) {
            expect(r.headers.trace?.toString()).toBe(`t${i}`);
            expect((r.headers.twice as Buffer[]).map(String)).toEqual(['a', 'b']);
          } else expect(r.headers).toEqual({});
        });
      }),
      { numRuns: 300 },
    );
  });

  it('drops the records before the fetched offset, whichever way offsets compare', async () => {
    for (const first of [5n, 2n ** 53n + 7n]) {
      const { decoded } = await roundTrip(first, 1_700_000_000_000n, [0n, 1n, 2n, 3n]);
      const batch = new Batch('t', String(first + 2n), { partition: 0, highWatermark: String(first + 4n), messages: decoded, abortedTransactions: [] });
      expect(batch.messages.map((m) => m.offset)).toEqual([String(first + 2n), String(first + 3n)]);
    }
  });
});
