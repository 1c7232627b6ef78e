import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isAfter, positionKey } from './cursor';

describe('live-feed cursor', () => {
  it('round-trips a position vector through an opaque url-safe string', () => {
    const p = { [positionKey('h', 0)]: '42', [positionKey('u', 2)]: '0' };
    const s = encodeCursor(p);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(s)).toEqual(p);
  });

  it('treats a record at or past the next offset as not yet delivered, and earlier ones as delivered', () => {
    const c = { 'h:0': '42' };
    expect(isAfter(c, 'h:0', '41')).toBe(false);
    expect(isAfter(c, 'h:0', '42')).toBe(true);
    expect(isAfter(c, 'h:0', '9000000000000000000')).toBe(true);
  });

  it('counts every record of a partition the cursor does not name as not delivered', () => {
    expect(isAfter({ 'h:0': '5' }, 'u:0', '0')).toBe(true);
  });

  it('rejects garbled, forged or oversized cursors instead of trusting them', () => {
    expect(decodeCursor('not base64 json!')).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(encodeCursor({ 'x:0': '1' }))).toBeUndefined();
    expect(decodeCursor(encodeCursor({ 'h:0': '-1' }))).toBeUndefined();
    expect(decodeCursor(encodeCursor({ 'h:0': '1; drop' }))).toBeUndefined();
    expect(decodeCursor('A'.repeat(9000))).toBeUndefined();
  });
});
