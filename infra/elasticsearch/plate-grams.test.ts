import { describe, expect, it } from 'vitest';
import { isValidPlate } from '../../schemas/src';
import { foldedPlateVariants, lookalikeVariants, plateGrams, platePattern, PlatePatternError } from './plate-grams';

const wildcardMatches = (pattern: string, plate: string) => new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(plate);
/** What Elasticsearch does with a partial pattern: every group needs one of its terms among the grams. */
const matches = (pattern: string, plate: string, fuzzy = false) => {
  const p = platePattern(pattern, { fuzzy, isWholePlate: isValidPlate });
  if (p.kind === 'exact') return p.plate === plate;
  const grams = new Set(plateGrams(plate));
  return p.groups.every((g) => g.some((t) => grams.has(t))) && (!p.verify || wildcardMatches(p.verify, plate));
};

describe('plate grams', () => {
  it('index every substring of 2 to 8 characters and every anchored prefix and suffix', () => {
    const g = plateGrams('晋C7K245');
    expect(g).toEqual(expect.arrayContaining(['晋C', 'C7K', '7K245', '45', '晋C7K245', '^晋', '^晋C7', '5$', '245$', '^晋C7K245', '晋C7K245$']));
    expect(g).not.toContain('5');
    expect(new Set(g).size).toBe(g.length);
  });

  it('turn 晋C*45 into a prefix term and a suffix term', () => {
    expect(platePattern('晋c*45', { fuzzy: false, isWholePlate: isValidPlate })).toEqual({ kind: 'partial', groups: [['^晋C'], ['45$']] });
  });

  it('treat a whole plate as exact and any other string as a substring', () => {
    expect(platePattern('晋C 7K245', { fuzzy: false, isWholePlate: isValidPlate })).toEqual({ kind: 'exact', plate: '晋C7K245' });
    expect(platePattern('c7k2', { fuzzy: false, isWholePlate: isValidPlate })).toEqual({ kind: 'partial', groups: [['C7K2']] });
  });

  it('agree with wildcard semantics on planted plates', () => {
    const plates = ['晋C7K245', '晋C12345', '晋A12345', '云C77845', '晋CD12345', '川A45C12'];
    const patterns = ['晋C*45', '*C7K*', 'C7K', '45', '晋*', '*45', '晋C*2*5', '晋C*3*5', '*A4*', '晋CD*45', 'C1234', '晋C*'];
    for (const pat of patterns) for (const plate of plates) expect({ pat, plate, hit: matches(pat, plate) }).toEqual({ pat, plate, hit: pat.includes('*') ? wildcardMatches(pat, plate) : plate.includes(pat) });
  });

  it('refuse patterns that would match almost everything', () => {
    for (const bad of ['*', '5', '*5*', '**', '', '*A*C*']) expect(() => platePattern(bad, { fuzzy: false, isWholePlate: isValidPlate })).toThrow(PlatePatternError);
  });

  it('expand look-alikes so a misread partial plate still finds the vehicle', () => {
    expect(matches('C8O5', '晋CB0S12', true)).toBe(true);
    expect(matches('C8O5', '晋CB0S12', false)).toBe(false);
    expect(lookalikeVariants('晋8')).toEqual(['晋8', '晋B', '普8', '普B']);
    expect(() => lookalikeVariants('00000000')).toThrow(PlatePatternError);
  });

  it('fold a whole plate together with its confused province spellings', () => {
    expect(foldedPlateVariants('晋C8O5S2')).toEqual(['晋C80552', '普C80552']);
    expect(foldedPlateVariants('普C8O5S2')).toEqual(['普C80552', '晋C80552']);
  });
});

describe('plate grams of characters outside the BMP', () => {
  it('count a surrogate pair as one character, as for any other plate', () => {
    const g = plateGrams('𠀀C7K245');
    expect(g).toContain('^𠀀');
    expect(g).toContain('𠀀C');
    expect(g).toContain('𠀀C7K245$');
    expect(g.some((x) => /^[\uD800-\uDBFF]$|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(x))).toBe(false);
    expect(g.length).toBe(plateGrams('晋C7K245').length);
  });
});
