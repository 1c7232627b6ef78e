import { elasticsearchHealthy, prepareElasticsearch, startElasticsearch, type ElasticsearchContext } from './elasticsearch-node';
import { isStorageFormatFailure } from './kafka-config';
import { formatKafkaNode, kafkaNodeHealthy, prepareKafkaNode, startKafkaNode, type KafkaNodeContext } from './kafka-node';
import { withStackLock } from './lock';
import { failureExcerpt, tailFile } from './log-files';
import { resolveOptions, type ResolvedOptions, type StackOptions } from './options';
import { readEngineVersions, stackPaths, type StackPaths } from './paths';
import { readPidFile, removePidFile, writePidFile, type PidRecord } from './pid-file';
import { engineInPlan, engineNames, planStack, type EngineName, type EnginePlan, type KafkaNodePlan, type StackPlan } from './plan';
import { ephemeralPorts, portAcceptsConnections, portOwner } from './ports';
import { groupExists, isRecordAlive, orphansRemain, pidExists, signalGroup, waitUntil } from './processes';
import { findJava, provisionEngines } from './provision';
import { elasticsearchRunAs } from './run-as';
import { StackError } from './stack-error';
import { join } from 'node:path';

export type { StackOptions } from './options';
export type { EngineName } from './plan';
export { StackError } from './stack-error';

export interface StackEndpoints {
  kafkaBrokers: string[];
  esUrl: string;
}

export interface EngineStatus {
  name: EngineName;
  /** The recorded process is alive (not merely a pid file left behind). */
  running: boolean;
  pid: number | null;
  port: number;
  /** Something accepts connections on the port. */
  listening: boolean;
  /** A pid file whose process is gone: the engine crashed or was killed; the next start recovers it. */
  stale: boolean;
  dataDir: string;
  logFile: string;
}

export interface StackStatus {
  brokers: 1 | 3;
  root: string;
  endpoints: StackEndpoints;
  engines: EngineStatus[];
}

interface Context {
  o: ResolvedOptions;
  paths: StackPaths;
  plan: StackPlan;
}

const STOP_GRACE_MS = 30_000;

function pidFileOf(paths: StackPaths, name: EngineName): string {
  return join(paths.runDir, `${name}.pid`);
}

function liveRecord(paths: StackPaths, name: EngineName): PidRecord | undefined {
  const rec = readPidFile(pidFileOf(paths, name));
  return rec && isRecordAlive(rec) ? rec : undefined;
}

/** Explicit option or STACK_BROKERS, else the mode of the Kafka that is running, else one broker. */
function contextFor(opts: StackOptions | undefined): Context {
  const o = resolveOptions(opts);
  const paths = stackPaths(o.root, readEngineVersions());
  const running = (['kafka-1', 'kafka-2', 'kafka-3'] as const).map((n) => liveRecord(paths, n)?.brokers).find((b) => b != null);
  const brokers = o.brokers ?? running ?? 1;
  return { o, paths, plan: planStack(brokers, o.kafkaPort, o.esPort, paths) };
}

function endpointsOf(plan: StackPlan): StackEndpoints {
  return { kafkaBrokers: plan.kafka.map((k) => `127.0.0.1:${k.port}`), esUrl: `http://127.0.0.1:${plan.elasticsearch.port}` };
}

/** One mode at a time on one set of ports: refuse rather than start a second cluster beside the first. */
function assertNoConflict({ paths, plan }: Context): void {
  for (const name of engineNames) {
    const rec = liveRecord(paths, name);
    if (!rec) continue;
    const planned = plan.kafka.find((k) => k.name === name) ?? (name === 'elasticsearch' ? plan.elasticsearch : undefined);
    if (name !== 'elasticsearch' && rec.brokers !== plan.brokers) {
      throw new StackError('MODE_CONFLICT', `a ${rec.brokers ?? '?'}-broker Kafka is running (${name}, pid ${rec.pid}); a ${plan.brokers}-broker stack was asked for. Stop it first: npm run stack:stop`);
    }
    if (planned && rec.port !== planned.port) {
      throw new StackError('MODE_CONFLICT', `${name} is running on port ${rec.port} (pid ${rec.pid}) but port ${planned.port} was asked for. Stop the stack first: npm run stack:stop`);
    }
  }
}

function portsOf(engine: EnginePlan): number[] {
  return engine.kind === 'kafka' ? [engine.port, engine.controllerPort] : [engine.port, engine.transportPort];
}

async function assertPortsFree(engine: EnginePlan): Promise<void> {
  for (const port of portsOf(engine)) {
    if (!(await portAcceptsConnections(port))) continue;
    const owner = portOwner(port);
    const envVar = engine.kind === 'kafka' ? 'STACK_KAFKA_PORT' : 'STACK_ES_PORT';
    throw new StackError('PORT_TAKEN', `port ${port} (needed by ${engine.name}) is taken by ${owner ?? 'a process'} that is not part of this stack. Stop it, or choose other ports with ${envVar}.`);
  }
}

