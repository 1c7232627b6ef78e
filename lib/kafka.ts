import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from './logger';

export interface KafkaDeps {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Overrides for tests and tools (e.g. shorter retries when a broker is meant to be down). */
  overrides?: Partial<KafkaConfig>;
}

/** A kafkajs client whose own logs go through pino as a child `component: kafkajs`. */
export function createKafka({ brokers, clientId, logger, overrides }: KafkaDeps): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        // kafkajs logs the full broker list and stack traces at ERROR on every reconnect; warn is enough.
        if (level <= logLevel.WARN) log.warn(rest, message);
        else if (level === logLevel.INFO) log.info(rest, message);
        else log.debug(rest, message);
      },
    ...overrides,
  });
}

/** True for kafkajs errors that mean "the cluster is unreachable right now", not "this request is wrong". */
export function isKafkaUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const names = ['KafkaJSConnectionError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSRequestTimeoutError', 'KafkaJSNonRetriableError', 'KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError', 'KafkaJSProtocolError', 'KafkaJSLockTimeout', 'KafkaJSTimeout'];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    if (names.includes(e.name)) return true;
    e = (e as Error & { originalError?: unknown }).originalError ?? e.cause;
  }
  return false;
}
