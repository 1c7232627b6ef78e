import { describe, expect, it } from 'vitest';
import { createTokenService } from './tokens';
import { AppError } from '../errors';

const secret = 'x'.repeat(40);

describe('token service', () => {
  it('verifies a token it issued and returns the claims', () => {
    const t = createTokenService({ secret });
    const { token } = t.issue({ sub: 'officer1', role: 'officer', jur: '140882', cp: 'CP-140882-G5-01' });
    expect(t.verify(token)).toMatchObject({ sub: 'officer1', role: 'officer', jur: '140882', cp: 'CP-140882-G5-01' });
  });

  it('rejects a token whose payload was altered', () => {
    const t = createTokenService({ secret });
    const { token } = t.issue({ sub: 'officer1', role: 'officer', jur: '140882' });
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${s}`;
    expect(() => t.verify(forged)).toThrow(AppError);
  });

  it('rejects a token signed with another secret, an expired one and a revoked one', () => {
    let now = 1_000_000;
    const t = createTokenService({ secret, ttlSeconds: 60, now: () => now });
    const other = createTokenService({ secret: 'y'.repeat(40) });
    expect(() => t.verify(other.issue({ sub: 'a', role: 'admin', jur: '140000' }).token)).toThrow(/invalid/);
    const { token, claims } = t.issue({ sub: 'a', role: 'admin', jur: '140000' });
    t.revoke(claims.jti, claims.exp);
    expect(() => t.verify(token)).toThrow(/revoked/);
    const second = t.issue({ sub: 'a', role: 'admin', jur: '140000' });
    now += 61;
    expect(() => t.verify(second.token)).toThrow(/expired/);
  });

  it('still refuses a token verified before once it expires or is revoked, and a copy with another signature', () => {
    let now = 1_000_000;
    const t = createTokenService({ secret, ttlSeconds: 60, now: () => now });
    const a = t.issue({ sub: 'a', role: 'officer', jur: '140882', cp: 'CP-140882-G5-01' });
    const b = t.issue({ sub: 'b', role: 'officer', jur: '140882', cp: 'CP-140882-G5-01' });
    expect(t.verify(a.token).sub).toBe('a');
    expect(t.verify(a.token).sub).toBe('a');
    expect(t.verify(b.token).sub).toBe('b');
    const [h, p, sig] = a.token.split('.');
    const flipped = `${h}.${p}.${sig!.slice(0, -2)}${sig!.slice(-2) === 'AA' ? 'AB' : 'AA'}`;
    expect(() => t.verify(flipped)).toThrow(/invalid/);
    t.revoke(b.claims.jti, b.claims.exp);
    expect(() => t.verify(b.token)).toThrow(/revoked/);
    now += 61;
    expect(() => t.verify(a.token)).toThrow(/expired/);
  });

  it('refuses a short secret', () => {
    expect(() => createTokenService({ secret: 'short' })).toThrow(/at least 32/);
  });
});
