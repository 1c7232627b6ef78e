import type { Kafka, Producer, Message } from 'kafkajs';
import { AppError } from '../../../lib/errors';
import { isKafkaUnavailable } from '../../../lib/kafka';
import type { Logger } from '../../../lib/logger';

export interface OutgoingEvent {
  eventId: string;
  checkpointId: string;
  bodyHash: string;
  value: string;
}

export interface EventPublisher {
  connect(): Promise<void>;
  /** Resolves once the brokers acknowledged (acks=all) every given event; rejects with `kafka_unavailable`. */
  publish(events: OutgoingEvent[]): Promise<void>;
  isConnected(): boolean;
  disconnect(): Promise<void>;
}

/**
 * Idempotent producer with group commit: while one produce request is in flight, new events queue
 * and go out together in the next request. One request per event would cap single submissions at a
 * few hundred per second; this keeps latency at one round trip and lets throughput scale with load.
 */
export function createEventPublisher(deps: { kafka: Kafka; topic: string; logger: Logger; sendTimeoutMs?: number }): EventPublisher {
  const log = deps.logger.child({ component: 'publisher' });
  const producer: Producer = deps.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // ≈ 6 s of retries: rides out a leader election, then answers 503 rather than keeping a terminal waiting.
    retry: { retries: 6, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
  let connected = false;
  producer.on(producer.events.CONNECT, () => void (connected = true));
  producer.on(producer.events.DISCONNECT, () => void (connected = false));

  type Pending = { events: OutgoingEvent[]; resolve: () => void; reject: (e: unknown) => void };
  let queue: Pending[] = [];
  let inFlight = false;

  const flush = async (): Promise<void> => {
    if (inFlight || queue.length === 0) return;
    inFlight = true;
    const batch = queue;
    queue = [];
    const messages: Message[] = batch.flatMap((p) =>
      p.events.map((e) => ({ key: e.checkpointId, value: e.value, headers: { 'event-id': e.eventId, 'body-sha256': e.bodyHash } })),
    );
    try {
      await withTimeout(producer.send({ topic: deps.topic, acks: -1, messages }), deps.sendTimeoutMs ?? 10_000);
      for (const p of batch) p.resolve();
    } catch (err) {
      const unavailable = isKafkaUnavailable(err) || err instanceof SendTimeout;
      log.warn({ err, events: messages.length }, 'produce failed');
      const appErr = new AppError(unavailable ? 'kafka_unavailable' : 'internal', unavailable ? 'The event log is unreachable; nothing was accepted. Retry with the same eventId.' : undefined, {
        cause: err,
        retryAfterSeconds: 2,
      });
      for (const p of batch) p.reject(appErr);
    } finally {
      inFlight = false;
      if (queue.length) void flush();
    }
  };

  return {
    async connect() {
      await producer.connect();
      connected = true;
    },
    publish(events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        void flush();
      });
    },
    isConnected: () => connected,
    async disconnect() {
      while (inFlight || queue.length) await new Promise((r) => setTimeout(r, 10));
      await producer.disconnect();
    },
  };
}

class SendTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout(`no acknowledgement within ${ms} ms`)), ms);
    }),
  ]);
}
