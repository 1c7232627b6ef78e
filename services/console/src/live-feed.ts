import '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { WebSocket } from 'ws';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Principal, TokenService } from '../../../lib/auth/tokens';
import type { Logger } from '../../../lib/logger';
import { allow } from './access-policy';
import { decodeCursor, encodeCursor, type Positions } from './cursor';
import type { Frame } from './frame-log';
import type { HitStore } from './hit-store';
import { replayFromKafka } from './live-replay';
import { maskIdsFor } from './privacy';
import { filterError, frameFilter, parseClientFrame, scopeOf, type ServerFrame } from './live-frames';

export interface LiveFeedDeps {
  store: HitStore;
  kafka: Kafka;
  tokens: TokenService;
  heartbeatMs: number;
  slowClientBytes: number;
  /** How long a client may keep more than `slowClientBytes` unsent before it is dropped. */
  slowClientGraceMs: number;
  closeGraceMs: number;
  registry: Registry;
  logger: Logger;
}

interface Subscription {
  generation: number;
  matches: (f: Frame['hit']) => boolean;
  /** Next log index to look at. */
  pointer: number;
  /** The resume cursor while it is ahead of this instance on some partition (frames below it were delivered). */
  floor?: Positions;
  phase: 'kafka' | 'log';
}

const YIELD_EVERY = 256;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dominates(p: Positions, floor: Positions): boolean {
  return Object.entries(floor).every(([k, v]) => Number(p[k] ?? -1) >= Number(v));
}
function maxOf(p: Positions, floor: Positions): Positions {
  const out = { ...p };
  for (const [k, v] of Object.entries(floor)) if (Number(out[k] ?? -1) < Number(v)) out[k] = v;
  return out;
}
const decodeTrusted = (c: string): Positions => JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Positions;

/**
 * `GET /api/v1/live`. Every connection pulls from the store's frame log at its own pace: a burst is
 * written only as fast as the client drains it (bounded by `slowClientBytes`), and a client that stops
 * draining for `slowClientGraceMs` — or falls out of the log — is told `slow_consumer` and closed with
 * 4008. Nobody else waits for it: the store never blocks on a subscriber.
 */
