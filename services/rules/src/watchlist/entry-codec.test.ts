import { describe, expect, it } from 'vitest';
import type { WatchlistEntry } from '../../../../schemas/src';
import { restJson } from './entry-codec';

const entry = (extra: Record<string, unknown>): WatchlistEntry =>
  ({ schemaVersion: 1, entryId: 'WL-1', kind: 'person', key: '110101199003070011', category: 'fugitive', severity: 'high', action: 'detain', ownerJurisdiction: '110000', reason: 'r', attributes: {}, version: 1, ...extra }) as WatchlistEntry;

describe('restJson', () => {
  it('is the JSON of the fields a record does not hold, the remembered provenance text included', () => {
    const a = { source: 'import', by: 'admin-1', at: '2026-11-01T09:00:00+08:00' };
    // Each answer is JSON.stringify's of the same object: same values again, other values, other key order, one key more or less.
    const cases: Array<Record<string, unknown>> = [
      { provenance: a },
      { provenance: { ...a } },
      { provenance: { ...a, by: 'admin-2' } },
      { provenance: { by: 'admin-2', source: 'import', at: a.at } },
      { provenance: { ...a, eventId: 'E-1' } },
      { provenance: a },
      { provenance: { source: 'import', by: 'admin-1' } },
      { provenance: a, display: { zh: '人员', en: 'person' } },
      { attributes: { areaJurisdiction: '110100' }, provenance: a },
      { provenance: { ...a, at: 7 } },
      { provenance: { ...a, at: 7 } },
      { provenance: a },
    ];
    for (const extra of cases) expect(restJson(entry(extra))).toBe(JSON.stringify(extra));
    expect(restJson(entry({}))).toBeUndefined();
    expect(restJson(entry({ version: 2 ** 33 }))).toBe(JSON.stringify({ version: 2 ** 33 }));
  });
});
