import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkpointJurisdiction, CheckpointId, Grams, isJurisdictionCode, isWithinJurisdiction, JurisdictionCode, jurisdictionChain, jurisdictionLevel, OffsetDateTime, Plate, ResidentId } from './common';
import { SAMPLE_LEGACY_ID } from './fixtures';

const ok = (schema: { safeParse(x: unknown): { success: boolean } }, x: unknown) => schema.safeParse(x).success;

describe('offset date-times', () => {
  it('accepts ISO 8601 times with Z or an explicit offset and keeps them as given', () => {
    expect(OffsetDateTime.parse('2026-11-22T14:03:11.250+08:00')).toBe('2026-11-22T14:03:11.250+08:00');
    expect(OffsetDateTime.parse('2026-11-22T06:03:11Z')).toBe('2026-11-22T06:03:11Z');
    expect(ok(OffsetDateTime, '2024-02-29T00:00:00-05:30')).toBe(true);
  });

  it('rejects local times, impossible dates, compact offsets and overlong strings', () => {
    for (const bad of ['2026-11-22T14:03:11', '2026-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2026-11-22T24:00:00Z', '2026-11-22T14:03:11+0800', '2026-11-22 14:03:11+08:00', '2026-11-22T14:03:11.' + '1'.repeat(40) + 'Z', 1795327391250]) {
      expect(ok(OffsetDateTime, bad), String(bad)).toBe(false);
    }
    expect(OffsetDateTime.safeParse('2026-11-22T14:03:11').error?.issues[0]?.message).toContain('offset');
  });
});

describe('grams', () => {
  it('accepts positive weights to 0.01 g', () => {
    for (const g of [0.01, 0.07, 0.29, 1.5, 12.34, 1234.56, 250_000]) expect(ok(Grams, g), String(g)).toBe(true);
  });

  it('rejects zero, negative, finer than 0.01 g and non-numbers', () => {
    for (const g of [0, -1, 0.001, 12.345, Number.NaN, Infinity, '12']) expect(ok(Grams, g), String(g)).toBe(false);
    expect(Grams.safeParse(12.345).error?.issues[0]?.message).toContain('0.01');
  });

  it('accepts every amount of whole hundredths of a gram', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (cents) => ok(Grams, cents / 100)));
  });
});

describe('jurisdictions', () => {
  it('builds the chain county → prefecture → province', () => {
    expect(jurisdictionChain('140882')).toEqual(['140882', '140800', '140000']);
    expect(jurisdictionChain('530621')).toEqual(['530621', '530600', '530000']);
    expect(jurisdictionChain('150600')).toEqual(['150600', '150000']);
    expect(jurisdictionChain('140000')).toEqual(['140000']);
  });

  it('scopes a code to its own chain and the nation, and nothing else', () => {
    expect(isWithinJurisdiction('140882', '140882')).toBe(true);
    expect(isWithinJurisdiction('140882', '140800')).toBe(true);
    expect(isWithinJurisdiction('140882', '140000')).toBe(true);
    expect(isWithinJurisdiction('140882', '000000')).toBe(true);
    expect(isWithinJurisdiction('140800', '140882')).toBe(false);
    expect(isWithinJurisdiction('140302', '140800')).toBe(false);
    expect(isWithinJurisdiction('530621', '140000')).toBe(false);
  });

  it('agrees with the chain for every county code', () => {
    const county = fc.tuple(fc.integer({ min: 11, max: 65 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 99 })).map(([p, c, k]) => `${p}${String(c).padStart(2, '0')}${String(k).padStart(2, '0')}`);
    const scope = fc.oneof(county, county.map((c) => `${c.slice(0, 4)}00`), county.map((c) => `${c.slice(0, 2)}0000`));
    fc.assert(fc.property(county, scope, (code, s) => isWithinJurisdiction(code, s) === jurisdictionChain(code).includes(s)));
  });

  it('validates the nesting of GB/T 2260 codes and names their level', () => {
    for (const good of ['140882', '140800', '140000', '000000']) expect(isJurisdictionCode(good), good).toBe(true);
    for (const bad of ['14088', '1408821', '14a882', '140012', '001400']) expect(isJurisdictionCode(bad), bad).toBe(false);
    expect(JurisdictionCode.safeParse('14088').error?.issues).toHaveLength(1);
    expect(jurisdictionLevel('000000')).toBe('national');
    expect(jurisdictionLevel('530000')).toBe('province');
    expect(jurisdictionLevel('530600')).toBe('prefecture');
    expect(jurisdictionLevel('530621')).toBe('county');
  });
});

describe('checkpoint ids, resident ids and plates as fields', () => {
  it('accepts checkpoint ids like CP-140300-G5-01 and reads their jurisdiction', () => {
    expect(ok(CheckpointId, 'CP-140300-G5-01')).toBe(true);
    expect(ok(CheckpointId, 'CP-510100-G4201-01')).toBe(true);
    for (const bad of ['CP-14030-G5-01', 'cp-140300-G5-01', 'CP-140300-g5-01', 'CP-140300-G5-1', 'CP-140300--01']) expect(ok(CheckpointId, bad), bad).toBe(false);
    expect(checkpointJurisdiction('CP-530621-G85-02')).toBe('530621');
  });

  it('normalises a resident id field and says why a bad one is refused', () => {
    expect(ResidentId.parse(SAMPLE_LEGACY_ID.id15)).toBe(SAMPLE_LEGACY_ID.id18);
    expect(ResidentId.parse('11010519491231002x')).toBe('11010519491231002X');
    expect(ResidentId.safeParse('110105194912310021').error?.issues[0]?.message).toContain('check digit');
    expect(ok(ResidentId, 42)).toBe(false);
  });

  it('canonicalises a plate field and says why a bad one is refused', () => {
    expect(Plate.parse('晋c·12345')).toBe('晋C12345');
    expect(Plate.safeParse('晋CO2345').error?.issues[0]?.message).toContain('I or O');
  });
});
