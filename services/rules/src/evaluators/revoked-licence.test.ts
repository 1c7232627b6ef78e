import { describe, expect, it } from 'vitest';
import { defaultRule, drugTestEvent, entry, inspectionEvent, registry, residentId, seizureEvent, watchlistOf } from '../fixtures';
import { revokedLicenceDriving } from './revoked-licence';

const revoked = entry({ kind: 'person', key: residentId(20), category: 'revoked_licence' });
const other = entry({ kind: 'person', key: residentId(21), category: 'registered_drug_user' });
const ctx = { watchlist: watchlistOf(revoked, other), registry };
const rule = defaultRule('revoked_licence_driving');

describe('revoked licence at the wheel', () => {
  it('fires when the holder of a revoked licence drives, in an inspection or a seizure', () => {
    const [d] = revokedLicenceDriving(inspectionEvent({ driver: { idNumber: revoked.key } }), rule, ctx);
    expect(d).toMatchObject({ category: 'revoked_licence', action: 'detain', match: { entryId: revoked.entryId } });
    expect(d!.summary.zh).toContain('晋C12345');
    expect(revokedLicenceDriving(seizureEvent({ persons: [{ idNumber: revoked.key, role: 'driver', detained: true }] }), rule, ctx)).toHaveLength(1);
  });

  it('stays silent for the same person as a passenger or test subject, and for a listed driver of another category', () => {
    expect(revokedLicenceDriving(inspectionEvent({ passengers: [{ idNumber: revoked.key }] }), rule, ctx)).toEqual([]);
    expect(revokedLicenceDriving(drugTestEvent({ subject: { idNumber: revoked.key } }), rule, ctx)).toEqual([]);
    expect(revokedLicenceDriving(inspectionEvent({ driver: { idNumber: other.key } }), rule, ctx)).toEqual([]);
  });
});
