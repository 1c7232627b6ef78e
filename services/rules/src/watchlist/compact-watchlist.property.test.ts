import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NEW_ENERGY_LETTERS, PROVINCES, PROVINCE_BY_REGION, PROVINCE_CONFUSIONS, SERIAL_CHARS, WatchlistEntrySchema, computeCheckDigit, type WatchlistEntry } from '../../../../schemas/src';
import { createWatchlistIndex } from '../simple-watchlist';
import { createCompactWatchlist } from './compact-watchlist';

const RUNS = Number(process.env.FC_RUNS ?? 200);
const AT = new Date('2026-11-22T10:00:00+08:00');
const LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
const LOOKALIKE: Record<string, string> = { '0': 'D', D: 'Q', Q: '0', '1': 'Z', Z: '2', '2': 'Z', '5': 'S', S: '5', '8': 'B', B: '8', '6': 'G', G: '6' };

const ordinaryPlate = fc
  .tuple(fc.constantFrom(...PROVINCES), fc.constantFrom(...LETTERS), fc.array(fc.constantFrom(...SERIAL_CHARS), { minLength: 5, maxLength: 5 }))
  .map(([p, l, s]) => p + l + s.join(''));
const newEnergyPlate = fc
  .tuple(fc.constantFrom(...PROVINCES), fc.constantFrom(...LETTERS), fc.constantFrom(...NEW_ENERGY_LETTERS), fc.constantFrom(...SERIAL_CHARS), fc.integer({ min: 0, max: 9999 }))
  .map(([p, l, n, c, d]) => p + l + n + c + String(d).padStart(4, '0'));
