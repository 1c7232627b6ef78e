import { describe, expect, it } from 'vitest';
import { defaultRule, drugTestEvent, inspectionEvent, registry, watchlistOf } from '../fixtures';
import { positiveDrugTest } from './positive-drug-test';

const ctx = { watchlist: watchlistOf(), registry };
const rule = defaultRule('positive_drug_test');
const positive = [{ substance: 'methamphetamine', outcome: 'positive', cutoffNgMl: 50 }];

describe('positive drug test rule', () => {
  it('raises a hit at the rule severity for a positive result, naming the substance', () => {
    const [d, ...rest] = positiveDrugTest(drugTestEvent({ results: positive }), rule, ctx);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'high', action: 'detain', category: 'positive_drug_test' });
    expect(d!.summary.en).toContain('methamphetamine');
  });

  it('escalates a positive coach or hazmat driver one level', () => {
    for (const kind of ['coach', 'hazmat']) expect(positiveDrugTest(drugTestEvent({ results: positive, vehicle: { kind } }), rule, ctx)[0]).toMatchObject({ severity: 'critical' });
    expect(positiveDrugTest(drugTestEvent({ results: positive, vehicle: { kind: 'car' } }), rule, ctx)[0]).toMatchObject({ severity: 'high' });
  });

  it('stays silent for negative and invalid results and for other event types', () => {
    expect(positiveDrugTest(drugTestEvent(), rule, ctx)).toEqual([]);
    expect(positiveDrugTest(drugTestEvent({ results: [{ substance: 'ketamine', outcome: 'invalid' }] }), rule, ctx)).toEqual([]);
    expect(positiveDrugTest(inspectionEvent(), rule, ctx)).toEqual([]);
  });
});
