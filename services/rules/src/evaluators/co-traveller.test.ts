import { describe, expect, it } from 'vitest';
import { defaultRule, drugTestEvent, entry, inspectionEvent, registry, residentId, seizureEvent, watchlistOf } from '../fixtures';
import { coTraveller } from './co-traveller';

const fugitive = entry({ kind: 'person', key: residentId(40), category: 'fugitive', ownerJurisdiction: '530600' });
const user = entry({ kind: 'person', key: residentId(41), category: 'registered_drug_user' });
const companion = residentId(42);
const ctx = { watchlist: watchlistOf(fugitive, user), registry };
const rule = defaultRule('co_traveller');

describe('co-traveller of a watchlisted person', () => {
  it('marks everyone else in the vehicle, pointing at the anchor entry', () => {
    const drafts = coTraveller(inspectionEvent({ driver: { idNumber: fugitive.key }, passengers: [{ idNumber: companion }, { idNumber: residentId(43) }] }), rule, ctx);
    expect(drafts.map((d) => d.subject.key).sort()).toEqual([companion, residentId(43)].sort());
    expect(drafts[0]).toMatchObject({ category: 'co_traveller', match: { entryId: fugitive.entryId, kind: 'pattern' }, entry: { ownerJurisdiction: '530600' } });
  });

  it('marks the other persons of a seizure', () => {
    const drafts = coTraveller(seizureEvent({ persons: [{ idNumber: fugitive.key, role: 'driver', detained: true }, { idNumber: companion, role: 'passenger', detained: false }] }), rule, ctx);
    expect(drafts.map((d) => d.subject.key)).toEqual([companion]);
  });

  it('stays silent for a lone watchlisted driver, an anchor of another category, and drug tests', () => {
    expect(coTraveller(inspectionEvent({ driver: { idNumber: fugitive.key }, passengers: [] }), rule, ctx)).toEqual([]);
    expect(coTraveller(inspectionEvent({ driver: { idNumber: user.key }, passengers: [{ idNumber: companion }] }), rule, ctx)).toEqual([]);
    expect(coTraveller(drugTestEvent({ subject: { idNumber: fugitive.key } }), rule, ctx)).toEqual([]);
  });
});
