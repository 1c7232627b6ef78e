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
  /**
   * Resolves once every send given up on so far (timed out or failed) has really ended. kafkajs may go on retrying a
   * send after the publisher answered 503 — after its producer was disconnected, even — so a record can still be
   * appended after the failure was reported; only once this resolves is the log's end final for those events.
   */
  abandonedSendsEnded(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Idempotent producer with group commit: while one produce request is in flight, new events queue
 * and go out together in the next request. One request per event would cap single submissions at a
 * few hundred per second; this keeps latency at one round trip and lets throughput scale with load.
 */
export function createEventPublisher(deps: { kafka: Kafka; topic: string; logger: Logger; sendTimeoutMs?: number }): EventPublisher {
  const log = deps.logger.child({ component: 'publisher' });
  const newProducer = (): Producer => {
    const p = deps.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // ≈ 6 s of retries: rides out a leader election, then answers 503 rather than keeping a terminal waiting.
      retry: { retries: 6, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    // Only the current producer speaks for the connection: a replaced one reports its DISCONNECT late.
    p.on(p.events.CONNECT, () => void (p === producer && (connected = true)));
    p.on(p.events.DISCONNECT, () => void (p === producer && (connected = false)));
    return p;
  };
  let connected = false;
  let producer: Producer = newProducer();
  let connecting: Promise<void> | undefined;
  /** One connect at a time; a send after a failed (re)connect connects first instead of failing "disconnected". */
  const ensureConnected = (): Promise<void> => {
    if (connected) return Promise.resolve();
    if (connecting) return connecting;
    const p = producer;
    const attempt: Promise<void> = p
      .connect()
      .then(() => {
        if (p === producer) connected = true;
      })
      .finally(() => {
        if (connecting === attempt) connecting = undefined;
      });
    connecting = attempt;
    return attempt;
  };

  type Pending = { events: OutgoingEvent[]; resolve: () => void; reject: (e: unknown) => void };
  let queue: Pending[] = [];
  let inFlight = false;
  /** Sends given up on that kafkajs has not finished yet (see `abandonedSendsEnded`). */
  const abandoned = new Set<Promise<unknown>>();

  const flush = async (): Promise<void> => {
    if (inFlight || queue.length === 0) return;
    inFlight = true;
    // One produce request stays well under the broker's 1 MB record-batch limit: whole requests are packed
    // until the next would pass MAX_SEND_BYTES (a single larger request still goes alone).
    let bytes = 0;
    let take = 0;
    while (take < queue.length) {
      const size = queue[take]!.events.reduce((n, e) => n + e.value.length + 200, 0);
      if (take > 0 && bytes + size > MAX_SEND_BYTES) break;
      bytes += size;
      take++;
    }
    const batch = queue.slice(0, take);
    queue = queue.slice(take);
    const messages: Message[] = batch.flatMap((p) =>
      p.events.map((e) => ({ key: e.checkpointId, value: e.value, headers: { 'event-id': e.eventId, 'body-sha256': e.bodyHash } })),
    );
    let sending: Promise<unknown> | undefined;
    try {
      // The connect counts against the same deadline: a terminal gets its 503 in time while the brokers are away.
      // A send that starts after the deadline would write events their terminals were told are not in Kafka.
      const p = producer;
      let expired = false;
      await withTimeout(
        ensureConnected().then(() => {
          if (expired || p !== producer) throw new SendTimeout('connected only after the deadline; not sent');
          sending = p.send({ topic: deps.topic, acks: -1, messages });
          return sending;
        }),
        deps.sendTimeoutMs ?? 10_000,
        () => (expired = true),
      );
      for (const p of batch) p.resolve();
    } catch (err) {
      if (sending) {
        const ended: Promise<unknown> = sending.then(
          () => log.warn({ events: messages.length }, 'a send given up on was acknowledged after all: its events are in the log'),
          () => undefined,
        );
        abandoned.add(ended);
        void ended.finally(() => abandoned.delete(ended));
      }
      const unavailable = isKafkaUnavailable(err) || err instanceof SendTimeout;
      log.warn({ err, events: messages.length }, 'produce failed');
      const appErr = new AppError(unavailable ? 'kafka_unavailable' : 'internal', unavailable ? 'The event log is unreachable; nothing was accepted. Retry with the same eventId.' : undefined, {
        cause: err,
        retryAfterSeconds: 2,
      });
      for (const p of batch) p.reject(appErr);
      // After a failed send kafkajs' idempotent producer can be left with sequence numbers the broker no
      // longer accepts (OUT_OF_ORDER_SEQUENCE_NUMBER on every later send): always start a fresh producer.
      await resetProducer();
    } finally {
      inFlight = false;
      if (queue.length) void flush();
    }
  };

  // The new producer connects on the next send (within its deadline), not here: a connect that retries
  // for as long as the brokers are down would hold every queued request past its terminal's patience.
  const resetProducer = async () => {
    const old = producer;
    producer = newProducer();
    connected = false;
    connecting = undefined;
    await old.disconnect().catch(() => undefined);
  };

  return {
    connect: ensureConnected,
    publish(events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        void flush();
      });
    },
    isConnected: () => connected,
    abandonedSendsEnded: async () => {
      while (abandoned.size > 0) await Promise.all(abandoned);
    },
    async disconnect() {
      while (inFlight || queue.length) await new Promise((r) => setTimeout(r, 10));
      await producer.disconnect();
    },
  };
}

class SendTimeout extends Error {}

const MAX_SEND_BYTES = 700 * 1024;

function withTimeout<T>(p: Promise<T>, ms: number, onExpire?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onExpire?.();
        reject(new SendTimeout(`no acknowledgement within ${ms} ms`));
      }, ms);
    }),
  ]);
}
