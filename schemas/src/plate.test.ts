import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalPlate, foldLookalikes, parsePlate, plateDiff, PROVINCES } from './plate';

const SERIAL = [...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'];
const LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
const ordinary = fc
  .tuple(fc.constantFrom(...PROVINCES), fc.constantFrom(...LETTERS), fc.array(fc.constantFrom(...SERIAL), { minLength: 5, maxLength: 5 }))
  .map(([p, l, s]) => `${p}${l}${s.join('')}`);

describe('plate validation', () => {
  it('accepts ordinary, new-energy and special plates, with separators', () => {
    expect(parsePlate('晋C12345')).toMatchObject({ ok: true, kind: 'ordinary', province: '晋' });
    expect(parsePlate('晋C·12345')).toMatchObject({ ok: true, plate: '晋C12345' });
    expect(parsePlate('川AD12345')).toMatchObject({ ok: true, kind: 'new-energy' });
    expect(parsePlate('川A12345D')).toMatchObject({ ok: true, kind: 'new-energy' });
    expect(parsePlate('云A1234警')).toMatchObject({ ok: true, kind: 'police' });
    expect(parsePlate('粤Z1234港')).toMatchObject({ ok: true, kind: 'hongkong' });
    expect(parsePlate('晋A1234学')).toMatchObject({ ok: true, kind: 'coach' });
  });

  it('accepts every generated ordinary plate', () => {
    fc.assert(fc.property(ordinary, (p) => parsePlate(p).ok));
  });

  it('rejects I or O anywhere in the serial', () => {
    fc.assert(
      fc.property(ordinary, fc.integer({ min: 2, max: 6 }), fc.constantFrom('I', 'O'), (p, pos, bad) => {
        const chars = [...p];
        chars[pos] = bad;
        return !parsePlate(chars.join('')).ok;
      }),
    );
  });

  it('rejects an unknown province, a wrong length and an 8-character plate that is not new-energy', () => {
    expect(parsePlate('X C12345').ok).toBe(false);
    expect(parsePlate('晋C1234').ok).toBe(false);
    expect(parsePlate('晋C123456').ok).toBe(false);
  });

  it('folds look-alikes idempotently, and explains differences', () => {
    fc.assert(fc.property(ordinary, (p) => foldLookalikes(foldLookalikes(p)) === foldLookalikes(p)));
    fc.assert(fc.property(ordinary, (p) => plateDiff(p, p).kind === 'exact'));
    expect(foldLookalikes('晋C8O5S2')).toBe(foldLookalikes('晋CB05S2'));
    expect(plateDiff('鄂A12345', '粤A12345')).toMatchObject({ kind: 'province', positions: [0] });
    expect(plateDiff('晋C12345', '晋C1234')).toMatchObject({ kind: 'length' });
    expect(plateDiff('晋C8G5K2', '晋CBG5K2')).toMatchObject({ kind: 'lookalike', positions: [2] });
    expect(canonicalPlate(' 晋c 12345 ')).toBe('晋C12345');
  });
});
