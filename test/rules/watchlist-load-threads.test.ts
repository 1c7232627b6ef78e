import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchlistEntrySchema, computeCheckDigit, type WatchlistEntry } from '../../schemas/src';
import { createReferenceData, type ReferenceData } from '../../services/rules/src/reference-loader';
import { DEFAULT_RULES } from '../../services/rules/src/default-rules';
import { createCompactWatchlist, type CompactWatchlist } from '../../services/rules/src/watchlist/compact-watchlist';
import { createPrepareWorkers, type PrepareWorkers } from '../../services/rules/src/watchlist/prepare-workers';
import { createNamespace, type Namespace } from '../support/namespace';

/**
 * A cold start of a big watchlist reads it with worker threads (`loadWorkers`): whatever path a record takes, the
 * index, the positions and the records counted as new entries must be what a read on the main thread alone gives.
 * The topic holds every kind of record a real one does — puts of all kinds, later versions and a stale one,
 * tombstones, values that are not JSON or not an entry — and the retro-hunt group has committed half way through
 * one partition, so its later records go the main thread's way (they may be new entries) in between the workers'.
 */
const AT = new Date('2026-11-22T10:00:00+08:00');
const person = (n: number, o: Record<string, unknown> = {}) => {
  const first17 = `53062119${String(70 + (n % 30))}0101${String(n % 1000).padStart(3, '0')}`;
  return { entryId: `WL-LT-P-${n}`, kind: 'person', key: first17 + computeCheckDigit(first17), category: 'fugitive', severity: 'critical', action: 'detain', ownerJurisdiction: '530600', reason: `在逃 ${n % 5}`, validFrom: '2026-01-01T00:00:00+08:00', version: 1, ...o };
};
const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const plate = (n: number) => `云C${SERIAL[n % 34]}${SERIAL[Math.floor(n / 34) % 34]}${String(n % 1000).padStart(3, '0')}`;
const vehicle = (n: number, o: Record<string, unknown> = {}) => ({ entryId: `WL-LT-V-${n}`, kind: 'vehicle', key: plate(n), category: 'case_vehicle', severity: 'high', action: 'detain', ownerJurisdiction: '530600', reason: '涉案车辆', provenance: { source: 'import', by: 'admin-1', at: '2026-01-02T09:00:00+08:00' }, version: 1, ...o });
const permit = (n: number) => ({ entryId: `WL-LT-X-${n}`, kind: 'permit', key: `XK-${n}`, category: 'precursor_permit', severity: 'low', action: 'question', ownerJurisdiction: '530600', reason: '许可', attributes: { chemical: 'ephedrine', maxQuantityKg: 50, carrierPlate: plate(n + 500) } });

