import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { SAMPLE_LEGACY_ID, SAMPLE_PERMIT_IDS, SAMPLE_PLATES, SAMPLE_RESIDENT_IDS } from './fixtures';
import { PRECURSOR_IDS } from './substances';
import { WatchlistEntrySchema } from './watchlist';
import { FAST_PATH_KEYS, parseWatchlistEntry, watchlistEntryFastPath } from './watchlist-fast';

/**
 * The fast path is only allowed to be faster: for any input it returns nothing (and zod decides) or exactly
 * what `WatchlistEntrySchema` returns, keys in the same order. Inputs: valid entries of each kind, then the same
 * with one to three fields replaced by values at and across every limit the schema sets, of wrong types, or
 * removed, and keys added.
 */
const RUNS = Number(process.env.FC_RUNS ?? 200) * 10;

const ids = [...Object.values(SAMPLE_RESIDENT_IDS), ...Object.values(SAMPLE_PERMIT_IDS), SAMPLE_LEGACY_ID.id15, SAMPLE_RESIDENT_IDS.ludianX.toLowerCase(), ` ${SAMPLE_RESIDENT_IDS.hejin} `];
const plates = [...Object.values(SAMPLE_PLATES), '晋c·12345', '晋 M7K391', 'ＡＢ'];
const dateTimes = ['2026-01-01T00:00:00+08:00', '2027-12-31T23:59:59.5Z', '2026-02-29T00:00:00+08:00', '2028-02-29T10:00:00-05:30', '2026-01-01T00:00:00', '2026-13-01T00:00:00Z', `2026-01-01T00:00:00.${'1'.repeat(20)}+08:00`, ''];
const texts = (max: number) => ['', 'x'.repeat(max), 'x'.repeat(max + 1), '涉毒'.repeat(Math.floor(max / 2)), '涉毒'.repeat(Math.ceil((max + 1) / 2))];
const oddities = [undefined, null, true, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, [], {}, ['x'], 'x', '1'];

const base = fc.oneof(
  fc.record({
    entryId: fc.constantFrom('WL-P-1', 'wl.p:1_-x', 'p'),
    kind: fc.constant('person'),
    key: fc.constantFrom(...ids),
    category: fc.constantFrom('fugitive', 'prior_trafficking', 'registered_drug_user', 'community_treatment', 'revoked_licence'),
    severity: fc.constantFrom('critical', 'high', 'medium', 'low'),
    action: fc.constantFrom('detain', 'covert_check', 'question', 'test'),
    ownerJurisdiction: fc.constantFrom('530600', '140000', '000000', '140882'),
    reason: fc.constantFrom('网上在逃人员', '', 'x'.repeat(500)),
    attributes: fc.constantFrom({}, { areaJurisdiction: '530621' }),
  }),
  fc.record({
    entryId: fc.constantFrom('WL-V-1'),
    kind: fc.constant('vehicle'),
    key: fc.constantFrom(...plates),
    category: fc.constantFrom('case_vehicle', 'vehicle_of_interest'),
    severity: fc.constantFrom('high', 'medium'),
    action: fc.constantFrom('detain', 'covert_check'),
    ownerJurisdiction: fc.constantFrom('530600'),
    reason: fc.constantFrom('涉案车辆'),
  }),
  fc.record({
    entryId: fc.constantFrom('WL-X-1'),
    kind: fc.constant('permit'),
    key: fc.constantFrom(' yzd-1508-2026 0031 ', 'XK2025', 'x'.repeat(40)),
    category: fc.constant('precursor_permit'),
    severity: fc.constant('low'),
    action: fc.constant('question'),
    ownerJurisdiction: fc.constant('150600'),
    reason: fc.constant('许可核查'),
    attributes: fc.record(
      { chemical: fc.constantFrom(...PRECURSOR_IDS), maxQuantityKg: fc.constantFrom(500, 1e7, 0.001), carrierPlate: fc.constantFrom('蒙k·3h761', SAMPLE_PLATES.ordos), permitNo: fc.constantFrom('yzd-1508 2026', 'P1') },
      { requiredKeys: ['chemical', 'maxQuantityKg'] },
    ),
  }),
).chain((e) =>
  fc
    .record(
      {
        schemaVersion: fc.constantFrom(1),
        validFrom: fc.constantFrom('2026-01-01T00:00:00+08:00', '2026-06-01T00:00:00Z'),
        validUntil: fc.constantFrom('2027-12-31T23:59:59+08:00', '2026-03-01T00:00:00+08:00'),
        version: fc.constantFrom(0, 3),
        provenance: fc.constantFrom({ source: 'import', by: 'admin-1', at: '2026-01-02T09:00:00+08:00' }, { source: 'trace-back', by: 'rules', at: '2026-01-02T09:00:00Z', eventId: 'ev-1' }),
        display: fc.constantFrom({ zh: '人员', en: 'person' }),
      },
      { requiredKeys: [] },
    )
    .map((extra) => ({ ...e, ...extra }) as Record<string, unknown>),
);

