import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../lib/auth/tokens';
import { AppError } from '../../../../lib/errors';
import { buildEventQuery, plateClauses, scopeClauses, timeRange } from './event-query';
import { decodeCursor, encodeCursor } from './page-cursor';
import { isPurpose } from './search-request';

const who = (role: Principal['role'], jur: string): Principal => ({ sub: 'u', role, jur, jti: 'j', iat: 0, exp: 9e9 });

describe('search queries', () => {
  it('always scope to the caller’s subtree, and refuse a jurisdiction outside it', () => {
    expect(scopeClauses(who('investigator', '530000'))).toEqual([{ term: { jurisdictionChain: '530000' } }]);
    expect(scopeClauses(who('investigator', '530000'), '530600')).toEqual([{ term: { jurisdictionChain: '530000' } }, { term: { jurisdictionChain: '530600' } }]);
    expect(scopeClauses(who('admin', '000000'))).toEqual([]);
    expect(() => scopeClauses(who('investigator', '530000'), '140000')).toThrow(expect.objectContaining({ code: 'grant_required' }));
    expect(() => scopeClauses(who('investigator', '530000'), '140000', undefined, false)).toThrow(expect.objectContaining({ code: 'out_of_scope' }));
    const grant = { grantId: 'G-test-1', jurisdiction: '140800' };
    expect(scopeClauses(who('investigator', '530000'), '140882', grant)).toEqual([{ term: { jurisdictionChain: '140882' } }]);
    expect(() => scopeClauses(who('investigator', '530000'), '140000', grant)).toThrow(expect.objectContaining({ code: 'grant_invalid' }));
    expect(scopeClauses(who('investigator', '530000'), undefined, grant)).toEqual([{ bool: { should: [{ term: { jurisdictionChain: '530000' } }, { term: { jurisdictionChain: '140800' } }], minimum_should_match: 1 } }]);
    expect(JSON.stringify(buildEventQuery({ sort: 'occurredAt:desc' }, who('commander', '140800')))).toContain('{"term":{"jurisdictionChain":"140800"}}');
  });

  it('turn plates into term lookups: exact, 晋C*45, substring, look-alike', () => {
    expect(plateClauses('晋c12345', false)).toEqual([{ term: { plates: '晋C12345' } }]);
    expect(plateClauses('晋C*45', false)).toEqual([{ term: { plateGrams: '^晋C' } }, { term: { plateGrams: '45$' } }]);
    expect(plateClauses('7K24', false)).toEqual([{ term: { plateGrams: '7K24' } }]);
    expect(plateClauses('晋C8O5S2', true)).toEqual([{ terms: { platesFolded: ['晋C80552', '普C80552'] } }]);
    expect(plateClauses('晋C*3*5', false)).toContainEqual({ wildcard: { plates: { value: '晋C*3*5' } } });
    expect(() => plateClauses('*', false)).toThrow(AppError);
  });

  it('read a bare date as a whole day in China time', () => {
    expect(timeRange('occurredAt', '2026-11-01', '2026-11-22')).toEqual([{ range: { occurredAt: { time_zone: '+08:00', gte: '2026-11-01', lte: '2026-11-22||/d' } } }]);
  });

  it('need every typed word as a phrase in the free text', () => {
    expect(buildEventQuery({ sort: 'occurredAt:desc', query: '夹层  包裹' }, who('investigator', '140000')).bool.must).toEqual([{ match_phrase: { text: '夹层' } }, { match_phrase: { text: '包裹' } }]);
  });

  it('reject an id number that is not a valid resident id', () => {
    expect(() => buildEventQuery({ sort: 'occurredAt:desc', idNumber: '140882199007051232' }, who('investigator', '140000'))).toThrow(/check digit/);
  });

  it('accept a few words or a case number as a purpose, nothing shorter', () => {
    expect(isPurpose('追查 2026-17 案')).toBe(true);
    expect(isPurpose('J123')).toBe(true);
    expect(isPurpose('A12')).toBe(true);
    expect(isPurpose('ab')).toBe(false);
    expect(isPurpose('   ')).toBe(false);
    expect(isPurpose(undefined)).toBe(false);
  });

  it('give opaque cursors that only work for the sort they came from', () => {
    const c = encodeCursor('occurredAt:desc', [1_795_000_000_000, 'ev-1'])!;
    expect(decodeCursor(c, 'occurredAt:desc')).toEqual([1_795_000_000_000, 'ev-1']);
    expect(() => decodeCursor(c, 'occurredAt:asc')).toThrow(AppError);
    expect(() => decodeCursor('bm90IGEgY3Vyc29y', 'occurredAt:desc')).toThrow(AppError);
  });
});
