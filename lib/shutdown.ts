import type { Logger } from './logger';

export interface Shutdown {
  /** Registers a step; steps run in registration order (register readiness first, logs last). */
  add(name: string, step: () => Promise<void> | void): void;
  run(reason: string): Promise<void>;
  /** Traps SIGINT/SIGTERM; only main.ts calls this. */
  trapSignals(): void;
}

/** Awaited, ordered shutdown with a hard timeout, so a stuck step cannot keep a killed service alive. */
export function createShutdown(logger: Logger, timeoutMs = 15_000): Shutdown {
  const steps: Array<{ name: string; step: () => Promise<void> | void }> = [];
  let running: Promise<void> | undefined;
  const run = (reason: string): Promise<void> => {
    running ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      for (const { name, step } of steps) {
        try {
          await step();
        } catch (err) {
          logger.error({ err, step: name }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      logger.info('shutdown complete');
      logger.flush?.();
    })();
    return running;
  };
  return {
    add: (name, step) => void steps.push({ name, step }),
    run,
    trapSignals() {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => void run(sig).then(() => process.exit(0)));
      }
    },
  };
}
