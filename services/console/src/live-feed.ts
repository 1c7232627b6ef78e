import '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { TokenService, Principal } from '../../../lib/auth/tokens';
import { AppError } from '../../../lib/errors';
import { tokenFrom } from '../../../lib/auth/authenticate';
import type { Logger } from '../../../lib/logger';
import { canSeeHit, ROUTE_ROLES } from './access';
import { decodeCursor, encodeCursor, type Positions } from './cursor';
import type { Frame, HitStore } from './hit-store';

const ClientFrame = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('subscribe'),
    filter: z
      .object({
        severities: z.array(z.enum(['critical', 'high', 'medium', 'low'])).max(4).optional(),
        categories: z.array(z.string().max(64)).max(50).optional(),
        checkpointIds: z.array(z.string().max(40)).max(200).optional(),
        jurisdiction: z.string().regex(/^\d{6}$/).optional(),
      })
      .default({}),
    resumeFrom: z.string().max(4096).optional(),
  }),
  z.object({ op: z.literal('ping') }),
]);
type Filter = z.infer<typeof ClientFrame> extends infer F ? (F extends { op: 'subscribe'; filter: infer X } ? X : never) : never;

function matches(f: Frame, filter: Filter, p: Principal): boolean {
  const h = f.hit;
  if (!canSeeHit(h, p)) return false;
  if (filter.severities && !filter.severities.includes(h.severity)) return false;
  if (filter.categories && !filter.categories.includes(h.category)) return false;
  if (filter.checkpointIds && !filter.checkpointIds.includes(h.checkpointId)) return false;
  // A narrower jurisdiction the client asks for; the token's scope above is the outer bound.
  if (filter.jurisdiction && !h.jurisdictions.some((j) => j === filter.jurisdiction || j.startsWith(filter.jurisdiction!.replace(/0+$/, '')))) return false;
  return true;
}

/**
 * `GET /api/v1/live`: hits as they happen, filtered to the caller's scope. A client resuming from a cursor
 * gets every frame after it once, in order, then the live stream — also after a console restart.
 */
export function registerLiveFeed(app: FastifyInstance, deps: { store: HitStore; tokens: TokenService; heartbeatMs: number; slowClientBytes: number; logger: Logger }): void {
  const log = deps.logger.child({ component: 'live-feed' });
  app.get('/api/v1/live', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req) => {
    let principal: Principal;
    try {
      const token = tokenFrom(req, true);
      if (!token) throw new AppError('unauthenticated');
      principal = deps.tokens.verify(token);
      if (!(ROUTE_ROLES.liveFeed as readonly string[]).includes(principal.role)) throw new AppError('forbidden');
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'unauthenticated';
      socket.send(JSON.stringify({ type: 'error', code, message: err instanceof Error ? err.message : 'unauthenticated' }));
      socket.close(4001, code);
      return;
    }
    let filter: Filter | undefined;
    let unsubscribe: (() => void) | undefined;
    let last: Positions = deps.store.positions();
    const send = (obj: unknown): boolean => {
      if (socket.readyState !== socket.OPEN) return false;
      if (socket.bufferedAmount > deps.slowClientBytes) {
        socket.send(JSON.stringify({ type: 'dropped', reason: 'slow_consumer', message: 'too far behind; reconnect with your last cursor to resume' }));
        socket.close(4008, 'slow_consumer');
        unsubscribe?.();
        return false;
      }
      socket.send(JSON.stringify(obj));
      return true;
    };
    const deliver = (f: Frame) => {
      last = f.cursor;
      if (filter && matches(f, filter, principal)) send({ type: f.type, cursor: encodeCursor(f.cursor), hit: f.hit });
    };
    const heartbeat = setInterval(() => send({ type: 'heartbeat', at: new Date().toISOString(), cursor: encodeCursor(last) }), deps.heartbeatMs);
    socket.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe?.();
    });
    socket.on('message', (raw: Buffer) => {
      let json: unknown;
      try {
        json = JSON.parse(raw.toString());
      } catch {
        send({ type: 'error', code: 'malformed_json', message: 'frames are JSON objects' });
        return;
      }
      const parsed = ClientFrame.safeParse(json);
      if (!parsed.success) {
        send({ type: 'error', code: 'validation_failed', message: parsed.error.issues.map((i) => `${i.path.join('/') || '(frame)'}: ${i.message}`).join('; ') });
        return;
      }
      const f = parsed.data;
      if (f.op === 'ping') {
        send({ type: 'pong', at: new Date().toISOString() });
        return;
      }
      unsubscribe?.();
      filter = f.filter;
      let from = deps.store.positions();
      if (f.resumeFrom) {
        const c = decodeCursor(f.resumeFrom);
        if (!c) {
          send({ type: 'error', code: 'validation_failed', message: 'resumeFrom is not a cursor this service issued' });
          return;
        }
        from = c;
      }
      // Replay and go live without a gap or a double: subscribe first, buffer, replay, then flush what is new.
      const buffered: Frame[] = [];
      let replaying = true;
      unsubscribe = deps.store.onFrame((fr) => (replaying ? buffered.push(fr) : deliver(fr)));
      const replay = f.resumeFrom ? deps.store.framesAfter(from) : [];
      send({ type: 'subscribed', cursor: encodeCursor(from), scope: principal.role === 'officer' ? principal.cp : principal.jur, replaying: replay.length });
      last = from;
      const delivered = new Set<string>();
      for (const fr of replay) {
        delivered.add(`${fr.key}@${fr.offset}`);
        deliver(fr);
      }
      for (const fr of buffered) if (!delivered.has(`${fr.key}@${fr.offset}`)) deliver(fr);
      replaying = false;
      log.debug({ user: principal.sub, replayed: replay.length }, 'subscribed');
    });
  });
}
