import { describe, expect, it } from 'vitest';
import { SAMPLE_LEGACY_ID, SAMPLE_RESIDENT_IDS as IDS } from './fixtures';
import { validationErrors } from './validation-errors';
import { WatchlistEntrySchema } from './watchlist';

const person = {
  entryId: 'WL-P-9001',
  kind: 'person',
  key: IDS.ludian,
  category: 'fugitive',
  severity: 'critical',
  action: 'detain',
  ownerJurisdiction: '530600',
  reason: '网上在逃人员 / wanted: trafficking',
  validFrom: '2026-01-01T00:00:00+08:00',
  validUntil: '2027-12-31T23:59:59+08:00',
};
const permit = {
  ...person,
  entryId: 'WL-X-9001',
  kind: 'permit',
  key: ' yzd-1508-2026 0031 ',
  category: 'precursor_permit',
  severity: 'high',
  action: 'question',
  ownerJurisdiction: '150600',
  attributes: { chemical: 'ephedra', maxQuantityKg: 500, carrierPlate: '蒙k·3h761', permitNo: 'yzd-1508-2026-0031' },
};

const problems = (x: unknown) => {
  const r = WatchlistEntrySchema.safeParse(x);
  return r.success ? [] : validationErrors(r.error).map((e) => e.path);
};

describe('watchlist entry schema', () => {
  it('normalises a person key to the 18-character id and fills defaults', () => {
    expect(WatchlistEntrySchema.parse({ ...person, key: SAMPLE_LEGACY_ID.id15 })).toMatchObject({ key: SAMPLE_LEGACY_ID.id18, schemaVersion: 1, version: 0, attributes: {} });
    expect(WatchlistEntrySchema.parse({ ...person, key: IDS.ludianX.toLowerCase() }).key).toBe(IDS.ludianX);
  });

  it('canonicalises a vehicle key', () => {
    expect(WatchlistEntrySchema.parse({ ...person, kind: 'vehicle', category: 'case_vehicle', key: '晋m 2e618' }).key).toBe('晋M2E618');
  });

  it('canonicalises a permit: its number, carrier plate and permit number attribute', () => {
    const e = WatchlistEntrySchema.parse(permit);
    expect(e.key).toBe('YZD-1508-20260031');
    expect(e.attributes).toEqual({ chemical: 'ephedra', maxQuantityKg: 500, carrierPlate: '蒙K3H761', permitNo: 'YZD-1508-2026-0031' });
  });

  it('rejects an invalid key for its kind at /key', () => {
    expect(problems({ ...person, key: '140882199007052411' })).toEqual(['/key']);
    expect(problems({ ...person, kind: 'vehicle', category: 'case_vehicle', key: '晋CO2345' })).toEqual(['/key']);
    // A permit number of blanks only would be stored as an empty key.
    expect(problems({ ...permit, key: ' \t ' })).toEqual(['/key']);
  });

  it('rejects a category that does not fit the kind', () => {
    expect(problems({ ...person, category: 'case_vehicle' })).toEqual(['/category']);
    expect(problems({ ...person, kind: 'vehicle', key: '晋M2E618', category: 'fugitive' })).toEqual(['/category']);
    expect(problems({ ...permit, category: 'registered_drug_user' })).toEqual(['/category']);
  });

  it('reports key and category problems together', () => {
    expect(problems({ ...person, key: 'nope', category: 'case_vehicle' }).sort()).toEqual(['/category', '/key']);
  });

  it('requires a permit to name its chemical and maximum quantity, and its carrier plate to be valid', () => {
    expect(problems({ ...permit, attributes: {} }).sort()).toEqual(['/attributes/chemical', '/attributes/maxQuantityKg']);
    expect(problems({ ...permit, attributes: { ...permit.attributes, chemical: '麻黄草' } })).toEqual(['/attributes/chemical']);
    expect(problems({ ...permit, attributes: { ...permit.attributes, carrierPlate: '蒙KO3761' } })).toEqual(['/attributes/carrierPlate']);
  });

  it('rejects a validity that ends before it starts, and times without an offset', () => {
    expect(problems({ ...person, validFrom: '2027-01-01T00:00:00+08:00', validUntil: '2026-01-01T00:00:00+08:00' })).toEqual(['/validUntil']);
    expect(problems({ ...person, validFrom: '2026-01-01' })).toEqual(['/validFrom']);
  });

  it('rejects unknown enums, bad jurisdictions and unbounded text where they are', () => {
    expect(problems({ ...person, severity: 'urgent' })).toEqual(['/severity']);
    expect(problems({ ...person, action: 'shoot' })).toEqual(['/action']);
    expect(problems({ ...person, ownerJurisdiction: '5306' })).toEqual(['/ownerJurisdiction']);
    expect(problems({ ...person, reason: 'x'.repeat(501) })).toEqual(['/reason']);
    expect(problems({ ...person, entryId: 'has space' })).toEqual(['/entryId']);
    expect(problems({ ...person, attributes: { areaJurisdiction: '5306001' } })).toEqual(['/attributes/areaJurisdiction']);
  });

  it('keeps the provenance of an entry created by a seizure trace-back', () => {
    const e = WatchlistEntrySchema.parse({ ...person, provenance: { source: 'trace-back', by: 'rule:seizure-trace-back', at: '2026-11-22T15:00:00+08:00', eventId: 'evt-1' } });
    expect(e.provenance).toEqual({ source: 'trace-back', by: 'rule:seizure-trace-back', at: '2026-11-22T15:00:00+08:00', eventId: 'evt-1' });
    expect(problems({ ...person, provenance: { source: 'rumour', by: 'x', at: '2026-11-22T15:00:00+08:00' } })).toEqual(['/provenance/source']);
  });
});
