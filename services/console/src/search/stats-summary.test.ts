import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../lib/auth/tokens';
import { csvCell } from './export-stream';
import { maskIdsDeep } from './result-view';
import { shapeStats, statsWindow } from './stats-summary';

const who = (role: Principal['role']): Principal => ({ sub: 'u', role, jur: '140000', jti: 'j', iat: 0, exp: 9e9 });

describe('statistics, masking and CSV', () => {
  it('shape aggregations into the summary, with a positive rate and per-bucket rows from events and hits', () => {
    const s = shapeStats(
      {
        byType: { buckets: [{ key: 'inspection', doc_count: 10 }, { key: 'drug_test', doc_count: 4 }, { key: 'seizure', doc_count: 2 }] },
        positive: { doc_count: 1 },
        seized: { doc_count: 3, bySubstance: { buckets: [{ key: 'methamphetamine', doc_count: 2, grams: { value: 1250.504 }, events: { doc_count: 2 } }] } },
        overTime: { buckets: [{ key: 1, key_as_string: '2026-11-22', doc_count: 16, byType: { buckets: [{ key: 'inspection', doc_count: 10 }, { key: 'seizure', doc_count: 2 }] } }] },
        byJurisdiction: { buckets: [{ key: '140882', doc_count: 16, byType: { buckets: [{ key: 'drug_test', doc_count: 4 }] }, positive: { doc_count: 1 } }] },
      },
      { bySeverity: { buckets: [{ key: 'critical', doc_count: 1 }] }, byStatus: { buckets: [{ key: 'new', doc_count: 1 }] }, overTime: { buckets: [{ key: 2, key_as_string: '2026-11-23', doc_count: 1 }] } },
    );
    expect(s).toEqual({
      inspections: 10,
      drugTests: 4,
      positiveTests: 1,
      positiveRate: 0.25,
      seizures: { count: 2, bySubstance: [{ substance: 'methamphetamine', grams: 1250.5, count: 2 }] },
      hits: { bySeverity: { critical: 1, high: 0, medium: 0, low: 0 }, byStatus: { new: 1, acknowledged: 0, assigned: 0, resolved: 0 } },
      overTime: [
        { bucket: '2026-11-22', inspections: 10, drugTests: 0, seizures: 2, hits: 0 },
        { bucket: '2026-11-23', inspections: 0, drugTests: 0, seizures: 0, hits: 1 },
      ],
      byJurisdiction: [{ jurisdiction: '140882', inspections: 0, drugTests: 4, positiveTests: 1, seizures: 0 }],
    });
    expect(shapeStats(undefined, undefined).positiveRate).toBe(0);
  });

  it('refuse hourly buckets over more than a month', () => {
    expect(() => statsWindow({ bucket: 'hour', from: '2026-01-01', to: '2026-11-01' }, Date.now())).toThrow(/31 days/);
    expect(statsWindow({ bucket: 'day', from: '2026-01-01', to: '2026-11-01' }, Date.now())).toEqual({ from: '2026-01-01', to: '2026-11-01' });
  });

  it('mask every resident id for commanders but not for investigators', () => {
    const hit = { subject: { key: '140882199007051231', display: '张伟 14088219900705123X' }, note: 'order 12345678901234567890' };
    expect(maskIdsDeep(hit, who('commander'))).toEqual({ subject: { key: '140882********1231', display: '张伟 140882********123X' }, note: 'order 12345678901234567890' });
    expect(maskIdsDeep(hit, who('investigator'))).toBe(hit);
  });

  it('quote CSV cells and defuse spreadsheet formulas', () => {
    expect(csvCell('晋C12345')).toBe('晋C12345');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });
});
