import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INVALID_PLATES, SAMPLE_PLATES } from './fixtures';
import { canonicalPlate, foldLookalikes, NEW_ENERGY_LETTERS, parsePlate, plateDiff, PROVINCE_BY_REGION, PROVINCE_CONFUSIONS, PROVINCES, SERIAL_CHARS } from './plate';

const LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];
const DIGITS = [...'0123456789'];
const chars = (alphabet: string[], n: number) => fc.array(fc.constantFrom(...alphabet), { minLength: n, maxLength: n }).map((a) => a.join(''));
const head = fc.tuple(fc.constantFrom(...PROVINCES), fc.constantFrom(...LETTERS)).map(([p, l]) => p + l);

const ordinary = fc.tuple(head, chars([...SERIAL_CHARS], 5)).map(([h, s]) => h + s);
const smallNev = fc.tuple(head, fc.constantFrom(...NEW_ENERGY_LETTERS), fc.constantFrom(...SERIAL_CHARS), chars(DIGITS, 4)).map((x) => x.join(''));
const largeNev = fc.tuple(head, chars(DIGITS, 5), fc.constantFrom(...NEW_ENERGY_LETTERS)).map((x) => x.join(''));
const special = fc.tuple(head, chars([...SERIAL_CHARS], 4), fc.constantFrom('警', '学', '挂')).map((x) => x.join(''));
const validPlate = fc.oneof(ordinary, smallNev, largeNev, special);
/** Plates an OCR could produce: any province, any latin letter or digit. */
const ocrText = fc.tuple(fc.constantFrom(...PROVINCES), chars([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'], 6)).map(([p, s]) => p + s);

describe('plate validation', () => {
  it('accepts each kind of GA 36 plate and reports kind and province', () => {
    expect(parsePlate(SAMPLE_PLATES.shanxiYuncheng)).toEqual({ ok: true, plate: '晋M7K391', kind: 'ordinary', province: '晋' });
    expect(parsePlate(SAMPLE_PLATES.newEnergySmall)).toMatchObject({ ok: true, kind: 'new-energy' });
    expect(parsePlate(SAMPLE_PLATES.newEnergyLarge)).toMatchObject({ ok: true, kind: 'new-energy' });
    expect(parsePlate(SAMPLE_PLATES.police)).toMatchObject({ ok: true, kind: 'police', province: '云' });
    expect(parsePlate(SAMPLE_PLATES.coach)).toMatchObject({ ok: true, kind: 'coach' });
    expect(parsePlate(SAMPLE_PLATES.trailer)).toMatchObject({ ok: true, kind: 'trailer' });
    expect(parsePlate(SAMPLE_PLATES.hongKong)).toMatchObject({ ok: true, kind: 'hongkong', province: '粤' });
    expect(parsePlate(SAMPLE_PLATES.macao)).toMatchObject({ ok: true, kind: 'macao' });
  });

  it('normalises separators, middle dots, full-width and lower-case letters', () => {
    expect(parsePlate('晋C·12345')).toMatchObject({ ok: true, plate: '晋C12345' });
    expect(parsePlate(' 晋c 12345 ')).toMatchObject({ ok: true, plate: '晋C12345' });
    expect(parsePlate('晋C.12345')).toMatchObject({ ok: true, plate: '晋C12345' });
    expect(parsePlate('晋Ｃ・１２３４５')).toMatchObject({ ok: true, plate: '晋C12345' });
    expect(parsePlate('川a·d1234５')).toMatchObject({ ok: true, plate: '川AD12345', kind: 'new-energy' });
  });

  it('accepts every generated valid plate, with or without a middle dot after the authority letter', () => {
    fc.assert(fc.property(validPlate, (p) => parsePlate(p).ok && parsePlate(`${p.slice(0, 2)}·${p.slice(2)}`).ok), { numRuns: 1000 });
  });

  it('lists the 31 province characters, one per province-level code', () => {
    expect([...PROVINCES]).toHaveLength(31);
    expect(new Set(PROVINCES).size).toBe(31);
    expect(new Set(Object.values(PROVINCE_BY_REGION))).toEqual(new Set(PROVINCES));
  });

  it('rejects I or O anywhere in the serial of any kind of plate', () => {
    fc.assert(
      fc.property(validPlate, fc.nat(), fc.constantFrom('I', 'O', 'i', 'o'), (p, n, bad) => {
        const c = [...p];
        const serialPositions = c.length - 2 - (/[警学挂]$/.test(p) ? 1 : 0);
        c[2 + (n % serialPositions)] = bad;
        return !parsePlate(c.join('')).ok;
      }),
      { numRuns: 1000 },
    );
    expect(parsePlate(INVALID_PLATES.letterOInSerial)).toMatchObject({ ok: false, reason: expect.stringContaining('I or O') });
    expect(parsePlate(INVALID_PLATES.letterIInSerial)).toMatchObject({ ok: false, reason: expect.stringContaining('I or O') });
    expect(parsePlate('晋I12345')).toMatchObject({ ok: false, reason: expect.stringContaining('authority') });
  });

  it('rejects unknown provinces, wrong lengths, malformed new-energy serials and misplaced suffixes', () => {
    const reason = (p: string) => {
      const r = parsePlate(p);
      return r.ok ? 'accepted' : r.reason;
    };
    expect(reason(INVALID_PLATES.notAProvince)).toContain('province');
    expect(reason('X C12345')).toContain('province');
    expect(reason(INVALID_PLATES.tooShort)).toContain('7 characters');
    expect(reason('晋C1234567')).toContain('7 characters');
    expect(reason(INVALID_PLATES.eightButNotNewEnergy)).toContain('new-energy');
    expect(reason('川AD1234A')).toContain('new-energy');
    expect(reason('川AM12345')).toContain('new-energy');
    expect(reason('川A1234DF')).toContain('new-energy');
    expect(reason('晋C12345警')).toContain('7 characters');
    expect(reason(INVALID_PLATES.hongKongOutsideGuangdong)).toContain('粤Z');
    expect(reason('晋C12-345')).toBe('accepted');
    expect(reason('晋C1#345')).toContain('"#"');
    expect(reason('晋'.repeat(100_000))).toContain('7 characters');
  });
});

describe('look-alike folding and plate differences', () => {
  it('canonicalises without folding look-alikes', () => {
    expect(canonicalPlate(' 晋c·8o5s2 ')).toBe('晋C8O5S2');
  });

  it('folds each OCR look-alike class to one representative and leaves province characters alone', () => {
    expect(foldLookalikes('0ODQ')).toBe('0000');
    expect(foldLookalikes('1I2Z5S8B6G')).toBe('1122558866');
    expect(foldLookalikes('晋C8O5S2')).toBe(foldLookalikes('晋CB05S2'));
    expect(foldLookalikes('鄂A')).toBe('鄂A');
  });

  it('is idempotent on any OCR output', () => {
    fc.assert(fc.property(ocrText, (p) => foldLookalikes(foldLookalikes(p)) === foldLookalikes(p)));
  });

  it('makes a plate and any look-alike substitution of it fold equal', () => {
    const classes = ['0ODQ', '1I', '2Z', '5S', '8B', '6G'];
    fc.assert(
      fc.property(ocrText, fc.nat(), fc.nat(), (p, pos, pick) => {
        const c = [...p];
        const i = 1 + (pos % (c.length - 1));
        const cls = classes.find((k) => k.includes(c[i]!));
        fc.pre(cls !== undefined);
        c[i] = cls![pick % cls!.length]!;
        return foldLookalikes(c.join('')) === foldLookalikes(p);
      }),
    );
  });

  it('reports identical plates as exact, whatever their spelling', () => {
    fc.assert(fc.property(validPlate, (p) => plateDiff(p, p).kind === 'exact' && plateDiff(p, ` ${p.toLowerCase()} `).kind === 'exact'));
    expect(plateDiff('晋C12345', '晋c·12345')).toEqual({ kind: 'exact', positions: [], description: { zh: '号牌完全一致', en: 'plates identical' } });
  });

  it('explains a look-alike misread, with its position and both characters', () => {
    const d = plateDiff('晋C8G5K2', '晋CBG5K2');
    expect(d).toMatchObject({ kind: 'lookalike', positions: [2] });
    expect(d.description.en).toContain('look-alike 8/B at 3');
    expect(d.description.zh).toContain('第3位形近8/B');
    expect(plateDiff('晋C8G5K2', '晋C8G5K3').description.en).toContain('different 2/3 at 7');
  });

  it('reports a misread province character as a province difference, even with other differences', () => {
    expect(plateDiff('鄂A5K321', '粤A5K321')).toMatchObject({ kind: 'province', positions: [0] });
    const both = plateDiff('鄂A5K321', '粤A5K32I');
    expect(both).toMatchObject({ kind: 'province', positions: [0, 6] });
    expect(both.description.en).toContain('province 鄂/粤');
  });

  it('locates a missing or an extra character', () => {
    expect(plateDiff('晋C12345', '晋C1345')).toMatchObject({ kind: 'length', positions: [3] });
    expect(plateDiff('晋C12345', '晋C1345').description.en).toContain('lacks character 4 "2"');
    expect(plateDiff('晋C12345', '晋C123845')).toMatchObject({ kind: 'length', positions: [5] });
    expect(plateDiff('晋C12345', '晋C1234')).toMatchObject({ kind: 'length', positions: [6] });
    expect(plateDiff('晋C12345', '晋C9')).toMatchObject({ kind: 'length', positions: [] });
  });

  it('keeps province confusions symmetric, so a misread is found whichever way it went', () => {
    for (const [a, alts] of Object.entries(PROVINCE_CONFUSIONS)) {
      for (const b of alts) expect(PROVINCE_CONFUSIONS[b]).toContain(a);
    }
    expect(PROVINCE_CONFUSIONS['鄂']).toEqual(expect.arrayContaining(['粤', '鲁']));
    expect(PROVINCE_CONFUSIONS['州']).toContain('川');
    // Every key is a province character or an OCR output that stands for one.
    for (const k of Object.keys(PROVINCE_CONFUSIONS)) expect(PROVINCES.includes(k) || PROVINCE_CONFUSIONS[k]!.some((p) => PROVINCES.includes(p))).toBe(true);
  });
});

describe('canonicalPlate and foldLookalikes shortcuts', () => {
  // The character-by-character definitions the shortcuts (nothing to change: the input returned) must agree with.
  const SEPARATORS = new Set([' ', '\u3000', '\t', '.', '·', '•', '・', '‧', '∙', '-', '_', '。']);
  const canonicalByChar = (plate: string) => {
    let out = '';
    for (const ch of plate) {
      if (SEPARATORS.has(ch)) continue;
      let c = ch.charCodeAt(0);
      if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
      if (c >= 97 && c <= 122) c -= 32;
      out += c === ch.charCodeAt(0) ? ch : String.fromCharCode(c);
    }
    return out;
  };
  const FOLD: Record<string, string> = { O: '0', D: '0', Q: '0', I: '1', Z: '2', S: '5', B: '8', G: '6' };
  const foldByChar = (s: string) => [...s].map((ch) => FOLD[ch] ?? ch).join('');
  const alphabet = [...PROVINCES.slice(0, 5), ...'ABDGIOQSZabz0125689', ...SEPARATORS, 'Ａ', 'ｃ', '０', '𠀋', '\ud800'];

  it('answers as the definitions do, for plates and for anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }).map((a) => a.join('')), (s) => {
        expect(canonicalPlate(s)).toBe(canonicalByChar(s));
        const c = canonicalByChar(s);
        expect(foldLookalikes(c)).toBe(foldByChar(c));
      }),
      { numRuns: 3000 },
    );
    for (const p of Object.values(SAMPLE_PLATES).flat()) expect(foldLookalikes(canonicalPlate(p))).toBe(foldByChar(canonicalByChar(p)));
  });
});