async function terminate(rec: PidRecord, signal: NodeJS.Signals, graceMs: number): Promise<boolean> {
  signalGroup(rec.pid, signal);
  return waitUntil(() => !pidExists(rec.pid) && !groupExists(rec.pid), graceMs, 200);
}

/** Forgets a dead engine's pid file, killing any child it left behind (they would hold its port). */
async function clearStale(paths: StackPaths, name: EngineName, log: (m: string) => void): Promise<void> {
  const file = pidFileOf(paths, name);
  const rec = readPidFile(file);
  if (!rec || isRecordAlive(rec)) return;
  log(`${name}: pid ${rec.pid} is gone (crashed or killed); starting it again on its existing data`);
  if (orphansRemain(rec)) await terminate(rec, 'SIGKILL', 10_000);
  removePidFile(file);
}

interface Launched {
  engine: EnginePlan;
  record: PidRecord;
  /** Started by this call (false = an already running engine is reused). */
  fresh: boolean;
}

function kafkaContext(ctx: Context, java: ReturnType<typeof findJava>): KafkaNodeContext {
  return { java, libsDir: ctx.paths.kafkaLibs, heap: ctx.o.kafkaHeap, log: ctx.o.log };
}

/** Under the lock: provision, then reuse each live engine or start it. Health is awaited outside the lock. */
async function launch(ctx: Context, engines: EnginePlan[]): Promise<Launched[]> {
  return withStackLock(join(ctx.paths.runDir, 'stack.lock'), ctx.o.log, async () => {
    assertNoConflict(ctx);
    const java = findJava();
    await provisionEngines(ctx.paths, readEngineVersions(), ctx.o.log);
    const launched: Launched[] = [];
    const toStart: EnginePlan[] = [];
    for (const engine of engines) {
      const live = liveRecord(ctx.paths, engine.name);
      if (live) launched.push({ engine, record: live, fresh: false });
      else toStart.push(engine);
    }
    // Every port is checked before anything starts, so a clash leaves nothing half-started behind.
    for (const engine of toStart) await clearStale(ctx.paths, engine.name, ctx.o.log);
    for (const engine of toStart) await assertPortsFree(engine);
    const risky = ephemeralPorts(toStart.flatMap(portsOf));
    if (risky.length) ctx.o.log(`warning: ports ${risky.join(', ')} are in the kernel's ephemeral range; a client connection may grab one first (EADDRINUSE). Prefer ports below 32768.`);
    for (const engine of toStart) {
      let record: PidRecord;
      if (engine.kind === 'kafka') {
        const kctx = kafkaContext(ctx, java);
        prepareKafkaNode(engine, ctx.plan, kctx);
        record = startKafkaNode(engine, kctx);
      } else {
        const ectx: ElasticsearchContext = { java, paths: ctx.paths, heap: ctx.o.esHeap, runAs: elasticsearchRunAs() };
        prepareElasticsearch(engine, ectx);
        record = startElasticsearch(engine, ectx);
      }
      writePidFile(engine.pidFile, record);
      ctx.o.log(`${engine.name}: started pid ${record.pid} on port ${engine.port} (log: ${engine.logFile})`);
      launched.push({ engine, record, fresh: true });
    }
    return launched;
  });
}

function healthy(engine: EnginePlan): Promise<boolean> {
  return engine.kind === 'kafka' ? kafkaNodeHealthy(engine) : elasticsearchHealthy(engine.port);
}

