import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths never written in clear: credentials and tokens, and the identifiers of people (resident ids,
 * names), which may only appear inside nested event payloads that we do not log anyway.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'idNumber',
  '*.idNumber',
  '*.*.idNumber',
  'name',
  'driver',
  'passengers',
  'persons',
  'subject',
];

/** The one root logger of a process; components take `logger.child({ component })`. */
export function createLogger(opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: opts.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
