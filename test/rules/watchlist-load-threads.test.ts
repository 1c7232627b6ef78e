import { CompressionTypes } from 'kafkajs';
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
 * tombstones, values that are not JSON or not an entry, transactions committed and aborted (trace-back entries are
 * written in transactions), a gzip-compressed batch — and the retro-hunt group has committed half way through one
 * partition, so its later records go the main thread's way (they may be new entries) in between the workers'.
 * The workers either get the records from the consumer or fetch them from the leaders themselves (`direct`).
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
    await producer.send({ topic: ns.topics.watchlist, acks: -1, compression: CompressionTypes.GZIP, messages: Array.from({ length: 120 }, (_, k) => put(person(N + 1000 + k))) });
    // Two transactions open at once; the one begun first is aborted last (the order kafkajs once got wrong).
    const txn = (id: string) => ns.kafka.producer({ transactionalId: `${ns.topicPrefix}${id}`, idempotent: true, maxInFlightRequests: 1 });
    const [early, late] = [txn('wl-early'), txn('wl-late')];
    await Promise.all([early.connect(), late.connect()]);
    const [t1, t2] = [await early.transaction(), await late.transaction()];
    await t1.send({ topic: ns.topics.watchlist, messages: Array.from({ length: 60 }, (_, k) => put(person(N + 2000 + k, { reason: 'aborted' }))) });
    await t2.send({ topic: ns.topics.watchlist, messages: Array.from({ length: 60 }, (_, k) => put(person(N + 3000 + k, { reason: 'aborted' }))) });
    await t2.abort();
    await t1.send({ topic: ns.topics.watchlist, messages: Array.from({ length: 60 }, (_, k) => put(person(N + 2100 + k, { reason: 'aborted' }))) });
    await t1.abort();
    const t3 = await late.transaction();
    await t3.send({ topic: ns.topics.watchlist, messages: Array.from({ length: 90 }, (_, k) => put(person(N + 4000 + k, { reason: 'committed' }))) });
    await t3.commit();
    await Promise.all([early.disconnect(), late.disconnect()]);
    await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: Array.from({ length: 30 }, (_, k) => put(vehicle(N + 5000 + k))) });
    await producer.disconnect();
    // The retro-hunt group stands half way through partition 0: what comes after it there may be a new entry.
    const offsets = await ns.admin.fetchTopicOffsets(ns.topics.watchlist);
    const p0 = offsets.find((p) => p.partition === 0)!;
    await ns.admin.setOffsets({ groupId: retroGroupId(), topic: ns.topics.watchlist, partitions: [{ partition: 0, offset: String(Math.floor(Number(p0.high) / 2)) }] });
  });
  afterAll(() => ns?.cleanup());

  const read = async (threads: number, opts: { create?: (threads: number) => PrepareWorkers; direct?: boolean; directUnitOffsets?: number } = {}): Promise<{ wl: CompactWatchlist; ref: ReferenceData }> => {
    const wl = createCompactWatchlist();
    const ref = createReferenceData({
      kafka: ns.kafka,
      topics: { watchlist: ns.topics.watchlist, rules: ns.topics.rules },
      watchlist: wl,
      defaults: DEFAULT_RULES,
      retroGroupId: retroGroupId(),
      loadWorkers: { threads, fromRecords: 0, ...opts },
      logger: ns.logger,
    });
    await ref.start();
    await ref.stop();
    return { wl, ref };
  };

  /** What a read with workers must give: what the main thread alone gives. */
  const expectSameAs = (threaded: { wl: CompactWatchlist; ref: ReferenceData }, main: { wl: CompactWatchlist; ref: ReferenceData }) => {
    const sorted = (wl: CompactWatchlist) => [...wl.entries()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    expect(sorted(threaded.wl)).toEqual(sorted(main.wl));
    const markOf = (r: ReferenceData) => {
      const m = r.watchlistMark();
      return { positions: [...m.positions].sort(), lastKeys: [...m.lastKeys].sort(), introductions: [...m.introductions].sort() };
    };
    expect(markOf(threaded.ref)).toEqual(markOf(main.ref));
    expect(threaded.ref.watchlistRecordsApplied()).toBe(main.ref.watchlistRecordsApplied());
  };

  it.each([
    ['fetched by the consumer', false],
    ['fetched by the workers from the leaders', true],
  ])('gives the index, positions and new-entry marks of a read on the main thread alone (records %s)', async (_, direct) => {
    const main = await read(0);
    const threaded = await read(2, { direct });
    expect(main.ref.watchlistLoadThreads()).toBe(0);
    expect(threaded.ref.watchlistLoadThreads()).toBe(2);
    // All but what follows the retro-hunt group's offset on partition 0 (and what came after the read began: nothing).
    if (direct) expect(threaded.ref.watchlistDirectRecords()).toBeGreaterThan(N);
    else expect(threaded.ref.watchlistDirectRecords()).toBe(0);
    expectSameAs(threaded, main);
    // Committed transactions count, aborted ones do not; the gzip batch reads like any other.
    expect(threaded.wl.get(`WL-LT-P-${N + 4000}`)).toMatchObject({ reason: 'committed' });
    for (const n of [N + 2000, N + 2159, N + 3000]) expect(threaded.wl.get(`WL-LT-P-${n}`)).toBeUndefined();
    expect(threaded.wl.get(`WL-LT-P-${N + 1119}`)).toBeDefined();

    const sorted = (wl: CompactWatchlist) => [...wl.entries()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    const entries = sorted(threaded.wl);
    expect(entries).toEqual(sorted(main.wl));
    // N first puts, 300 + 120 + 90 + 30 new, 100 removed; the bad values, the stale put and the aborted ones change nothing.
    expect(entries).toHaveLength(N + 540 - 100);
    expect(threaded.wl.get('WL-LT-P-5')).toMatchObject({ version: 1 });
    expect(threaded.wl.get('WL-LT-P-1')).toMatchObject({ version: 2, reason: '改' });
    expect(threaded.wl.get('WL-LT-V-0')).toBeUndefined();
    expect(threaded.wl.get('WL-LT-BAD-2')).toBeUndefined();
    const { compactions, ...stats } = threaded.wl.stats();
    expect(stats).toMatchObject({ entries: N + 440, staleIgnored: 1 });
    expect(compactions).toBe(main.wl.stats().compactions);

    expect(threaded.ref.watchlistMark().introductions.length).toBeGreaterThan(0);

    // And it answers lookups the same: a person, a plate (exact and misread), a permit's carrier.
    const p = WatchlistEntrySchema.parse(person(1));
    // (In any order: the index keeps matches in the order they were applied, and the partitions' records interleave differently.)
    const idOf = (e: { entry: WatchlistEntry } | WatchlistEntry) => ('entry' in e ? e.entry.entryId : e.entryId);
    const byId = <T extends { entry: WatchlistEntry } | WatchlistEntry>(es: T[]) => [...es].sort((a, b) => (idOf(a) < idOf(b) ? -1 : 1));
    expect(threaded.wl.matchPerson(p.key, AT).length).toBeGreaterThan(1);
    expect(byId(threaded.wl.matchPerson(p.key, AT))).toEqual(byId(main.wl.matchPerson(p.key, AT)));
    for (const q of [plate(N + 5), plate(N + 5).replace('C', 'G'), plate(3)]) expect(byId(threaded.wl.matchVehicle(q, AT))).toEqual(byId(main.wl.matchVehicle(q, AT)));
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
    const threaded = await read(2, { create: flaky, direct: false });
    expect(chunks).toBeGreaterThan(1);
    expectSameAs(threaded, main);
  });

  it('reads on through the consumer from where a direct read stopped, and gives the same result', async () => {
    const main = await read(0);
    let units = 0;
    const failing = (threads: number): PrepareWorkers => {
      const real = createPrepareWorkers(threads);
      // The ninth unit fails (a leader moved, say): that partition's units before it stay applied, its later ones are
      // not (the consumer reads them), and the other partitions go on.
      return { ...real, readRange: (req) => (++units === 9 ? Promise.reject(new Error('partition 2: the broker answered error code 6')) : real.readRange(req)) };
    };
    const threaded = await read(2, { create: failing, directUnitOffsets: 100 });
    expect(units).toBeGreaterThan(9);
    expect(threaded.ref.watchlistDirectRecords()).toBeGreaterThan(9 * 100);
    expect(threaded.ref.watchlistDirectRecords()).toBeLessThan(threaded.ref.watchlistRecordsApplied() - 100);
    expectSameAs(threaded, main);
  });

  it('reads directly in many small units the same as in one', async () => {
    const main = await read(0);
    const threaded = await read(2, { directUnitOffsets: 37 });
    expect(threaded.ref.watchlistDirectRecords()).toBeGreaterThan(N);
    expectSameAs(threaded, main);
  });

  it('reads on the main thread when the backlog is below the threshold', async () => {
    const wl = createCompactWatchlist();
    const ref = createReferenceData({ kafka: ns.kafka, topics: { watchlist: ns.topics.watchlist, rules: ns.topics.rules }, watchlist: wl, defaults: DEFAULT_RULES, retroGroupId: retroGroupId(), loadWorkers: { threads: 2, fromRecords: 1_000_000 }, logger: ns.logger });
    await ref.start();
    await ref.stop();
    expect(ref.watchlistLoadThreads()).toBe(0);
    expect(wl.size()).toBe(N + 440);
  });
});

