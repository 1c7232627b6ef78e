import { describe, expect, it } from 'vitest';
import { buildQuery, plateClauses, requirePurpose } from './search-query';

const investigator = { sub: 'i', role: 'investigator' as const, jur: '530000', jti: 'j', iat: 0, exp: 9e9 };

describe('search query', () => {
  it('turns a partial plate into gram terms and a fuzzy plate into the folded form', () => {
    expect(plateClauses('晋C*45', false)).toEqual([{ term: { plateGrams: '晋C' } }, { term: { plateGrams: '45' } }]);
    expect(plateClauses('晋C8O5S2', true)).toEqual([{ term: { platesFolded: '晋C80552' } }]);
    expect(plateClauses('晋c12345', false)).toEqual([{ term: { plates: '晋C12345' } }]);
  });

  it('always scopes to the caller’s jurisdiction', () => {
    expect(JSON.stringify(buildQuery({ sort: 'occurredAt:desc', size: 50 }, investigator))).toContain('{"term":{"jurisdictionChain":"530000"}}');
  });

  it('requires a purpose for plate and person searches only', () => {
    expect(() => requirePurpose({ plate: '晋C12345' })).toThrow(/purpose/);
    expect(() => requirePurpose({ plate: '晋C12345', purpose: '2026-0417 trace' })).not.toThrow();
    expect(() => requirePurpose({})).not.toThrow();
  });
});