const plate = fc.oneof({ weight: 4, arbitrary: ordinaryPlate }, { weight: 1, arbitrary: newEnergyPlate });
const residentId = fc
  .tuple(fc.constantFrom(...Object.keys(PROVINCE_BY_REGION)), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 999 }))
  .map(([prov, area, day, seq]) => {
    const d = new Date(Date.UTC(1950, 0, 1) + day * 86_400_000);
    const first17 = `${prov}${String(area).padStart(2, '0')}01${d.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    return first17 + computeCheckDigit(first17);
  });

let serial = 0;
const vehicleEntry = (key: string, extra: Record<string, unknown> = {}): WatchlistEntry =>
  WatchlistEntrySchema.parse({ entryId: `WL-V-${serial++}`, kind: 'vehicle', key, category: 'case_vehicle', severity: 'high', action: 'detain', ownerJurisdiction: '140882', reason: 'p', ...extra });

/** An entry of any kind with optional fields present or absent, free text of any Unicode. */
const anyEntry = fc
  .record({
    kind: fc.constantFrom('person', 'vehicle', 'permit'),
    person: residentId,
    plate,
    permit: fc.stringMatching(/^[A-Z0-9-]{1,20}$/),
    reason: fc.string({ unit: 'binary', maxLength: 80 }),
    validFrom: fc.option(fc.constantFrom('2026-01-01T00:00:00+08:00', '2025-05-05T05:05:05.123Z'), { nil: undefined }),
    validUntil: fc.option(fc.constant('2030-01-01T00:00:00+08:00'), { nil: undefined }),
    version: fc.oneof(fc.nat(), fc.constant(2 ** 40)),
    provenance: fc.option(fc.record({ source: fc.constantFrom('admin', 'import'), by: fc.string({ minLength: 1, maxLength: 10 }), at: fc.constant('2026-11-01T00:00:00Z') }), { nil: undefined }),
    display: fc.option(fc.record({ zh: fc.string({ maxLength: 10 }), en: fc.string({ maxLength: 10 }) }), { nil: undefined }),
    carrier: fc.option(plate, { nil: undefined }),
  })
  .map((r) => {
    const attributes = r.kind === 'permit' ? { chemical: 'ephedrine', maxQuantityKg: 5, ...(r.carrier ? { carrierPlate: r.carrier } : {}) } : {};
    const key = r.kind === 'person' ? r.person : r.kind === 'vehicle' ? r.plate : r.permit;
    const category = r.kind === 'person' ? 'fugitive' : r.kind === 'vehicle' ? 'vehicle_of_interest' : 'precursor_permit';
    return WatchlistEntrySchema.parse({ entryId: `WL-${serial++}`, kind: r.kind, key, category, severity: 'low', action: 'question', ownerJurisdiction: '110000', reason: r.reason, validFrom: r.validFrom, validUntil: r.validUntil, version: r.version, provenance: r.provenance, display: r.display, attributes });
  });

/** A misreading of `p`: a look-alike, a confused province, a dropped or an added character. */
const misread = (p: string) =>
  fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 7 }), fc.constantFrom(...SERIAL_CHARS)).map(([how, i, c]) => {
    const chars = [...p];
    const at = 1 + (i % (chars.length - 1));
    if (how === 0) chars[at] = LOOKALIKE[chars[at]!] ?? c;
    else if (how === 1) chars[0] = PROVINCE_CONFUSIONS[chars[0]!]?.[0] ?? chars[0]!;
    else if (how === 2) chars.splice(i % chars.length, 1);
    else chars.splice(i % (chars.length + 1), 0, i === 0 ? PROVINCES[c.charCodeAt(0) % PROVINCES.length]! : c);
    return chars.join('');
  });

describe('compact watchlist properties', () => {
  it('returns every stored entry deep-equal to what was put, and finds it exactly by its key', () => {
    fc.assert(
      fc.property(fc.array(anyEntry, { minLength: 1, maxLength: 30 }), (entries) => {
        const wl = createCompactWatchlist();
        for (const e of entries) wl.upsert(e);
        expect(wl.size()).toBe(entries.length);
        for (const e of entries) {
          expect(wl.get(e.entryId)).toEqual(e);
          const noValidity = { ...e, validFrom: undefined, validUntil: undefined };
          const at = e.validFrom ? new Date(e.validFrom) : AT;
          if (e.validUntil && at.getTime() > Date.parse(e.validUntil)) continue;
          const found =
            e.kind === 'person' ? wl.matchPerson(e.key, at) : e.kind === 'vehicle' ? wl.matchVehicle(e.key, at, { fuzzy: false, limit: 50 }).map((m) => m.entry) : wl.matchPermits({ permitNo: e.key }, at);
          expect(found.map((x) => ({ ...x, validFrom: undefined, validUntil: undefined }))).toContainEqual(noValidity);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('finds the same exact and fuzzy candidates as the simple Map-based index, with the same kinds', () => {
    fc.assert(
      fc.property(
        fc.array(plate, { minLength: 1, maxLength: 25 }).chain((listed) => fc.tuple(fc.constant(listed), fc.array(fc.oneof(fc.constantFrom(...listed).chain(misread), fc.constantFrom(...listed), plate), { minLength: 1, maxLength: 10 }))),
        ([listed, observed]) => {
          const compact = createCompactWatchlist();
          const simple = createWatchlistIndex();
          for (const p of listed) {
            const e = vehicleEntry(p);
            compact.upsert(e);
            simple.upsert(e);
          }
          for (const o of observed) {
            const view = (ms: Array<{ entry: WatchlistEntry; kind: string }>) => ms.map((m) => `${m.entry.entryId}:${m.kind}`).sort();
            expect(view(compact.matchVehicle(o, AT, { limit: 1000 }))).toEqual(view(simple.matchVehicle(o, AT, { limit: 1000 })));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('forgets what was deleted and keeps the rest, across random puts and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 9 }), plate), { minLength: 1, maxLength: 60 }), (ops) => {
        const wl = createCompactWatchlist({ compactDeadBytes: 200 });
        const model = new Map<string, string>();
        for (const [put, n, p] of ops) {
          const id = `WL-${n}`;
          if (put) {
            wl.upsert(vehicleEntry(p, { entryId: id }));
            model.set(id, p);
          } else {
            wl.remove(id);
            model.delete(id);
          }
        }
        expect(wl.size()).toBe(model.size);
        for (let n = 0; n < 10; n++) expect(wl.get(`WL-${n}`)?.key).toBe(model.get(`WL-${n}`));
        for (const [id, p] of model) expect(wl.matchVehicle(p, AT, { fuzzy: false, limit: 20 }).map((m) => m.entry.entryId)).toContain(id);
      }),
      { numRuns: RUNS },
    );
  });
});
