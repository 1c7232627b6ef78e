import { describe, expect, it } from 'vitest';
import { csvRecordToObject, parseCsvLine } from './csv-line';

describe('CSV watchlist lines', () => {
  it('splits quoted fields with commas and doubled quotes', () => {
    expect(parseCsvLine('a,"b, c","say ""hi""",')).toEqual({ ok: true, cells: ['a', 'b, c', 'say "hi"', ''] });
  });

  it('reports an unterminated quote instead of reading on', () => {
    expect(parseCsvLine('a,"b')).toMatchObject({ ok: false });
  });

  it('nests dotted headers, drops empty cells, makes numeric columns numbers and ignores prototype keys', () => {
    const o = csvRecordToObject(['entryId', 'attributes.maxQuantityKg', 'attributes.chemical', 'display.zh', 'reason', '__proto__.polluted'], ['WL-1', '20.5', 'ephedrine', '', 'x', 'yes']);
    expect(o).toEqual({ entryId: 'WL-1', attributes: { maxQuantityKg: 20.5, chemical: 'ephedrine' }, reason: 'x' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
