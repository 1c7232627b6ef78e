import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../lib/auth/tokens';
import { filterError, frameFilter, parseClientFrame } from './live-frames';
import { sampleHit } from './sample-hit';

const who = (role: Principal['role'], jur: string, cp?: string): Principal => ({ sub: `${role}-${jur}`, role, jur, ...(cp ? { cp } : {}), jti: 'j', iat: 0, exp: 9_999_999_999 });
const hejin = sampleHit(); // routed to 140882, 140800, 140000
const crossRegion = sampleHit({ hitId: 'x', jurisdictions: ['140882', '140800', '140000', '530600', '530000'] });

describe('live-feed subscription filters', () => {
  it('shows a hit to its county, prefecture and province, never to a neighbour', () => {
    const sees = (p: Principal) => frameFilter(p, {})(hejin);
    expect(sees(who('commander', '140882'))).toBe(true);
    expect(sees(who('commander', '140800'))).toBe(true);
    expect(sees(who('commander', '140000'))).toBe(true);
    expect(sees(who('commander', '000000'))).toBe(true);
    expect(sees(who('commander', '140100'))).toBe(false);
    expect(sees(who('commander', '530000'))).toBe(false);
    expect(frameFilter(who('commander', '530000'), {})(crossRegion)).toBe(true);
  });

  it('shows officers only hits at their own checkpoint', () => {
    expect(frameFilter(who('officer', '140882', 'CP-140882-G5-01'), {})(hejin)).toBe(true);
    expect(frameFilter(who('officer', '140882', 'CP-140882-G5-09'), {})(hejin)).toBe(false);
    expect(frameFilter(who('officer', '140882'), {})(hejin)).toBe(false);
  });

  it('narrows by severity, category, checkpoint and a jurisdiction inside the scope', () => {
    const p = who('commander', '140000');
    expect(frameFilter(p, { severities: ['critical'] })(hejin)).toBe(true);
    expect(frameFilter(p, { severities: ['high', 'medium'] })(hejin)).toBe(false);
    expect(frameFilter(p, { categories: ['case_vehicle'] })(hejin)).toBe(false);
    expect(frameFilter(p, { checkpointIds: ['CP-140882-G5-01'] })(hejin)).toBe(true);
    expect(frameFilter(p, { jurisdiction: '140800' })(hejin)).toBe(true);
    expect(frameFilter(p, { jurisdiction: '140100' })(hejin)).toBe(false);
  });

  it('refuses a client-chosen jurisdiction outside the token’s scope instead of widening it', () => {
    expect(filterError(who('commander', '140800'), { jurisdiction: '140000' })).toMatchObject({ type: 'error', code: 'out_of_scope' });
    expect(filterError(who('commander', '140800'), { jurisdiction: '530000' })).toMatchObject({ code: 'out_of_scope' });
    expect(filterError(who('commander', '140000'), { jurisdiction: '140800' })).toBeUndefined();
    // Even if it were not refused, the token scope still bounds what matches.
    expect(frameFilter(who('commander', '140800'), { jurisdiction: '530000' })(sampleHit({ jurisdictions: ['530600', '530000'] }))).toBe(false);
  });

  it('answers malformed or unknown frames with an error frame instead of throwing', () => {
    expect(parseClientFrame('{not json')).toMatchObject({ ok: false, error: { type: 'error', code: 'malformed_json' } });
    expect(parseClientFrame(JSON.stringify({ op: 'subscribe', filter: { severities: ['apocalyptic'] } }))).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(parseClientFrame(JSON.stringify({ op: 'subscribe', filter: { jurisdiction: '14' } }))).toMatchObject({ ok: false });
    expect(parseClientFrame(JSON.stringify({ op: 'subscribe', filter: {}, admin: true }))).toMatchObject({ ok: false });
    expect(parseClientFrame(JSON.stringify({ op: 'drop_tables' }))).toMatchObject({ ok: false });
    expect(parseClientFrame('[]')).toMatchObject({ ok: false });
    expect(parseClientFrame(JSON.stringify({ op: 'subscribe' }))).toEqual({ ok: true, frame: { op: 'subscribe', filter: {} } });
    expect(parseClientFrame(JSON.stringify({ op: 'ping' }))).toEqual({ ok: true, frame: { op: 'ping' } });
  });
});
