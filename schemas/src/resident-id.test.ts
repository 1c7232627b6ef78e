import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeCheckDigit, maskResidentId, parseResidentId } from './resident-id';

const TODAY = new Date('2026-11-22T00:00:00Z');

/** Valid ids: real regions, real past dates, any sequence, computed check character. */
const validId = fc
  .record({
    region: fc.constantFrom('140882', '140302', '530621', '530602', '510104', '150602', '520502', '810000', '910000'),
    date: fc.date({ min: new Date('1901-01-01T00:00:00Z'), max: new Date('2026-11-01T00:00:00Z'), noInvalidDate: true }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, date, seq }) => {
    const first17 = `${region}${date.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    return first17 + computeCheckDigit(first17);
  });

describe('resident id validation', () => {
  it('accepts the textbook example and normalises a lower-case x', () => {
    expect(parseResidentId('11010519491231002X', TODAY)).toMatchObject({ ok: true, id18: '11010519491231002X', birthDate: '1949-12-31', sex: 'F' });
    expect(parseResidentId('11010519491231002x', TODAY)).toMatchObject({ ok: true, id18: '11010519491231002X' });
  });

  it('accepts every generated valid id', () => {
    fc.assert(fc.property(validId, (id) => parseResidentId(id, TODAY).ok));
  });

  it('rejects any single-character corruption of a valid id, at every position', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, pos, delta) => {
        const alphabet = '0123456789X';
        const current = alphabet.indexOf(id[pos]!);
        const replacement = alphabet[(current + delta) % 11]!;
        const corrupted = id.slice(0, pos) + replacement + id.slice(pos + 1);
        // MOD 11-2 detects every single substitution: the weights are non-zero mod 11.
        return !parseResidentId(corrupted, TODAY).ok;
      }),
      { numRuns: 2000 },
    );
  });

  it('normalises a legacy 15-digit id to 18 digits', () => {
    const r = parseResidentId('110105491231002', TODAY);
    expect(r).toMatchObject({ ok: true, id18: '11010519491231002X' });
  });

  it('rejects a future or impossible birth date, X in the middle, and wrong lengths', () => {
    const future = `14088220300101001`;
    expect(parseResidentId(future + computeCheckDigit(future), TODAY)).toMatchObject({ ok: false });
    const feb30 = `14088219900230001`;
    expect(parseResidentId(feb30 + computeCheckDigit(feb30), TODAY)).toMatchObject({ ok: false });
    expect(parseResidentId('1408821990X7051231', TODAY).ok).toBe(false);
    expect(parseResidentId('1408821990', TODAY).ok).toBe(false);
  });

  it('recognises residence permits and foreigners’ cards', () => {
    const hk = '81000019900101001';
    expect(parseResidentId(hk + computeCheckDigit(hk), TODAY)).toMatchObject({ ok: true, kind: 'hk-macao-taiwan-permit' });
    const fr = '93000019900101001';
    expect(parseResidentId(fr + computeCheckDigit(fr), TODAY)).toMatchObject({ ok: true, kind: 'foreigner' });
  });

  it('masks the birth date and sequence', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });
});
