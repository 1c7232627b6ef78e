import { join } from 'node:path';
import { repoRoot } from './paths';
import { StackError } from './stack-error';

export interface StackOptions {
  brokers?: 1 | 3;
  /** First broker's client port; brokers 2 and 3 take the next two. Default 19092. */
  kafkaPort?: number;
  /** Elasticsearch HTTP port. Default 19200. */
  esPort?: number;
  /** Where engines, data, logs and pid files live. Default `<repo>/.local`. */
  root?: string;
  log?: (msg: string) => void;
}

export interface ResolvedOptions {
  /** Undefined when neither the caller nor the environment chose: the running stack's mode wins, else 1. */
  brokers: 1 | 3 | undefined;
  kafkaPort: number;
  esPort: number;
  root: string;
  kafkaHeap: string;
  esHeap: string;
  /** How long an engine may take to become healthy (STACK_START_TIMEOUT_S, default 180 s). */
  startTimeoutMs: number;
  log: (msg: string) => void;
}

type Env = Record<string, string | undefined>;

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024 || n > 65_000) throw new StackError('BAD_OPTION', `${name}=${value} is not a port between 1024 and 65000`);
  return n;
}

function heap(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+[mMgG]$/.test(value)) throw new StackError('BAD_OPTION', `${name}=${value} is not a heap size such as 256m or 1g`);
  return value.toLowerCase();
}

function seconds(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new StackError('BAD_OPTION', `${name}=${value} is not a number of seconds`);
  return n;
}

function brokersFrom(value: string | undefined): 1 | 3 | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === '1') return 1;
  if (value === '3') return 3;
  throw new StackError('BAD_OPTION', `STACK_BROKERS=${value}: only 1 or 3 brokers are supported`);
}

const stderrLog = (msg: string): void => {
  process.stderr.write(`[stack] ${msg}\n`);
};

/** Options win over the environment (STACK_*), which wins over the defaults. */
export function resolveOptions(opts: StackOptions = {}, env: Env = process.env): ResolvedOptions {
  if (opts.brokers !== undefined && opts.brokers !== 1 && opts.brokers !== 3) {
    throw new StackError('BAD_OPTION', `brokers: ${String(opts.brokers)}: only 1 or 3 brokers are supported`);
  }
  const kafkaPort = opts.kafkaPort ?? port(env.STACK_KAFKA_PORT, 'STACK_KAFKA_PORT') ?? 19092;
  const esPort = opts.esPort ?? port(env.STACK_ES_PORT, 'STACK_ES_PORT') ?? 19200;
  return {
    brokers: opts.brokers ?? brokersFrom(env.STACK_BROKERS),
    kafkaPort,
    esPort,
    root: opts.root ?? (env.STACK_ROOT || join(repoRoot, '.local')),
    kafkaHeap: heap(env.STACK_KAFKA_HEAP, 'STACK_KAFKA_HEAP', '256m'),
    esHeap: heap(env.STACK_ES_HEAP, 'STACK_ES_HEAP', '512m'),
    startTimeoutMs: seconds(env.STACK_START_TIMEOUT_S, 'STACK_START_TIMEOUT_S', 180) * 1000,
    log: opts.log ?? stderrLog,
  };
}
