import { describe, expect, it } from 'vitest';
import { createTokenService } from './tokens';
import { createRevocationList } from './revocations';

const secret = 'r'.repeat(40);

describe('revocation list', () => {
  it('revokes every token of a user issued up to the cut-off, and not one issued after it', () => {
    let now = 1_000_000.5;
    const t = createTokenService({ secret, ttlSeconds: 3600, now: () => now });
    const before = t.issue({ sub: 'ana', role: 'investigator', jur: '140000' });
    const other = t.issue({ sub: 'bo', role: 'investigator', jur: '140000' });
    now += 0.002;
    t.revocations.revokeUser('ana', Math.round(now * 1000));
    now += 0.001;
    const after = t.issue({ sub: 'ana', role: 'investigator', jur: '140000' });
    expect(() => t.verify(before.token)).toThrow(/revoked/);
    expect(t.verify(other.token).sub).toBe('bo');
    expect(t.verify(after.token).sub).toBe('ana');
  });

  it('tells listeners of every change and forgets entries once their tokens have expired', () => {
    let now = 5_000;
    const list = createRevocationList({ maxTtlSeconds: 60, now: () => now });
    let calls = 0;
    const off = list.onChange(() => calls++);
    list.revokeToken('j1', now + 30);
    list.revokeUser('ana', now * 1000);
    expect(calls).toBe(2);
    expect(list.isRevoked({ jti: 'j1', sub: 'x', iat: now })).toBe(true);
    now += 61;
    list.revokeToken('j2', now + 30);
    expect(list.size()).toBe(1);
    expect(list.isRevoked({ jti: 'j1', sub: 'x', iat: now - 70 })).toBe(false);
    off();
    list.revokeToken('j3', now + 30);
    expect(calls).toBe(3);
  });
});
