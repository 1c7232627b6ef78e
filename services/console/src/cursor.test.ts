import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isAfter } from './cursor';

describe('live-feed cursor', () => {
  it('round-trips and orders frames after it', () => {
    const c = decodeCursor(encodeCursor({ 'h:0': '41', 'u:2': '-1' }))!;
    expect(c).toEqual({ 'h:0': '41', 'u:2': '-1' });
    expect(isAfter(c, 'h:0', '41')).toBe(false);
    expect(isAfter(c, 'h:0', '42')).toBe(true);
    expect(isAfter(c, 'u:2', '0')).toBe(true);
  });

  it('rejects a forged or garbled cursor instead of trusting it', () => {
    expect(decodeCursor('not-base64-json')).toBeUndefined();
    expect(decodeCursor(encodeCursor({ 'x:0': '1' } as never))).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeUndefined();
  });
});
