/**
 * Retries `fn` with capped exponential backoff while `retriable(err)` says so. For start-up calls that race
 * cluster metadata (a fresh topic's leader not known everywhere yet), not for hiding real failures.
 */
export async function retry<T>(fn: () => Promise<T>, opts: { attempts?: number; initialMs?: number; maxMs?: number; retriable?: (err: unknown) => boolean } = {}): Promise<T> {
  const attempts = opts.attempts ?? 8;
  let delay = opts.initialMs ?? 100;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || (opts.retriable && !opts.retriable(err))) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, opts.maxMs ?? 2_000);
    }
  }
}
