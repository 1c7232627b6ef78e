import WebSocket from 'ws';
import type { Producer } from 'kafkajs';
import { createTokenService, type Principal } from '../../lib/auth/tokens';
import { createAccountStore, type Account } from '../../lib/auth/accounts';
import { buildConsole, type ConsoleService } from '../../services/console/src/app';
import { loadConsoleConfig } from '../../services/console/src/config';
import { sampleHit } from '../../services/console/src/sample-hit';
import type { Hit } from '../../schemas/src';
import { eventually, type Namespace } from '../support/namespace';

export const SECRET = 'console-test-secret-'.padEnd(40, 'x');
export const tokens = createTokenService({ secret: SECRET });
export const tokenFor = (role: Principal['role'], jur: string, cp?: string): string => tokens.issue({ sub: `${role}-${jur}${cp ? `-${cp}` : ''}`, role, jur, ...(cp ? { cp } : {}) }).token;

export interface RunningConsole {
  svc: ConsoleService;
  url: string;
  wsUrl: string;
}

/** A console built in-process against the namespace and listening on a free port. */
export async function startConsole(ns: Namespace, env: Record<string, string> = {}, accounts: Account[] = []): Promise<RunningConsole> {
  const config = loadConsoleConfig({ ...ns.env, AUTH_SECRET: SECRET, DOCS_ENABLED: 'false', DASHBOARD_DIR: '/nonexistent', ...env });
  const svc = buildConsole(config, { logger: ns.logger, kafka: ns.kafka, es: ns.es, tokens, accounts: createAccountStore(accounts) });
  await svc.start();
  await svc.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = svc.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { svc, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
}

let seq = 0;
/** A unique, valid hit as the rules service raises it. */
export function newHit(overrides: Partial<Hit> & Record<string, unknown> = {}): Hit {
  seq++;
  return sampleHit({ hitId: `h${Date.now().toString(36)}${seq}`, detectedAt: new Date().toISOString(), ...overrides });
}

/** Produces hits to `hits.v1` the way the rules service does: keyed by hitId, inside a committed transaction. */
export async function createHitProducer(ns: Namespace): Promise<{ produce(hits: Hit[]): Promise<void>; close(): Promise<void>; producer: Producer }> {
  const producer = ns.kafka.producer({ transactionalId: `${ns.topicPrefix}rules-test-${Math.random().toString(36).slice(2)}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    producer,
    async produce(hits) {
      const txn = await producer.transaction();
      try {
        await txn.send({ topic: ns.topics.hits, acks: -1, messages: hits.map((h) => ({ key: h.hitId, value: JSON.stringify(h) })) });
        await txn.commit();
      } catch (err) {
        await txn.abort().catch(() => undefined);
        throw err;
      }
    },
    close: () => producer.disconnect(),
  };
}

export type Frame = { type: string; cursor?: string; code?: string; reason?: string; message?: string; scope?: string; at?: string; hit?: Hit };

export interface LiveClient {
  ws: WebSocket;
  frames: Frame[];
  hits(): Frame[];
  closed: Promise<{ code: number; reason: string }>;
  send(obj: unknown): void;
}

/** Opens the live feed and (unless `subscribe` is false) subscribes and waits for `subscribed`. */
export async function liveClient(wsUrl: string, token: string, subscribe: Record<string, unknown> | false = { filter: {} }): Promise<LiveClient> {
  const ws = new WebSocket(`${wsUrl}/api/v1/live?token=${encodeURIComponent(token)}`);
  const frames: Frame[] = [];
  ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString('utf8')) as Frame));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
    ws.once('unexpected-response', (_req, resp) => rej(new Error(`HTTP ${resp.statusCode}`)));
  });
  const c: LiveClient = { ws, frames, hits: () => frames.filter((f) => f.type === 'hit' || f.type === 'hit.updated'), closed, send: (o) => ws.send(typeof o === 'string' ? o : JSON.stringify(o)) };
  if (subscribe) {
    c.send({ op: 'subscribe', ...subscribe });
    await eventually('subscribed', () => (frames.some((f) => f.type === 'subscribed') ? true : undefined), 10_000, 10);
  }
  return c;
}

/** The HTTP status a WebSocket upgrade is refused with (or 101). */
export function upgradeStatus(wsUrl: string, query: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${wsUrl}/api/v1/live${query}`, origin ? { origin } : {});
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    ws.once('error', () => undefined);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