async function awaitHealthy(ctx: Context, { engine, record, fresh }: Launched, allowReformat = true): Promise<void> {
  const started = Date.now();
  let died = false;
  const ok = await waitUntil(
    async () => {
      if (!isRecordAlive(record)) {
        died = true;
        return true;
      }
      return healthy(engine);
    },
    ctx.o.startTimeoutMs,
    500,
  );
  const tail = () => failureExcerpt(tailFile(engine.logFile, 400));
  if (died) {
    if (engine.kind === 'kafka' && fresh && allowReformat && isStorageFormatFailure(tail())) {
      await reformatAndRestart(ctx, engine);
      return;
    }
    throw new StackError('ENGINE_DIED', `${engine.name} (pid ${record.pid}) exited during startup. Last lines of ${engine.logFile}:\n${tail()}`);
  }
  if (!ok) {
    throw new StackError(
      'ENGINE_TIMEOUT',
      `${engine.name} (pid ${record.pid}) is running but was not healthy after ${ctx.o.startTimeoutMs / 1000} s. Last lines of ${engine.logFile}:\n${tail()}\n(npm run stack:stop, then start again)`,
    );
  }
  if (fresh) ctx.o.log(`${engine.name}: healthy on port ${engine.port} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** A node whose storage Kafka rejects (missing or foreign meta.properties) is formatted afresh, once. */
async function reformatAndRestart(ctx: Context, engine: KafkaNodePlan): Promise<void> {
  ctx.o.log(`${engine.name}: storage unusable (see ${engine.logFile}); formatting it again, its data is lost`);
  const launched = await withStackLock(join(ctx.paths.runDir, 'stack.lock'), ctx.o.log, async () => {
    const kctx = kafkaContext(ctx, findJava());
    formatKafkaNode(engine, ctx.plan, kctx);
    prepareKafkaNode(engine, ctx.plan, kctx);
    const record = startKafkaNode(engine, kctx);
    writePidFile(engine.pidFile, record);
    return { engine, record, fresh: true };
  });
  await awaitHealthy(ctx, launched, false);
}

async function launchAndWait(ctx: Context, engines: EnginePlan[]): Promise<void> {
  const launched = await launch(ctx, engines);
  const results = await Promise.allSettled(launched.map((l) => awaitHealthy(ctx, l)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new StackError('ENGINE_DIED', failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n\n'), { cause: failures[0] });
}

/**
 * Kafka and Elasticsearch running and healthy, started only if needed: live engines are reused,
 * crashed ones (stale pid file) are restarted on their data. Idempotent and safe to call
 * concurrently from several processes.
 */
export async function ensureStack(opts?: StackOptions): Promise<StackEndpoints> {
  const ctx = contextFor(opts);
  const started = Date.now();
  // Elasticsearch first: it is the slower of the two to come up.
  await launchAndWait(ctx, [ctx.plan.elasticsearch, ...ctx.plan.kafka]);
  const endpoints = endpointsOf(ctx.plan);
  ctx.o.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: kafka ${endpoints.kafkaBrokers.join(',')} · elasticsearch ${endpoints.esUrl}`);
  return endpoints;
}

/** Stops every engine of the stack (either mode): SIGTERM, then SIGKILL after 30 s. Keeps all data. */
export async function stopStack(opts?: StackOptions): Promise<void> {
  const ctx = contextFor(opts);
  await withStackLock(join(ctx.paths.runDir, 'stack.lock'), ctx.o.log, async () => {
    await Promise.all(
      engineNames.map(async (name) => {
        const file = pidFileOf(ctx.paths, name);
        const rec = readPidFile(file);
        if (!rec) return;
        if (isRecordAlive(rec) || orphansRemain(rec)) {
          ctx.o.log(`${name}: stopping pid ${rec.pid}`);
          if (!(await terminate(rec, 'SIGTERM', STOP_GRACE_MS))) {
            ctx.o.log(`${name}: still running after ${STOP_GRACE_MS / 1000} s; killing it`);
            await terminate(rec, 'SIGKILL', 10_000);
          }
        }
        removePidFile(file);
      }),
    );
  });
}

/** Per engine of the current (or asked-for) mode: whether it runs, its pid, port and where its data and log are. */
export async function stackStatus(opts?: StackOptions): Promise<StackStatus> {
  const ctx = contextFor(opts);
  const engines = await Promise.all(
    [...ctx.plan.kafka, ctx.plan.elasticsearch].map(async (engine): Promise<EngineStatus> => {
      const rec = readPidFile(engine.pidFile);
      const running = rec !== undefined && isRecordAlive(rec);
      return {
        name: engine.name,
        running,
        pid: rec?.pid ?? null,
        port: engine.port,
        listening: await portAcceptsConnections(engine.port),
        stale: rec !== undefined && !running,
        dataDir: engine.dataDir,
        logFile: engine.logFile,
      };
    }),
  );
  return { brokers: ctx.plan.brokers, root: ctx.paths.root, endpoints: endpointsOf(ctx.plan), engines };
}

/**
 * Kills one engine with SIGKILL (its whole process group), as a crash would: no clean shutdown,
 * the pid file stays behind. For failover tests; `startEngine` or `ensureStack` brings it back.
 */
export async function killEngine(name: EngineName, opts?: StackOptions): Promise<void> {
  const ctx = contextFor(opts);
  const engine = engineInPlan(ctx.plan, name);
  const rec = readPidFile(engine.pidFile);
  if (!rec || !(isRecordAlive(rec) || orphansRemain(rec))) {
    ctx.o.log(`${name}: not running`);
    return;
  }
  if (!(await terminate(rec, 'SIGKILL', 10_000))) throw new StackError('ENGINE_TIMEOUT', `${name} (pid ${rec.pid}) survived SIGKILL for 10 s`);
  ctx.o.log(`${name}: killed pid ${rec.pid}`);
}

/** Starts one engine of the current mode if it is not running, and waits until it is healthy. */
export async function startEngine(name: EngineName, opts?: StackOptions): Promise<void> {
  const ctx = contextFor(opts);
  await launchAndWait(ctx, [engineInPlan(ctx.plan, name)]);
}

/** The engine's stdout/stderr log file for `stack:logs`. */
export function engineLogFile(name: EngineName, opts?: StackOptions): string {
  const ctx = contextFor(opts);
  return join(ctx.paths.logsDir, `${name}.log`);
}