/** Per field, values at and across the schema's limits. */
const LIMITS: Record<string, unknown[]> = {
  schemaVersion: [1, 2, '1'],
  entryId: ['a', 'x'.repeat(64), 'x'.repeat(65), 'WL 1', 'WL/1', 'é'],
  kind: ['person', 'vehicle', 'permit', 'Person', 'boat'],
  key: [...ids, ...plates, 'x'.repeat(40), 'x'.repeat(41), '', ' ', ' \t '],
  category: ['fugitive', 'case_vehicle', 'precursor_permit', 'other'],
  severity: ['critical', 'urgent'],
  action: ['detain', 'arrest'],
  ownerJurisdiction: ['000000', '140000', '140800', '140882', '140082', '001000', '14088', '1408820', '14088a', '１４０８８２'],
  reason: texts(500),
  validFrom: dateTimes,
  validUntil: dateTimes,
  version: [0, 1, 2 ** 53 - 1, 2 ** 53, -1, 1.5, '1'],
  attributes: [{}, { chemical: PRECURSOR_IDS[0], maxQuantityKg: 1 }, { chemical: PRECURSOR_IDS[0] }, { maxQuantityKg: 5 }, { chemical: 'coffee', maxQuantityKg: 1 }, { chemical: PRECURSOR_IDS[0], maxQuantityKg: 0 }, { chemical: PRECURSOR_IDS[0], maxQuantityKg: 1e7 + 1 }, { areaJurisdiction: '530621' }, { areaJurisdiction: '5306' }, { carrierPlate: '晋m7k391' }, { carrierPlate: '晋M7K39' }, { carrierPlate: 'x'.repeat(33) }, { permitNo: 'x'.repeat(41) }, { permitNo: ' p 1 ' }, { other: 1 }],
  provenance: [{ source: 'admin', by: 'a', at: '2026-01-02T09:00:00+08:00' }, { source: 'nobody', by: 'a', at: '2026-01-02T09:00:00+08:00' }, { source: 'admin', by: 'x'.repeat(65), at: '2026-01-02T09:00:00+08:00' }, { source: 'admin', by: 'a', at: 'yesterday' }, { source: 'admin', by: 'a' }, { source: 'admin', by: 'a', at: '2026-01-02T09:00:00Z', eventId: 'x'.repeat(65) }, { source: 'admin', by: 'a', at: '2026-01-02T09:00:00Z', extra: 1 }],
  display: [{ zh: '人', en: 'p' }, { zh: '人' }, { zh: 'x'.repeat(501), en: 'p' }, { zh: '人', en: 'x'.repeat(1001) }, { zh: '人', en: 'p', fr: 'x' }],
};

/** A value for field `path`: at or across the schema's limits, of another type, or removed. */
const valueFor = (field: string): fc.Arbitrary<unknown> => {
  return fc.oneof(fc.constantFrom(...(LIMITS[field] ?? [])), fc.constantFrom(...oddities), fc.anything());
};
const FIELDS = [...FAST_PATH_KEYS.entry];

const mutated = base.chain((e) =>
  fc.array(fc.constantFrom(...FIELDS, 'extra-key'), { minLength: 1, maxLength: 3 }).chain((fields) =>
    fc.tuple(...fields.map((f) => (f === 'extra-key' ? fc.constant(1) : valueFor(f)))).map((values) => {
      const out: Record<string, unknown> = { ...e };
      fields.forEach((f, i) => {
        if (values[i] === undefined && f !== 'extra-key') delete out[f];
        else out[f] = values[i];
      });
      return out;
    }),
  ),
);

const hasUnknownKey = (e: Record<string, unknown>): boolean => {
  const unknownIn = (o: unknown, keys: readonly string[]) => typeof o === 'object' && o !== null && Object.keys(o).some((k) => !keys.includes(k));
  return unknownIn(e, FAST_PATH_KEYS.entry) || unknownIn(e.attributes, FAST_PATH_KEYS.attributes) || unknownIn(e.provenance, FAST_PATH_KEYS.provenance) || unknownIn(e.display, FAST_PATH_KEYS.display);
};

