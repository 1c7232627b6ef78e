import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchlistEntrySchema, computeCheckDigit, type WatchlistEntry } from '../../../schemas/src';
import { createCompactWatchlist } from '../../rules/src/watchlist/compact-watchlist';
import { AppError } from '../../../lib/errors';
import { createLogger } from '../../../lib/logger';
import { createWatchlistView, listEntries, type WatchlistFilter } from './watchlist-view';

const RUNS = Number(process.env.FC_RUNS ?? 200);
const JURISDICTIONS = ['140000', '140800', '140882', '530600', '530621'];
const person = (n: number, owner: string, reason: string, display?: { zh: string; en: string }): WatchlistEntry => {
  const first17 = `14088219900101${String(n).padStart(3, '0')}`;
  return WatchlistEntrySchema.parse({ entryId: `WL-${String(n * 7919 % 1000).padStart(3, '0')}-${n}`, kind: 'person', key: first17 + computeCheckDigit(first17), category: n % 2 ? 'fugitive' : 'registered_drug_user', severity: 'high', action: 'detain', ownerJurisdiction: owner, reason, ...(display ? { display } : {}) });
};
const vehicle = (n: number, owner: string, reason: string): WatchlistEntry =>
  WatchlistEntrySchema.parse({ entryId: `WL-V${n}`, kind: 'vehicle', key: `晋C${String(10000 + n).slice(-5)}`, category: 'case_vehicle', severity: 'high', action: 'detain', ownerJurisdiction: owner, reason, provenance: { source: 'admin', by: 'Zhang', at: '2026-01-01T00:00:00Z' } });

/** The listing as the console did it over JS objects: filter everything, sort by id, cut. */
function naive(entries: WatchlistEntry[], f: WatchlistFilter, limit: number) {
  const n = f.needle;
  const all = entries
    .filter((e) => f.inScope(e.ownerJurisdiction) && (!f.kind || e.kind === f.kind) && (!f.category || e.category === f.category))
    .filter((e) => !n || [e.entryId, e.key, e.reason, e.display?.zh ?? '', e.display?.en ?? ''].some((s) => s.toLowerCase().includes(n)))
    .sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
  return { items: all.slice(0, limit), total: all.length };
}

describe('watchlist listing over the compact index', () => {
  it('scans past one slice of slots, yielding between slices, and still finds the first ids', async () => {
    const index = createCompactWatchlist();
    for (let n = 120_000; n > 0; n--) index.upsert(vehicle(n, '140882', 'r'));
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const { items, total } = await listEntries(index, { inScope: () => true, needle: 'wl-v1' }, 3);
    clearInterval(ticking);
    expect(total).toBe(1 + 10 + 100 + 1_000 + 10_000 + 20_001); // WL-V1, WL-V1x, …, WL-V1xxxx and WL-V100000…WL-V120000
    expect(items.map((e) => e.entryId)).toEqual(['WL-V1', 'WL-V10', 'WL-V100']);
    expect(turns).toBeGreaterThan(0);
  });

  it('gives what filtering, sorting and cutting every entry gives, decoding only what it returns', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ n: fc.nat(999), owner: fc.constantFrom(...JURISDICTIONS), reason: fc.constantFrom('在逃 Fugitive', '涉毒 drugs', 'case 7'), display: fc.option(fc.constantFrom({ zh: '张三', en: 'Zhang San' }, { zh: '李四', en: 'Li Si' }, { zh: '王"五', en: 'back\\slash "Wang"' }), { nil: undefined }), vehicle: fc.boolean() }), { maxLength: 60 }),
        fc.record({ scope: fc.constantFrom('000000', '140000', '140800', '530600'), kind: fc.option(fc.constantFrom('person', 'vehicle') as fc.Arbitrary<'person' | 'vehicle'>, { nil: undefined }), category: fc.option(fc.constantFrom('fugitive', 'case_vehicle') as fc.Arbitrary<'fugitive' | 'case_vehicle'>, { nil: undefined }), needle: fc.option(fc.constantFrom('wl-', 'zhang', '李', 'fugitive', 'admin', 'c1', 'nothing', '"', '王"五', '\\slash', '"wang"'), { nil: undefined }), limit: fc.integer({ min: 1, max: 20 }) }),
        async (specs, q) => {
          const index = createCompactWatchlist();
          const held = new Map<string, WatchlistEntry>();
          for (const s of specs) {
            const e = s.vehicle ? vehicle(s.n, s.owner, s.reason) : person(s.n, s.owner, s.reason, s.display);
            index.upsert(e);
            held.set(e.entryId, e);
          }
          const f: WatchlistFilter = { inScope: (j) => q.scope === '000000' || j.startsWith(q.scope.replace(/0+$/, '')), kind: q.kind, category: q.category, needle: q.needle };
          expect(await listEntries(index, f, q.limit)).toEqual(naive([...held.values()], f, q.limit));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('watchlist view before its topic is read', () => {
  it('answers 503 not_ready for what needs the whole list', () => {
    const kafka = { consumer: () => ({}), admin: () => ({}) } as never; // not started: never touched
    const view = createWatchlistView({ kafka, topic: 'watchlist.v1', logger: createLogger({ level: 'silent', name: 'test' }) });
    expect(view.isCaughtUp()).toBe(false);
    for (const f of [() => view.assertRead(), () => view.readyLookup()]) {
      const err = (() => {
        try {
          f();
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'not_ready', retryAfterSeconds: 5 });
    }
  });
});