describe('rules watchlist read straight from the leaders: open transactions, stop, a failed apply', () => {
  let ns: Namespace;
  const N = 3_000;
  const retroGroupId = () => `${ns.topicPrefix}rules-retro`;
  beforeAll(async () => {
    ns = await createNamespace('rules-direct-edges');
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: Array.from({ length: N }, (_, n) => ({ key: `WL-LT-P-${n}`, value: JSON.stringify(person(n)) })) });
    await producer.disconnect();
  });
  afterAll(() => ns?.cleanup());

  const reference = (wl: CompactWatchlist, opts: { create?: (threads: number) => PrepareWorkers; directUnitOffsets?: number } = {}) =>
    createReferenceData({ kafka: ns.kafka, topics: { watchlist: ns.topics.watchlist, rules: ns.topics.rules }, watchlist: wl, defaults: DEFAULT_RULES, retroGroupId: retroGroupId(), loadWorkers: { threads: 2, fromRecords: 0, ...opts }, logger: ns.logger });
  const pending = Symbol('pending');
  const settledWithin = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r(pending), ms))]);

  it('reads to the last stable offset directly while a transaction is open, and its records through the consumer once committed', async () => {
    const txn = ns.kafka.producer({ transactionalId: `${ns.topicPrefix}wl-open`, idempotent: true, maxInFlightRequests: 1 });
    await txn.connect();
    const t = await txn.transaction();
    // Open on partition 1: the end a start sees there is its last stable offset, before the transaction.
    await t.send({ topic: ns.topics.watchlist, messages: Array.from({ length: 20 }, (_, k) => ({ partition: 1, key: `WL-LT-P-${N + k}`, value: JSON.stringify(person(N + k, { reason: 'committed late' })) })) });
    const wl = createCompactWatchlist();
    const ref = reference(wl);
    try {
      await ref.start();
      expect(ref.watchlistDirectRecords()).toBe(N);
      expect(wl.size()).toBe(N);
      await t.commit();
      const deadline = Date.now() + 15_000;
      while (wl.size() < N + 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(wl.get(`WL-LT-P-${N + 19}`)).toMatchObject({ reason: 'committed late' });
    } finally {
      await txn.disconnect();
      await ref.stop();
    }
    const main = createCompactWatchlist();
    const mainRef = createReferenceData({ kafka: ns.kafka, topics: { watchlist: ns.topics.watchlist, rules: ns.topics.rules }, watchlist: main, defaults: DEFAULT_RULES, retroGroupId: retroGroupId(), logger: ns.logger });
    await mainRef.start();
    await mainRef.stop();
    const sorted = (w: CompactWatchlist) => [...w.entries()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
    expect(sorted(wl)).toEqual(sorted(main));
    expect([...ref.watchlistMark().positions].sort()).toEqual([...mainRef.watchlistMark().positions].sort());
  });

  it('applies nothing more once stopped during the direct read, and its start does not go on to the consumer', async () => {
    const wl = createCompactWatchlist();
    const slow = (threads: number): PrepareWorkers => {
      const real = createPrepareWorkers(threads);
      return { ...real, readRange: async (req) => (await new Promise((r) => setTimeout(r, 40)), real.readRange(req)) };
    };
    const ref = reference(wl, { create: slow, directUnitOffsets: 20 });
    const started = ref.start();
    const deadline = Date.now() + 20_000;
    while (wl.size() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(wl.size()).toBeGreaterThan(0);
    await ref.stop();
    const atStop = wl.size();
    expect(await settledWithin(started, 1_500)).toBe(pending);
    expect(wl.size()).toBeLessThan(N);
    expect(wl.size() - atStop).toBeLessThanOrEqual(20); // at most the unit being applied when stop came
  });

  it('fails the start when an answer cannot be applied, instead of reading on as if it had been', async () => {
    const wl = createCompactWatchlist();
    let units = 0;
    const corrupt = (threads: number): PrepareWorkers => {
      const real = createPrepareWorkers(threads);
      return {
        ...real,
        readRange: async (req) => {
          const r = await real.readRange(req);
          if (++units === 3) r.out[0] = 9;
          return r;
        },
      };
    };
    const ref = reference(wl, { create: corrupt, directUnitOffsets: 200 });
    await expect(ref.start()).rejects.toThrow(/op 9/);
    await ref.stop();
  });
});
