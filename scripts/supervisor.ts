import type { ChildProcess } from 'node:child_process';

export interface SupervisorOptions {
  name: string;
  /** Starts (or starts again) the process. */
  spawn: () => ChildProcess;
  /** The process already started (and found ready) by the caller. */
  first: ChildProcess;
  /** The process's liveness probe: an answer of 503 means it is broken for good and must be restarted. */
  healthUrl?: string;
  say: (message: string) => void;
  /** Wait before a restart: doubles from `initialMs` up to `maxMs`, back to `initialMs` once a process ran `stableMs`. */
  backoff?: { initialMs: number; maxMs: number; stableMs: number };
  /** Probed every `intervalMs`; `failures` answers of 503 in a row restart it. A probe without an answer counts for nothing. */
  liveness?: { intervalMs: number; failures: number; timeoutMs: number };
  /** SIGTERM, then SIGKILL after this long. */
  killAfterMs?: number;
}

export interface Supervisor {
  /** The process running now. */
  current(): ChildProcess;
  restarts(): number;
  /** Stops supervising and the process (SIGTERM, then SIGKILL); resolves once it exited. */
  stop(): Promise<void>;
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

/**
 * Keeps one service process running, as a container runtime's restart policy and liveness probe would: a process
 * that exits is started again after a back-off, and one whose /healthz answers 503 (a part of it stopped for good,
 * e.g. a Kafka consumer that kafkajs will not restart) is stopped and started again. A probe that times out is not
 * a failure: a process busy under load may answer late, and killing it then would make things worse.
 */
export function supervise(opts: SupervisorOptions): Supervisor {
  const backoff = opts.backoff ?? { initialMs: 1_000, maxMs: 30_000, stableMs: 60_000 };
  const liveness = opts.liveness ?? { intervalMs: 5_000, failures: 3, timeoutMs: 2_000 };
  const killAfterMs = opts.killAfterMs ?? 10_000;
  let child = opts.first;
  let startedAt = Date.now();
  let stopping = false;
  let restarts = 0;
  let delay = backoff.initialMs;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const terminate = (c: ChildProcess): Promise<void> => {
    if (exited(c)) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => c.kill('SIGKILL'), killAfterMs);
      c.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };

  const watch = (c: ChildProcess) => {
    c.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= backoff.stableMs) delay = backoff.initialMs;
      opts.say(`✖ ${opts.name} exited (${signal ?? code}); starting it again in ${(delay / 1000).toFixed(1)} s (log .local/logs/${opts.name}.log)`);
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopping) return;
        restarts++;
        failures = 0;
        startedAt = Date.now();
        child = opts.spawn();
        watch(child);
      }, delay);
      delay = Math.min(delay * 2, backoff.maxMs);
    });
  };
  watch(child);

  let probing = false;
  const probe = setInterval(() => {
    if (!opts.healthUrl || probing || stopping || exited(child)) return;
    probing = true;
    const c = child;
    fetch(opts.healthUrl, { signal: AbortSignal.timeout(liveness.timeoutMs) })
      .then(async (res) => {
        if (res.status !== 503) {
          failures = 0;
          return;
        }
        const body = (await res.json().catch(() => ({}))) as { reason?: string };
        if (++failures < liveness.failures || c !== child || stopping) return;
        failures = 0;
        opts.say(`✖ ${opts.name} is broken for good (${body.reason ?? '/healthz 503'}); restarting it`);
        await terminate(c);
      })
      .catch(() => undefined)
      .finally(() => (probing = false));
  }, liveness.intervalMs);
  probe.unref();

  return {
    current: () => child,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      clearInterval(probe);
      if (restartTimer) clearTimeout(restartTimer);
      await terminate(child);
    },
  };
}
