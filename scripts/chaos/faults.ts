/**
 * One injected fault and how long the system took to get over it. Times are milliseconds from the moment
 * the fault was injected; `null` means the condition was not reached within its deadline.
 */
export interface FaultRecord {
  n: number;
  kind: 'kill-service' | 'kill-broker' | 'stop-elasticsearch' | 'slow-client' | 'kill-two-services';
  target: string;
  /** Since the start of the load. */
  injectedAtS: number;
  /** How long the target stayed down before it was started again. */
  downMs: number;
  /** Target healthy again (`/readyz` 200; broker back with every partition fully in sync; Elasticsearch green/yellow). */
  healthyAfterMs: number | null;
  /**
   * Work caught up: the consumer groups the target serves reached the end offsets of their topics as they
   * stood when it was healthy (gateway: first 202 after the restart; console: live client resubscribed
   * and past the hits that existed at that moment).
   */
  recoveredAfterMs: number | null;
  detail?: Record<string, unknown>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs`; the elapsed ms from `since` when it first held, or null after `timeoutMs`. */
export async function timeUntil(check: () => Promise<boolean> | boolean, since: number, timeoutMs: number, everyMs = 250): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return Date.now() - since;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) return null;
    await sleep(everyMs);
  }
}

export function percentile(xs: number[], p: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
