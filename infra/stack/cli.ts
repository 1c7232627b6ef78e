import { engineLogFile, ensureStack, killEngine, stackStatus, startEngine, stopStack, StackError } from './stack';
import { tailFile } from './log-files';
import { engineNames, isEngineName, type EngineName } from './plan';
import type { StackOptions } from './options';

const USAGE = `usage: tsx infra/stack/cli.ts <command>
  start [--brokers 1|3]       start (or reuse) Kafka and Elasticsearch; waits until healthy
  start <engine>              start one engine of the running mode (after a kill)
  stop                        stop every engine (data kept under .local/)
  status                      per engine: running?, pid, port, data dir
  logs [engine] [-n 100]      last lines of an engine's log (all engines without a name)
  kill <engine>               kill -9 one engine, as a crash would
engines: ${engineNames.join(', ')}
env: STACK_KAFKA_PORT (19092) STACK_ES_PORT (19200) STACK_KAFKA_HEAP (256m) STACK_ES_HEAP (512m) STACK_BROKERS STACK_ROOT`;

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Positional arguments: everything that is neither a flag nor a flag's value. */
function positionals(args: string[]): string[] {
  return args.filter((a, i) => !a.startsWith('-') && !(i > 0 && args[i - 1]?.startsWith('-')));
}

function engineArg(value: string | undefined): EngineName {
  if (value && isEngineName(value)) return value;
  throw new StackError('BAD_OPTION', `name an engine: ${engineNames.join(', ')}`);
}

function brokersArg(args: string[]): StackOptions {
  const value = flagValue(args, '--brokers');
  if (value === undefined) return {};
  if (value === '1' || value === '3') return { brokers: value === '1' ? 1 : 3 };
  throw new StackError('BAD_OPTION', `--brokers ${value}: only 1 or 3`);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  const [first] = positionals(args);
  switch (cmd) {
    case 'start': {
      const started = Date.now();
      if (first) {
        await startEngine(engineArg(first), brokersArg(args));
        out(`${first} running`);
        return;
      }
      const ep = await ensureStack(brokersArg(args));
      out(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      out(`  KAFKA_BROKERS=${ep.kafkaBrokers.join(',')}`);
      out(`  ES_URL=${ep.esUrl}`);
      return;
    }
    case 'stop':
      await stopStack();
      out('stack stopped');
      return;
    case 'status': {
      const status = await stackStatus(brokersArg(args));
      out(`${status.brokers}-broker stack under ${status.root}`);
      for (const e of status.engines) {
        const state = e.running ? `running  pid ${e.pid}` : e.stale ? `crashed  (stale pid ${e.pid})` : 'stopped';
        out(`  ${e.name.padEnd(14)} ${state.padEnd(28)} port ${e.port}${e.listening ? ' (listening)' : ''}  data ${e.dataDir}`);
      }
      return;
    }
    case 'logs': {
      const lines = Number(flagValue(args, '-n') ?? 100);
      const names = first ? [engineArg(first)] : (await stackStatus()).engines.map((e) => e.name);
      for (const name of names) {
        const file = engineLogFile(name);
        if (names.length > 1) out(`==> ${name}: ${file} <==`);
        out(tailFile(file, lines) || `(no log at ${file})`);
      }
      return;
    }
    case 'kill':
      await killEngine(engineArg(first));
      return;
    default:
      out(USAGE);
      if (cmd !== undefined && cmd !== 'help' && cmd !== '--help') process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`stack: ${message}\n`);
  if (!(err instanceof StackError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = 1;
});
