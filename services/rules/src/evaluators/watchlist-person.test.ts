import { describe, expect, it } from 'vitest';
import { defaultRule, drugTestEvent, entry, inspectionEvent, registry, residentId, seizureEvent, watchlistOf } from '../fixtures';
import { watchlistPerson } from './watchlist-person';

const fugitive = entry({ kind: 'person', key: residentId(1), category: 'fugitive', severity: 'critical' });
const revoked = entry({ kind: 'person', key: residentId(2), category: 'revoked_licence' });
const ctx = { watchlist: watchlistOf(fugitive, revoked), registry };
const rule = defaultRule('watchlist_person');

describe('watchlist person rule', () => {
  it('matches a listed driver, passenger, test subject and seized person, with the entry severity and action', () => {
    const events = [
      inspectionEvent({ driver: { idNumber: fugitive.key } }),
      inspectionEvent({ passengers: [{ idNumber: fugitive.key }] }),
      drugTestEvent({ subject: { idNumber: fugitive.key } }),
      seizureEvent({ persons: [{ idNumber: fugitive.key, role: 'courier', detained: true }] }),
    ];
    for (const e of events) {
      const drafts = watchlistPerson(e, rule, ctx);
      expect(drafts).toHaveLength(1);
      expect(drafts[0]).toMatchObject({ severity: 'critical', action: 'detain', category: 'fugitive', subject: { kind: 'person', key: fugitive.key }, match: { entryId: fugitive.entryId, exact: true } });
      expect(drafts[0]!.subject.display).not.toContain(fugitive.key.slice(6, 14));
    }
  });

  it('accepts a legacy 15-digit id on the terminal as the same person', () => {
    const legacy = fugitive.key.slice(0, 6) + fugitive.key.slice(8, 17);
    expect(watchlistPerson(inspectionEvent({ driver: { idNumber: legacy } }), rule, ctx)).toHaveLength(1);
  });

  it('stays silent for an unlisted person, an entry not valid at event time, and categories other rules decide', () => {
    expect(watchlistPerson(inspectionEvent({ driver: { idNumber: residentId(3) }, passengers: [] }), rule, ctx)).toEqual([]);
    expect(watchlistPerson(inspectionEvent({ driver: { idNumber: fugitive.key }, occurredAt: '2025-06-01T10:00:00+08:00' }), rule, ctx)).toEqual([]);
    expect(watchlistPerson(inspectionEvent({ driver: { idNumber: revoked.key }, passengers: [] }), rule, ctx)).toEqual([]);
  });
});
