import { describe, expect, it } from 'vitest';
import { defaultRule, drugTestEvent, entry, inspectionEvent, registry, residentId, watchlistOf } from '../fixtures';
import { communityTreatment } from './community-treatment';

// Must stay within Yangquan (140300); CP-140882-G5-01 is in Hejin (Yuncheng), CP-140321-G20-01 in Yangquan.
const treated = entry({ kind: 'person', key: residentId(30), category: 'community_treatment', severity: 'medium', attributes: { areaJurisdiction: '140300' } });
const ctx = { watchlist: watchlistOf(treated), registry };
const rule = defaultRule('community_treatment_violation');
const positive = [{ substance: 'heroin', outcome: 'positive' }];

describe('community treatment out of area or positive', () => {
  it('fires when the person is seen at a checkpoint outside their area', () => {
    const [d, ...rest] = communityTreatment(inspectionEvent({ passengers: [{ idNumber: treated.key }] }), rule, ctx);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ category: 'community_treatment', action: 'question', match: { entryId: treated.entryId } });
    expect(d!.summary.en).toContain('outside their area (140300)');
  });

  it('fires on a positive test inside the area', () => {
    const [d] = communityTreatment(drugTestEvent({ checkpointId: 'CP-140321-G20-01', subject: { idNumber: treated.key }, results: positive }), rule, ctx);
    expect(d).toMatchObject({ action: 'detain' });
    expect(d!.summary.en).toContain('tested positive');
  });

  it('stays silent inside the area with a negative test, and for persons not under treatment', () => {
    expect(communityTreatment(inspectionEvent({ checkpointId: 'CP-140321-G20-01', driver: { idNumber: treated.key } }), rule, ctx)).toEqual([]);
    expect(communityTreatment(drugTestEvent({ checkpointId: 'CP-140321-G20-01', subject: { idNumber: treated.key } }), rule, ctx)).toEqual([]);
    expect(communityTreatment(inspectionEvent({ driver: { idNumber: residentId(31) } }), rule, ctx)).toEqual([]);
  });
});
