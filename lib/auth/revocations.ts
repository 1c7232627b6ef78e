/**
 * Which tokens are revoked: single tokens by id, and every token of a user issued before a moment
 * (logout everywhere, password reset, disable, role change). Held in memory by every gateway and
 * console instance, fed from `access.v1` (access-sync.ts); entries are dropped once the tokens they
 * cover have expired anyway, so the list stays as small as the token lifetime allows.
 */
export interface RevocationList {
  revokeToken(jti: string, exp: number): void;
  /** Every token of `sub` issued up to `notBeforeMs` (epoch ms, inclusive) is revoked. */
  revokeUser(sub: string, notBeforeMs: number): void;
  isRevoked(claims: { jti: string; sub: string; iat: number }): boolean;
  /** Called after every change, so open connections (the live feed) can close revoked ones at once. */
  onChange(listener: () => void): () => void;
  size(): number;
}

export function createRevocationList(opts: { maxTtlSeconds: number; now?: () => number }): RevocationList {
  const now = opts.now ?? (() => Date.now() / 1000);
  const tokens = new Map<string, number>();
  const users = new Map<string, number>();
  const listeners = new Set<() => void>();
  const prune = () => {
    const t = now();
    for (const [id, exp] of tokens) if (exp <= t) tokens.delete(id);
    // A user cut-off matters only while a token issued before it can still be alive.
    for (const [sub, nb] of users) if (nb / 1000 + opts.maxTtlSeconds <= t) users.delete(sub);
  };
  const changed = () => {
    prune();
    for (const l of listeners) l();
  };
  return {
    revokeToken(jti, exp) {
      if (exp <= now()) return;
      tokens.set(jti, exp);
      changed();
    },
    revokeUser(sub, notBeforeMs) {
      if (notBeforeMs <= (users.get(sub) ?? 0)) return;
      users.set(sub, notBeforeMs);
      changed();
    },
    isRevoked(c) {
      if (tokens.has(c.jti)) return true;
      const nb = users.get(c.sub);
      // Same millisecond counts as before: a token must never outlive a revocation it might precede.
      return nb !== undefined && Math.round(c.iat * 1000) <= nb;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    size: () => tokens.size + users.size,
  };
}
