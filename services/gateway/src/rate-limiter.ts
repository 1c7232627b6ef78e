/** Token buckets per key (terminal or account): `ratePerSec` sustained, `burst` at once. */
export function createRateLimiter(opts: { ratePerSec: number; burst: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes `cost` tokens; returns 0 when allowed, else seconds to wait. */
    take(key: string, cost = 1): number {
      const t = now();
      const b = buckets.get(key) ?? { tokens: opts.burst, at: t };
      b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.ratePerSec);
      b.at = t;
      buckets.set(key, b);
      if (buckets.size > 100_000) buckets.clear();
      if (b.tokens >= cost) {
        b.tokens -= cost;
        return 0;
      }
      return Math.max(1, Math.ceil((Math.min(cost, opts.burst) - b.tokens) / opts.ratePerSec));
    },
  };
}