describe('rules watchlist read with worker threads', () => {
  let ns: Namespace;
  const N = 2_000;
  const retroGroupId = () => `${ns.topicPrefix}rules-retro`;

  beforeAll(async () => {
    ns = await createNamespace('rules-load-threads');
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    const put = (e: Record<string, unknown>) => ({ key: String(e.entryId), value: JSON.stringify(e) });
    const first = Array.from({ length: N }, (_, n) => put(n % 10 === 9 ? permit(n) : n % 3 === 0 ? vehicle(n) : person(n)));
    await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: first });
    const second = [
      ...Array.from({ length: 200 }, (_, k) => 3 * k + 1)
        .filter((n) => n % 10 !== 9) // persons only
        .map((n) => put(person(n, { version: 2, reason: '改' }))), // later versions
      put(person(5, { version: 0, reason: 'stale' })), // older than the one held: ignored
      ...Array.from({ length: 100 }, (_, k) => ({ key: `WL-LT-V-${6 * k}`, value: null })), // tombstones
      { key: 'WL-LT-BAD-1', value: '{"entryId": ' }, // not JSON
      { key: 'WL-LT-BAD-2', value: JSON.stringify({ ...person(7), entryId: 'WL-LT-BAD-2', key: '123' }) }, // not an entry
      ...Array.from({ length: 300 }, (_, k) => put(vehicle(N + k))), // new entries
    ];
    await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: second });
    await producer.disconnect();
    // The retro-hunt group stands half way through partition 0: what comes after it there may be a new entry.
    const offsets = await ns.admin.fetchTopicOffsets(ns.topics.watchlist);
    const p0 = offsets.find((p) => p.partition === 0)!;
    await ns.admin.setOffsets({ groupId: retroGroupId(), topic: ns.topics.watchlist, partitions: [{ partition: 0, offset: String(Math.floor(Number(p0.high) / 2)) }] });
  });
  afterAll(() => ns?.cleanup());

  const read = async (threads: number, create?: (threads: number) => PrepareWorkers): Promise<{ wl: CompactWatchlist; ref: ReferenceData }> => {
    const wl = createCompactWatchlist();
    const ref = createReferenceData({
      kafka: ns.kafka,
      topics: { watchlist: ns.topics.watchlist, rules: ns.topics.rules },
      watchlist: wl,
      defaults: DEFAULT_RULES,
      retroGroupId: retroGroupId(),
      loadWorkers: { threads, fromRecords: 0, create },
      logger: ns.logger,
    });
    await ref.start();
    await ref.stop();
    return { wl, ref };
  };

  it('gives the index, positions and new-entry marks of a read on the main thread alone', async () => {
    const main = await read(0);
    const threaded = await read(2);
    expect(main.ref.watchlistLoadThreads()).toBe(0);
    expect(threaded.ref.watchlistLoadThreads()).toBe(2);

    const sorted = (wl: CompactWatchlist) => [...wl.entries()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    const entries = sorted(threaded.wl);
    expect(entries).toEqual(sorted(main.wl));
    // N first puts, 300 new, 100 removed; the bad values and the stale put change nothing.
    expect(entries).toHaveLength(N + 300 - 100);
    expect(threaded.wl.get('WL-LT-P-5')).toMatchObject({ version: 1 });
    expect(threaded.wl.get('WL-LT-P-1')).toMatchObject({ version: 2, reason: '改' });
    expect(threaded.wl.get('WL-LT-V-0')).toBeUndefined();
    expect(threaded.wl.get('WL-LT-BAD-2')).toBeUndefined();
    const { compactions, ...stats } = threaded.wl.stats();
    expect(stats).toMatchObject({ entries: N + 200, staleIgnored: 1 });
    expect(compactions).toBe(main.wl.stats().compactions);

    const markOf = (r: ReferenceData) => {
      const m = r.watchlistMark();
      return { positions: [...m.positions].sort(), lastKeys: [...m.lastKeys].sort(), introductions: [...m.introductions].sort() };
    };
    expect(markOf(threaded.ref)).toEqual(markOf(main.ref));
    expect(markOf(threaded.ref).introductions.length).toBeGreaterThan(0);
    expect(threaded.ref.watchlistRecordsApplied()).toBe(main.ref.watchlistRecordsApplied());

    // And it answers lookups the same: a person, a plate (exact and misread), a permit's carrier.
    const p = WatchlistEntrySchema.parse(person(1));
    expect(threaded.wl.matchPerson(p.key, AT)).toEqual(main.wl.matchPerson(p.key, AT));
    for (const q of [plate(N + 5), plate(N + 5).replace('C', 'G'), plate(3)]) expect(threaded.wl.matchVehicle(q, AT)).toEqual(main.wl.matchVehicle(q, AT));
    expect(threaded.wl.matchPermits({ carrierPlate: plate(509) }, AT).map((e: WatchlistEntry) => e.entryId)).toEqual(['WL-LT-X-9']);
  });

  it('reads a chunk on the main thread when its worker fails, and gives the same result', async () => {
    const main = await read(0);
    let chunks = 0;
    const flaky = (threads: number): PrepareWorkers => {
      const real = createPrepareWorkers(threads);
      // Every other chunk's worker "dies" (the answer never comes back).
      return { ...real, prepare: (values) => (chunks++ % 2 === 1 ? Promise.reject(new Error('worker exited (code 1)')) : real.prepare(values)) };
    };
    const threaded = await read(2, flaky);
    expect(chunks).toBeGreaterThan(1);
    const sorted = (wl: CompactWatchlist) => [...wl.entries()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    expect(sorted(threaded.wl)).toEqual(sorted(main.wl));
    expect([...threaded.ref.watchlistMark().positions].sort()).toEqual([...main.ref.watchlistMark().positions].sort());
  });

  it('reads on the main thread when the backlog is below the threshold', async () => {
    const wl = createCompactWatchlist();
    const ref = createReferenceData({ kafka: ns.kafka, topics: { watchlist: ns.topics.watchlist, rules: ns.topics.rules }, watchlist: wl, defaults: DEFAULT_RULES, retroGroupId: retroGroupId(), loadWorkers: { threads: 2, fromRecords: 1_000_000 }, logger: ns.logger });
    await ref.start();
    await ref.stop();
    expect(ref.watchlistLoadThreads()).toBe(0);
    expect(wl.size()).toBe(N + 200);
  });
});
