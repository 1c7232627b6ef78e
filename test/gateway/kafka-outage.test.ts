import { connect, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../lib/kafka';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection } from '../support/sample-events';
import { gatewayFor, readAll } from './gateway-harness';

/**
 * Kafka "down" for this gateway only: its client's sockets go through a factory we can cut (every open
 * connection destroyed, new ones refused), so the shared broker other test files use keeps running.
 */
function cuttableSockets() {
  let cut = false;
  const open = new Set<Socket>();
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = cut ? connect({ host: '127.0.0.1', port: 1 }) : connect({ host, port }, onConnect);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  return {
    factory,
    cut() {
      cut = true;
      for (const s of open) s.destroy(new Error('network cut by test'));
    },
    restore() {
      cut = false;
    },
  };
}

describe('gateway while Kafka is unreachable', () => {
  let ns: Namespace;
  beforeAll(async () => {
    ns = await createNamespace('gw-outage');
  });
  afterAll(async () => ns?.cleanup());

  it('answers 503 with Retry-After and writes nothing, then accepts again when Kafka is back', async () => {
    const net = cuttableSockets();
    const kafka = createKafka({
      brokers: ns.kafkaBrokers,
      clientId: 'gw-outage',
      logger: ns.logger,
      overrides: { socketFactory: net.factory, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } },
    });
    const { gateway, officerToken } = gatewayFor(ns, {}, kafka);
    await gateway.start();
    const auth = { authorization: `Bearer ${officerToken}` };

    net.cut();
    const ev = inspection();
    const down = await gateway.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: ev });
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    expect(down.json()).toMatchObject({ code: 'kafka_unavailable', retriable: true });
    expect((await readAll(ns, ns.topics.events, 0)).filter((m) => m.headers['event-id'] === ev.eventId)).toHaveLength(0);

    net.restore();
    const back = await eventually(
      'the gateway to accept again',
      async () => {
        const r = await gateway.app.inject({ method: 'POST', url: '/api/v1/events', headers: auth, payload: ev });
        return r.statusCode === 202 || r.statusCode === 200 ? r : undefined;
      },
      30_000,
      500,
    );
    expect(back.statusCode).toBe(202);
    await gateway.stop();
    const onTopic = await readAll(ns, ns.topics.events, 1);
    expect(onTopic.filter((m) => m.headers['event-id'] === ev.eventId)).toHaveLength(1);
  });
});