/** The fast path's answer is none, or the schema's own, keys in the same order. */
function agrees(input: unknown): void {
  const fast = watchlistEntryFastPath(input);
  if (fast === undefined) return;
  const slow = WatchlistEntrySchema.safeParse(input);
  expect(slow.success, `fast path accepted what the schema rejects: ${JSON.stringify(input)}`).toBe(true);
  expect(fast).toStrictEqual(slow.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
}

describe('watchlist entry fast path', () => {
  it('accepts every valid generated entry, with the schema’s result', () => {
    fc.assert(
      fc.property(base, (e) => {
        if (!WatchlistEntrySchema.safeParse(e).success) return; // validUntil before validFrom: zod's to reject
        expect(watchlistEntryFastPath(e)).toBeDefined();
        agrees(e);
      }),
      { numRuns: RUNS },
    );
  });

  it('never accepts what the schema rejects, never answers otherwise (mutated entries)', () => {
    let valid = 0;
    const missed: unknown[] = [];
    fc.assert(
      fc.property(mutated, (e) => {
        agrees(e);
        if (!WatchlistEntrySchema.safeParse(e).success) return;
        valid++;
        // Zod drops a field it does not know; the fast path leaves such entries to it. Everything else it takes.
        if (!watchlistEntryFastPath(e) && !hasUnknownKey(e)) missed.push(e);
      }),
      { numRuns: RUNS },
    );
    expect(valid).toBeGreaterThan(RUNS / 40);
    expect(missed.slice(0, 3)).toEqual([]);
  });

  it('agrees with the schema on every limit value of every field of an entry of each kind', () => {
    const person = { entryId: 'WL-P-1', kind: 'person', key: SAMPLE_RESIDENT_IDS.ludian, category: 'fugitive', severity: 'critical', action: 'detain', ownerJurisdiction: '530600', reason: '在逃', validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2027-01-01T00:00:00+08:00', version: 1, provenance: { source: 'import', by: 'a', at: '2026-01-02T09:00:00+08:00' }, display: { zh: '人', en: 'p' } };
    const vehicle = { ...person, entryId: 'WL-V-1', kind: 'vehicle', key: SAMPLE_PLATES.ordos, category: 'case_vehicle' };
    const permit = { ...person, entryId: 'WL-X-1', kind: 'permit', key: 'p-1', category: 'precursor_permit', attributes: { chemical: PRECURSOR_IDS[0], maxQuantityKg: 5, carrierPlate: SAMPLE_PLATES.ordos, permitNo: 'p 1' } };
    let answered = 0;
    for (const e of [person, vehicle, permit] as Record<string, unknown>[]) {
      expect(watchlistEntryFastPath(e)).toBeDefined();
      for (const field of FIELDS)
        for (const v of [...(LIMITS[field] ?? []), ...oddities]) {
          const input = { ...e, [field]: v };
          if (v === undefined) delete input[field];
          agrees(input);
          if (watchlistEntryFastPath(input)) answered++;
        }
    }
    expect(answered).toBeGreaterThan(100);
  });

  it('parseWatchlistEntry gives the schema’s errors for an invalid entry', () => {
    const r = parseWatchlistEntry({ entryId: 'WL-1', kind: 'person', key: '123', category: 'fugitive', severity: 'high', action: 'detain', ownerJurisdiction: '530600', reason: '' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('/'))).toEqual(['key']);
  });

  it('knows exactly the fields the schema has (a field added to the schema must be added here)', () => {
    const entry = (WatchlistEntrySchema as unknown as { in: z.ZodObject }).in;
    const unwrap = (s: unknown): z.ZodObject => {
      let t = s as { _zod: { def: { innerType?: unknown; type: string } } };
      while (t._zod.def.innerType) t = t._zod.def.innerType as typeof t;
      return t as unknown as z.ZodObject;
    };
    expect(Object.keys(entry.shape)).toEqual([...FAST_PATH_KEYS.entry]);
    expect(Object.keys(unwrap(entry.shape.attributes).shape)).toEqual([...FAST_PATH_KEYS.attributes]);
    expect(Object.keys(unwrap(entry.shape.provenance).shape)).toEqual([...FAST_PATH_KEYS.provenance]);
    expect(Object.keys(unwrap(entry.shape.display).shape)).toEqual([...FAST_PATH_KEYS.display]);
  });
});
