import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readPidFile } from '../../infra/stack/pid-file';
import { repoRoot } from '../../infra/stack/paths';
import { allThreadsStopped, isRecordAlive, signalGroup, waitUntil } from '../../infra/stack/processes';
import { killEngine, stackStatus, startEngine, stopStack, type EngineName, type StackOptions } from '../../infra/stack/stack';

/**
 * Engines a test may crash and restart: its own Kafka broker and/or Elasticsearch node, on their own
 * ports and data directories, so the shared engines (19092 / 19200) that other test files use keep
 * running. The engine binaries are shared with the main stack through an `engines` symlink, so a
 * private stack costs an engine start, never a download.
 */
export interface PrivateStack {
  root: string;
  kafkaBrokers: string[];
  esUrl: string;
  /** kill -9 of the engine's process group, as a crash would. */
  kill(engine: EngineName): Promise<void>;
  /** SIGSTOP / SIGCONT: the engine hangs (a long GC pause, a stuck disk) with its sockets open, then resumes. */
  freeze(engine: EngineName): Promise<void>;
  thaw(engine: EngineName): Promise<void>;
  /** Starts the engine (on its existing data) and waits until it is healthy. */
  start(engine: EngineName): Promise<void>;
  isRunning(engine: EngineName): Promise<boolean>;
  /** Stops every engine of this stack; safe to call twice and after a failed start. */
  stop(): Promise<void>;
}

export interface PrivateStackOptions {
  /** Directory name under `.local-outage/` (one per test file, so two files never stop each other's engines). */
  label: string;
  engines: EngineName[];
  kafkaPort: number;
  esPort: number;
  log?: (m: string) => void;
}

/** Where the shared stack keeps its downloaded engines (STACK_ROOT, else `.local`). */
function sharedEnginesDir(): string {
  return join(process.env.STACK_ROOT ?? join(repoRoot, '.local'), 'engines');
}

/**
 * Starts the asked-for engines under `.local-outage/<label>` (OUTAGE_STACK_ROOT overrides the parent)
 * and returns handles to crash and restart them. Pair with `stop()` in `afterAll`; an engine left
 * behind by a killed test run is reused by the next run and stopped at its end.
 */
export async function startPrivateStack(o: PrivateStackOptions): Promise<PrivateStack> {
  const root = join(process.env.OUTAGE_STACK_ROOT ?? join(repoRoot, '.local-outage'), o.label);
  mkdirSync(root, { recursive: true });
  const engines = join(root, 'engines');
  // Sharing the binaries: without the link, a new root provisions (downloads ~150 MB) on its own.
  if (!existsSync(engines)) {
    mkdirSync(sharedEnginesDir(), { recursive: true });
    symlinkSync(sharedEnginesDir(), engines, 'dir');
  }
  const log = o.log ?? ((m: string) => process.stderr.write(`[private-stack ${o.label}] ${m}\n`));
  const opts: StackOptions = { root, brokers: 1, kafkaPort: o.kafkaPort, esPort: o.esPort, log };

  // A worker killed mid-test never reaches afterAll; at least a normal exit takes the engines along.
  const killOnExit = () => {
    const runDir = join(root, 'run');
    if (!existsSync(runDir)) return;
    for (const f of readdirSync(runDir).filter((n) => n.endsWith('.pid'))) {
      const rec = readPidFile(join(runDir, f));
      if (rec && isRecordAlive(rec)) signalGroup(rec.pid, 'SIGKILL');
    }
  };
  process.once('exit', killOnExit);

  const signal = async (engine: EngineName, sig: NodeJS.Signals) => {
    const pid = (await stackStatus(opts)).engines.find((e) => e.name === engine && e.running)?.pid;
    if (pid == null) throw new Error(`${engine} of ${root} is not running`);
    signalGroup(pid, sig);
    return pid;
  };
  const stack: PrivateStack = {
    root,
    kafkaBrokers: [`127.0.0.1:${o.kafkaPort}`],
    esUrl: `http://127.0.0.1:${o.esPort}`,
    kill: (engine) => killEngine(engine, opts),
    async freeze(engine) {
      const pid = await signal(engine, 'SIGSTOP');
      // Resolves only once every thread of the engine is stopped, so nothing sent after it can be answered.
      if (!(await waitUntil(() => allThreadsStopped(pid), 5_000, 20))) throw new Error(`${engine} (pid ${pid}) did not stop within 5 s of SIGSTOP`);
    },
    thaw: async (engine) => void (await signal(engine, 'SIGCONT')),
    start: (engine) => startEngine(engine, opts),
    async isRunning(engine) {
      const s = await stackStatus(opts);
      return s.engines.find((e) => e.name === engine)?.running ?? false;
    },
    async stop() {
      // A frozen engine would sit out SIGTERM's whole grace period.
      for (const e of (await stackStatus(opts)).engines) if (e.running && e.pid != null) signalGroup(e.pid, 'SIGCONT');
      await stopStack(opts);
      process.removeListener('exit', killOnExit);
    },
  };
  try {
    for (const engine of o.engines) await stack.start(engine);
  } catch (err) {
    await stack.stop().catch(() => undefined);
    throw err;
  }
  return stack;
}
