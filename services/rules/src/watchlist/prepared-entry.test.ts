import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WatchlistEntrySchema, computeCheckDigit, type WatchlistEntry } from '../../../../schemas/src';
import { createCompactWatchlist } from './compact-watchlist';
import { createPreparedWriter, preparedSize } from './prepared-entry';
import { OP_INVALID, OP_PUT, OP_TOMBSTONE, createPrepareWorkers } from './prepare-workers';
import { createStringPool } from './string-pool';
import { stringHash } from './string-hash';

const RUNS = Number(process.env.FC_RUNS ?? 200);
const AT = new Date('2026-11-22T10:00:00+08:00');
const person = (n: number, o: Record<string, unknown> = {}): WatchlistEntry => {
  const first17 = `140882199001${String(10 + (n % 18)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  return WatchlistEntrySchema.parse({ entryId: `WL-P-${n}`, kind: 'person', key: first17 + computeCheckDigit(first17), category: 'fugitive', severity: 'critical', action: 'detain', ownerJurisdiction: '140882', reason: `在逃 ${n % 7}`, validFrom: '2026-01-01T00:00:00+08:00', ...o });
};
const vehicle = (plate: string, n: number, o: Record<string, unknown> = {}): WatchlistEntry =>
  WatchlistEntrySchema.parse({ entryId: `WL-V-${n}`, kind: 'vehicle', key: plate, category: 'case_vehicle', severity: 'high', action: 'detain', ownerJurisdiction: '140882', reason: '涉案车辆', provenance: { source: 'import', by: 'admin', at: '2026-01-02T09:00:00+08:00' }, ...o });
const permit = (n: number, carrier?: string): WatchlistEntry =>
  WatchlistEntrySchema.parse({ entryId: `WL-X-${n}`, kind: 'permit', key: `XK-${n}`, category: 'precursor_permit', severity: 'low', action: 'question', ownerJurisdiction: '150600', reason: '许可', attributes: { chemical: 'ephedrine', maxQuantityKg: 50, ...(carrier ? { carrierPlate: carrier } : {}) } });

describe('prepared watchlist entries', () => {
  it('applied from a writer’s buffer, give the index upsert gives (entries, lookups, stats)', () => {
    const ops: Array<{ put: WatchlistEntry } | { remove: string }> = [
      { put: person(1) },
      { put: vehicle('晋M7K391', 2) },
      { put: permit(3, '蒙K8L512') },
      { put: person(1, { version: 3, reason: 'changed' }) },
      { put: person(1, { version: 2, reason: 'stale' }) },
      { put: vehicle('晋CD12345', 4, { version: 2 ** 40, display: { zh: '车', en: 'car' } }) },
      { remove: 'WL-V-2' },
      { put: person(5, { validUntil: '2026-06-01T00:00:00+08:00' }) },
    ];
    const direct = createCompactWatchlist();
    const prepared = createCompactWatchlist();
    const w = createPreparedWriter(64); // small: it must grow
    for (const op of ops) {
      if ('put' in op) {
        direct.upsert(op.put);
        w.put(op.put);
        // Through another buffer, as a worker's answer arrives.
        const bytes = Buffer.from(w.take());
        expect(prepared.upsertPrepared(bytes, 0)).toBe(bytes.length);
      } else {
        direct.remove(op.remove);
        prepared.remove(op.remove);
      }
    }
    const sorted = (wl: typeof direct) => [...wl.entries()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    expect(sorted(prepared)).toEqual(sorted(direct));
    expect(prepared.stats()).toEqual(direct.stats());
    expect(prepared.get('WL-P-1')).toMatchObject({ version: 3, reason: 'changed' });
    expect(prepared.stats().staleIgnored).toBe(1);
    expect(prepared.matchVehicle('晋CD12345', AT).map((m) => m.entry.entryId)).toEqual(['WL-V-4']);
    expect(prepared.matchVehicle('晋M7K391', AT)).toEqual([]);
    expect(prepared.matchPermits({ carrierPlate: '蒙K8L512' }, AT).map((e) => e.entryId)).toEqual(['WL-X-3']);
    expect(prepared.get('WL-V-4')!.version).toBe(2 ** 40);
  });

  it('a writer holds entries back to back; truncate drops a partial one', () => {
    const w = createPreparedWriter(16);
    w.put(person(1));
    const first = w.length();
    w.put(person(2));
    expect(preparedSize(w.bytes(), 0)).toBe(first);
    expect(preparedSize(w.bytes(), first)).toBe(w.length() - first);
    w.truncate(first);
    expect(w.length()).toBe(first);
  });
});

describe('string pool', () => {
  it('interns text and its UTF-8 bytes to the same ids, whatever lands in the same hot slot', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 300 }), (texts) => {
        const pool = createStringPool();
        const ids = new Map<string, number>();
        for (const [i, t] of texts.entries()) {
          const b = Buffer.from(`xx${t}`);
          const id = i % 2 ? pool.intern(t) : pool.internBytes(stringHash(t), b, 2, b.length - 2);
          if (ids.has(t)) expect(id).toBe(ids.get(t));
          ids.set(t, id);
          expect(pool.get(id)).toBe(Buffer.from(t).toString());
        }
        expect(pool.count()).toBe(new Set(texts.map((t) => Buffer.from(t).toString())).size);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('prepare workers (real worker threads)', () => {
  const workers = createPrepareWorkers(2);
  afterAll(() => workers.close());

  it('answer each value in order: an entry prepared, a tombstone, or invalid (bad JSON, bad entry)', async () => {
    const good = [person(11), vehicle('云C77845', 12), permit(13, '晋A9K8L7')];
    const values = [Buffer.from(JSON.stringify(good[0])), null, Buffer.from('{not json'), Buffer.from(JSON.stringify({ ...good[1], key: 'nope' })), Buffer.from(JSON.stringify(good[1])), Buffer.from(JSON.stringify(good[2]))];
    // Several chunks at once, over both workers: each answer is its own chunk's.
    const answers = await Promise.all([workers.prepare(values), workers.prepare(values.slice(4)), workers.prepare([null])]);
    const decode = (buf: Buffer) => {
      const wl = createCompactWatchlist();
      const ops: number[] = [];
      for (let at = 0; at < buf.length; ) {
        const op = buf[at]!;
        ops.push(op);
        at = op === OP_PUT ? wl.upsertPrepared(buf, at + 1) : at + 1;
      }
      return { ops, entries: [...wl.entries()] };
    };
    expect(decode(answers[0]!).ops).toEqual([OP_PUT, OP_TOMBSTONE, OP_INVALID, OP_INVALID, OP_PUT, OP_PUT]);
    expect(decode(answers[0]!).entries).toEqual([good[0], good[1], good[2]]);
    expect(decode(answers[1]!).entries).toEqual([good[1], good[2]]);
    expect(decode(answers[2]!).ops).toEqual([OP_TOMBSTONE]);
    expect(workers.inFlight()).toBe(0);
  });

  it('reject at once, never hang, once their threads have died', async () => {
    const dying = createPrepareWorkers(2, { script: new URL('../../../../test/support/dying-prepare-worker.mjs', import.meta.url) });
    try {
      const first = await Promise.allSettled([dying.prepare([Buffer.from('{}')]), dying.prepare([Buffer.from('{}')])]);
      expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      // Both threads are gone: a later chunk is refused at once (the caller reads it itself) instead of waiting forever.
      const later = await Promise.race([dying.prepare([Buffer.from('{}')]).then(() => 'answered', () => 'rejected'), new Promise((r) => setTimeout(() => r('hung'), 2_000))]);
      expect(later).toBe('rejected');
    } finally {
      await dying.close();
    }
  });
});
