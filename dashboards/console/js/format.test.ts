import { describe, expect, it } from 'vitest';
import { elapsed, formatDateTime, isoToLocalInput, localInputToIso } from './format.js';

// China time, as at the checkpoints (Node applies a TZ change to later Date calls).
process.env.TZ = 'Asia/Shanghai';

describe('time formats', () => {
  it('turns a datetime-local value into ISO 8601 with the local offset, and back', () => {
    expect(localInputToIso('2026-11-22T14:00')).toBe('2026-11-22T14:00:00+08:00');
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('22/11/2026')).toBeUndefined();
    expect(isoToLocalInput('2026-11-22T06:00:00Z')).toBe('2026-11-22T14:00');
  });

  it('shows times in local wall time', () => {
    expect(formatDateTime('2026-11-22T06:03:11.250Z')).toBe('2026-11-22 14:03:11');
    expect(formatDateTime('not a time')).toBe('not a time');
  });

  it('counts the wait as m:ss, then hours, then days', () => {
    const t0 = Date.parse('2026-11-22T06:00:00Z');
    expect(elapsed('2026-11-22T06:00:00Z', t0 + 65_000)).toBe('1:05');
    expect(elapsed('2026-11-22T06:00:00Z', t0 + 2 * 3_600_000 + 7 * 60_000)).toBe('2h 07m');
    expect(elapsed('2026-11-22T06:00:00Z', t0 + 3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 04h');
  });
});