export function registerLiveFeed(app: FastifyInstance, deps: LiveFeedDeps): { connections(): number } {
  const log = deps.logger.child({ component: 'live-feed' });
  const connections = new Set<() => void>();
  const gauge = new Gauge({ name: 'console_live_connections', help: 'Open live-feed connections', registers: [deps.registry] });
  const dropped = new Counter({ name: 'console_live_dropped_total', help: 'Live clients dropped as slow consumers', registers: [deps.registry] });
  const sent = new Counter({ name: 'console_live_frames_total', help: 'Hit frames sent to live clients', registers: [deps.registry] });
  deps.store.onFrames(() => {
    for (const wake of connections) wake();
  });

  app.get(
    '/api/v1/live',
    {
      websocket: true,
      schema: { tags: ['live'], summary: 'Live hits (WebSocket); see docs/CONSOLE-API.md for frames' },
      preValidation: async (req) => void allow(deps.tokens, req, 'GET /api/v1/live', { allowQueryToken: true }),
    },
    (socket: WebSocket, req) => {
      const principal = req.principal as Principal;
      let sub: Subscription | undefined;
      let pumping = false;
      let closed = false;

      const send = (f: ServerFrame): void => {
        if (!closed && socket.readyState === socket.OPEN) socket.send(JSON.stringify(f));
      };
      const close = (code: number, reason: string) => {
        if (closed) return;
        closed = true;
        socket.close(code, reason);
        // A client that does not read cannot complete the close handshake either.
        setTimeout(() => socket.terminate(), deps.closeGraceMs).unref();
      };
      const drop = () => {
        if (closed) return;
        dropped.inc();
        log.info({ user: principal.sub, buffered: socket.bufferedAmount }, 'slow live client dropped');
        send({ type: 'dropped', reason: 'slow_consumer' });
        close(4008, 'slow_consumer');
      };
      /** Waits until the client drained below half the limit; false if it did not within the grace. */
      const drained = async (): Promise<boolean> => {
        const deadline = Date.now() + deps.slowClientGraceMs;
        while (socket.bufferedAmount > deps.slowClientBytes / 2) {
          if (closed || Date.now() > deadline) return false;
          await sleep(20);
        }
        return true;
      };
      const cursorOf = (s: Subscription, frameCursor: string): string => {
        if (!s.floor) return frameCursor;
        const p = decodeTrusted(frameCursor);
        if (dominates(p, s.floor)) {
          delete s.floor;
          return frameCursor;
        }
        return encodeCursor(maxOf(p, s.floor));
      };
      // While older frames still come from Kafka, the client holds exactly the resume cursor advanced by them.
      const currentCursor = (s: Subscription): string => (s.phase === 'kafka' ? encodeCursor(s.floor ?? {}) : cursorOf(s, deps.store.log.cursorBefore(s.pointer)));

      const pump = async (): Promise<void> => {
        if (pumping) return;
        pumping = true;
        try {
          let n = 0;
          while (sub && sub.phase === 'log' && !closed) {
            const s = sub;
            const frames = deps.store.log;
            if (s.pointer >= frames.head()) break;
            if (s.pointer < frames.first()) return drop();
            const f = frames.get(s.pointer)!;
            s.pointer++;
            const pending = !s.floor || Number(s.floor[f.key] ?? -1) <= f.offset;
            if (pending && s.matches(f.hit)) {
              send({ type: f.type, cursor: cursorOf(s, f.cursor), hit: maskIdsFor(principal, f.hit) });
              sent.inc();
            } else if (s.floor) {
              cursorOf(s, f.cursor);
            }
            if (socket.bufferedAmount > deps.slowClientBytes && !(await drained())) return drop();
            if (++n % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
          }
        } finally {
          pumping = false;
        }
        if (sub && sub.phase === 'log' && !closed && sub.pointer < deps.store.log.head()) void pump();
      };
      const wake = () => void pump();
      connections.add(wake);
      gauge.inc();

      // A revoked token (logout, password reset, disable, role change; from any instance) ends the feed at once.
      const endIfRevoked = () => {
        if (closed || !deps.tokens.isRevoked(principal)) return;
        send({ type: 'error', code: 'token_invalid', message: 'The token was revoked; log in again' });
        close(4001, 'token_revoked');
      };
      const offRevocations = deps.tokens.revocations.onChange(endIfRevoked);
      const heartbeat = setInterval(() => {
        if (principal.exp * 1000 <= Date.now()) {
          send({ type: 'error', code: 'token_invalid', message: 'The token expired; log in again and resume from your last cursor' });
          close(4001, 'token_expired');
          return;
        }
        if (sub && socket.bufferedAmount <= deps.slowClientBytes) send({ type: 'heartbeat', at: new Date().toISOString(), cursor: currentCursor(sub) });
      }, deps.heartbeatMs);

      socket.on('close', () => {
        closed = true;
        offRevocations();
        clearInterval(heartbeat);
        connections.delete(wake);
        gauge.dec();
      });
      socket.on('error', (err) => log.debug({ err }, 'live socket error'));

      socket.on('message', (raw: Buffer, isBinary: boolean) => {
        const parsed = parseClientFrame(isBinary ? '' : raw.toString('utf8'));
        if (!parsed.ok) return send(parsed.error);
        const frame = parsed.frame;
        if (frame.op === 'ping') {
          if (sub) send({ type: 'heartbeat', at: new Date().toISOString(), cursor: currentCursor(sub) });
          else send({ type: 'heartbeat', at: new Date().toISOString(), cursor: deps.store.log.cursorBefore(deps.store.log.head()) });
          return;
        }
        const refused = filterError(principal, frame.filter);
        if (refused) return send(refused);
        let resume: Positions | undefined;
        if (frame.resumeFrom) {
          resume = decodeCursor(frame.resumeFrom);
          if (!resume) return send({ type: 'error', code: 'invalid_cursor', message: 'resumeFrom is not a cursor this service issued' });
        }
        const frames = deps.store.log;
        const generation = (sub?.generation ?? 0) + 1;
        const s: Subscription = resume
          ? { generation, matches: frameFilter(principal, frame.filter), pointer: frames.first(), floor: resume, phase: 'kafka' }
          : { generation, matches: frameFilter(principal, frame.filter), pointer: frames.head(), phase: 'log' };
        sub = s;
        send({ type: 'subscribed', cursor: resume ? encodeCursor(resume) : frames.cursorBefore(frames.head()), scope: scopeOf(principal) });
        log.debug({ user: principal.sub, resume: Boolean(resume) }, 'subscribed');
        if (!resume) return wake();
        // Whatever the cursor names that the in-memory log no longer holds comes from Kafka first.
        void replayFromKafka({ kafka: deps.kafka, store: deps.store, cursor: resume, base: frames.basePositions(), matches: s.matches })
          .then(async (replay) => {
            if (sub !== s || closed) return;
            for (const f of replay.frames) {
              if (sub !== s || closed) return;
              s.floor = maxOf(s.floor ?? {}, { [f.key]: String(f.offset + 1) });
              send({ type: f.type, cursor: encodeCursor(s.floor), hit: maskIdsFor(principal, f.hit) });
              sent.inc();
              if (socket.bufferedAmount > deps.slowClientBytes && !(await drained())) return drop();
            }
            if (!replay.complete) send({ type: 'error', code: 'replay_incomplete', message: 'Some hits older than the console keeps could not be read again from Kafka (expired or too many); search for them' });
            s.phase = 'log';
            wake();
          })
          .catch((err: unknown) => {
            log.warn({ err }, 'replay from Kafka failed');
            send({ type: 'error', code: 'replay_failed', message: 'Could not read older hits from Kafka; resubscribe to try again' });
          });
      });
    },
  );
  return { connections: () => connections.size };
}
