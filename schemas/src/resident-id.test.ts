import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SAMPLE_PERMIT_IDS, SAMPLE_RESIDENT_IDS } from './fixtures';
import { computeCheckDigit, isValidResidentId, maskResidentId, parseResidentId } from './resident-id';

const TODAY = new Date('2026-11-22T00:00:00Z');
const ALPHABET = '0123456789X';
const withCheck = (first17: string) => first17 + computeCheckDigit(first17);

const birthDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-11-21T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

/** Valid ids: resident regions of five provinces, permits and a permanent residence card; any real past date and sequence. */
const validId = fc
  .record({
    region: fc.constantFrom('140882', '140802', '140105', '530621', '530602', '510104', '513401', '520502', '150602', '810000', '820000', '830000', '953104', '911840'),
    date: birthDate,
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, date, seq }) => withCheck(`${region}${date}${String(seq).padStart(3, '0')}`));

describe('resident id validation', () => {
  it('accepts the GB 11643 textbook example and normalises a lower-case x to X', () => {
    expect(parseResidentId('11010519491231002X', TODAY)).toEqual({ ok: true, id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F', regionCode: '110105', kind: 'resident' });
    expect(parseResidentId('11010519491231002x', TODAY)).toMatchObject({ ok: true, id18: '11010519491231002X' });
    expect(parseResidentId('  140882199007052410 ', TODAY)).toMatchObject({ ok: true, id18: '140882199007052410', sex: 'M' });
  });

  it('accepts every generated valid id and reads its birth date and sex from it', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const r = parseResidentId(id, TODAY);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.id18).toBe(id);
        expect(r.birthDate.replaceAll('-', '')).toBe(id.slice(6, 14));
        expect(r.sex).toBe(Number(id[16]) % 2 === 1 ? 'M' : 'F');
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every single-character substitution of a valid id, at each of the 18 positions', () => {
    // Exhaustive per generated id (18 positions × 10 other characters): MOD 11-2 weights are non-zero
    // mod 11 and a digit change is less than 11, so the weighted sum always moves.
    fc.assert(
      fc.property(validId, (id) => {
        for (let pos = 0; pos < 18; pos++) {
          for (const replacement of ALPHABET) {
            if (replacement === id[pos]) continue;
            const corrupted = id.slice(0, pos) + replacement + id.slice(pos + 1);
            if (parseResidentId(corrupted, TODAY).ok) throw new Error(`${corrupted} (position ${pos} of ${id}) was accepted`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every transposition of two different adjacent digits among the first 17', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 15 }), (id, pos) => {
        fc.pre(id[pos] !== id[pos + 1]);
        const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2);
        return !parseResidentId(swapped, TODAY).ok;
      }),
      { numRuns: 1000 },
    );
  });

  it('normalises a legacy 15-digit id to the 18-character id of the same person', () => {
    expect(parseResidentId('110105491231002', TODAY)).toMatchObject({ ok: true, id18: '11010519491231002X', birthDate: '1949-12-31' });
    const born1900s = validId.filter((id) => id.slice(6, 8) === '19' && !id.startsWith('8') && !id.startsWith('9'));
    fc.assert(
      fc.property(born1900s, (id) => {
        const id15 = id.slice(0, 6) + id.slice(8, 17);
        expect(parseResidentId(id15, TODAY)).toMatchObject({ ok: true, id18: id });
      }),
    );
    expect(parseResidentId('11010549123100X', TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('digits only') });
  });

  it('rejects impossible, future and pre-1900 birth dates even with a correct check digit', () => {
    const reason = (first17: string) => {
      const r = parseResidentId(withCheck(first17), TODAY);
      return r.ok ? 'accepted' : r.reason;
    };
    expect(reason('14088220300101001')).toContain('future');
    expect(reason('14088220261123001')).toContain('future');
    expect(reason('14088218991231001')).toContain('1900');
    expect(reason('14088219900230001')).toContain('day');
    expect(reason('14088220230229001')).toContain('day');
    expect(reason('14088219901301001')).toContain('month');
    expect(reason('14088219900100001')).toContain('day');
    expect(parseResidentId(withCheck('14088220240229001'), TODAY).ok).toBe(true);
    expect(parseResidentId(withCheck('14088220000229001'), TODAY).ok).toBe(true);
    expect(parseResidentId(withCheck('14088219000229001'), TODAY).ok).toBe(false);
  });

  it('judges "today" in China Standard Time, so a baby born this morning in Beijing is valid', () => {
    const justAfterMidnightCst = new Date('2026-11-21T16:30:00Z');
    expect(parseResidentId(withCheck('14088220261122001'), justAfterMidnightCst).ok).toBe(true);
    expect(parseResidentId(withCheck('14088220261122001'), new Date('2026-11-21T15:30:00Z')).ok).toBe(false);
  });

  it('rejects X anywhere but last, other letters, wrong lengths and unknown regions', () => {
    expect(parseResidentId('1408821990X7052410', TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('X only') });
    expect(parseResidentId('14088219900705241A', TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('digit or X') });
    expect(parseResidentId('1408821990', TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('18 characters') });
    expect(parseResidentId('', TODAY).ok).toBe(false);
    expect(parseResidentId(withCheck('00088219900705241'), TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('region') });
    expect(parseResidentId(withCheck('99088219900705241'), TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('province') });
    expect(parseResidentId(withCheck('81010119900705241'), TODAY)).toMatchObject({ ok: false, reason: expect.stringContaining('region') });
  });

  it('refuses a huge input without scanning it', () => {
    expect(parseResidentId('1'.repeat(1_000_000), TODAY)).toMatchObject({ ok: false });
  });

  it('tells residents, Hong Kong/Macao/Taiwan residence permits and foreigners’ cards apart', () => {
    expect(parseResidentId(SAMPLE_PERMIT_IDS.hongKong, TODAY)).toMatchObject({ ok: true, kind: 'hk-macao-taiwan-permit', regionCode: '810000' });
    expect(parseResidentId(SAMPLE_PERMIT_IDS.macao, TODAY)).toMatchObject({ ok: true, kind: 'hk-macao-taiwan-permit' });
    expect(parseResidentId(SAMPLE_PERMIT_IDS.taiwan, TODAY)).toMatchObject({ ok: true, kind: 'hk-macao-taiwan-permit' });
    expect(parseResidentId(SAMPLE_PERMIT_IDS.foreignerYunnanMyanmar, TODAY)).toMatchObject({ ok: true, kind: 'foreigner' });
    expect(parseResidentId(SAMPLE_RESIDENT_IDS.ludian, TODAY)).toMatchObject({ ok: true, kind: 'resident', regionCode: '530621' });
  });

  it('computes the check character the standard gives (X for 10)', () => {
    expect(computeCheckDigit('11010519491231002')).toBe('X');
    expect(computeCheckDigit('14088219900705241')).toBe('0');
    expect(isValidResidentId('11010519491231002X', TODAY)).toBe(true);
    expect(isValidResidentId('110105194912310021', TODAY)).toBe(false);
  });

  it('masks all but the region and the last four characters', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
    expect(maskResidentId('140202199001011235')).toBe('140202********1235');
    expect(maskResidentId('12345')).toBe('*****');
  });

  it('judges "in the future" against the current day when no date is given', () => {
    const idBornOn = (d: Date) => {
      const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
      const first17 = `110101${ymd}001`;
      return first17 + computeCheckDigit(first17);
    };
    // Days in China Standard Time, as the check reads them.
    const cst = Date.now() + 8 * 3_600_000;
    expect(parseResidentId(idBornOn(new Date(cst - 86_400_000))).ok).toBe(true);
    expect(parseResidentId(idBornOn(new Date(cst + 2 * 86_400_000)))).toMatchObject({ ok: false, reason: expect.stringContaining('future') });
    // …and an explicit date still wins over the remembered day.
    expect(parseResidentId(idBornOn(new Date(cst + 2 * 86_400_000)), new Date(Date.now() + 5 * 86_400_000)).ok).toBe(true);
  });
});
