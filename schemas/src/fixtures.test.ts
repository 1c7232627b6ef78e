import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { INVALID_PLATES, INVALID_RESIDENT_IDS, SAMPLE_LEGACY_ID, SAMPLE_PERMIT_IDS, SAMPLE_PLATES, SAMPLE_RESIDENT_IDS, sampleResidentId } from './fixtures';
import { parsePlate } from './plate';
import { parseResidentId } from './resident-id';

describe('shared fixtures', () => {
  it('are all valid resident ids of the regions they name, normalised already', () => {
    for (const [name, id] of Object.entries({ ...SAMPLE_RESIDENT_IDS, ...SAMPLE_PERMIT_IDS })) expect(parseResidentId(id), name).toMatchObject({ ok: true, id18: id });
    const regions = Object.values(SAMPLE_RESIDENT_IDS).map((id) => id.slice(0, 2));
    for (const province of ['14', '53', '51', '52', '15']) expect(regions).toContain(province);
    expect(SAMPLE_RESIDENT_IDS.ludian.slice(0, 6)).toBe('530621');
    expect(SAMPLE_RESIDENT_IDS.ordos.slice(0, 4)).toBe('1506');
    expect(parseResidentId(SAMPLE_LEGACY_ID.id15)).toMatchObject({ ok: true, id18: SAMPLE_LEGACY_ID.id18 });
  });

  it('are all valid canonical plates', () => {
    for (const [name, plate] of Object.entries(SAMPLE_PLATES)) expect(parsePlate(plate), name).toMatchObject({ ok: true, plate });
  });

  it('keep their invalid samples invalid', () => {
    for (const [name, id] of Object.entries(INVALID_RESIDENT_IDS)) expect(parseResidentId(id).ok, name).toBe(false);
    for (const [name, plate] of Object.entries(INVALID_PLATES)) expect(parsePlate(plate).ok, name).toBe(false);
  });

  it('are on no demo watchlist entry, so using one raises no hit by accident', () => {
    const listed = readFileSync(new URL('../../infra/demo/watchlist.ndjson', import.meta.url), 'utf8');
    for (const v of [...Object.values(SAMPLE_RESIDENT_IDS), ...Object.values(SAMPLE_PERMIT_IDS), ...Object.values(SAMPLE_PLATES)]) expect(listed.includes(v), v).toBe(false);
  });

  it('build further valid ids on demand', () => {
    expect(parseResidentId(sampleResidentId('530621', '19900101', 7))).toMatchObject({ ok: true, birthDate: '1990-01-01', sex: 'M' });
  });
});
