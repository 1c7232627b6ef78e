import { createHash } from 'node:crypto';
import { AppError, type FieldError } from '../../../lib/errors';
import type { Principal } from '../../../lib/auth/tokens';
import type { EventPublisher } from './publish-event';
import type { IdempotencyIndex } from './idempotency-index';

export interface ValidEvent {
  eventId: string;
  checkpointId: string;
}

export type Validation<E> = { ok: true; event: E } | { ok: false; errors: FieldError[] };

export type ItemResult =
  | { eventId: string; status: 'accepted' | 'duplicate' }
  | { eventId?: string; status: 'rejected'; code: AppError['code']; detail: string; errors?: FieldError[]; retryAfterSeconds?: number };

export interface EventIntake {
  /** Validates, authorizes, de-duplicates and durably publishes; per-item results, in input order. */
  accept(raw: unknown[], principal: Principal): Promise<ItemResult[]>;
  inFlight(): number;
}

/** Canonical body hash: of the validated event as zod re-emits it (its JSON, `json`), so key order and spacing don't matter. */
export function bodyHash(json: string): string {
  return createHash('sha256').update(json).digest('base64url');
}

/**
 * The gateway's core: nothing is answered `accepted` before the brokers acknowledged it, and an event
 * id already in the log is answered `duplicate` (same body) or rejected as a conflict (other body).
 */
export function createEventIntake<E extends ValidEvent>(deps: {
  validate: (raw: unknown) => Validation<E>;
  publisher: EventPublisher;
  index: IdempotencyIndex;
  maxInFlight: number;
}): EventIntake {
  // Concurrent submissions of one id wait for the first, then see it in the index.
  const pending = new Map<string, Promise<unknown>>();
  let inFlight = 0;

  const authorize = (e: E, p: Principal): ItemResult | undefined => {
    if (p.role !== 'officer') return { eventId: e.eventId, status: 'rejected', code: 'forbidden', detail: `Role ${p.role} may not submit events` };
    if (p.cp !== e.checkpointId)
      return { eventId: e.eventId, status: 'rejected', code: 'forbidden', detail: `This account submits for ${p.cp ?? 'no checkpoint'}, not ${e.checkpointId}`, errors: [{ path: '/checkpointId', message: 'not the checkpoint this account is bound to' }] };
    return undefined;
  };

  const known = (eventId: string, hash: string): ItemResult | undefined => {
    const existing = deps.index.lookup(eventId);
    if (existing === undefined) {
      // Its earlier send failed and may yet show up in the log: taking it for new now could write it twice.
      if (deps.index.inDoubt(eventId))
        return { eventId, status: 'rejected', code: 'kafka_unavailable', detail: 'An earlier submission of this eventId was cut off by the event log; checking whether it was written. Retry with the same eventId.', retryAfterSeconds: 2 };
      return undefined;
    }
    if (existing === hash) return { eventId, status: 'duplicate' };
    return { eventId, status: 'rejected', code: 'event_id_conflict', detail: `eventId ${eventId} was already accepted with a different body`, errors: [{ path: '/eventId', message: 'already used for a different event' }] };
  };

  return {
    inFlight: () => inFlight,
    async accept(raw, principal) {
      if (inFlight + raw.length > deps.maxInFlight) throw new AppError('overloaded', undefined, { retryAfterSeconds: 1 });
      const results: ItemResult[] = new Array(raw.length);
      const toSend: Array<{ i: number; e: E; hash: string; json: string }> = [];
      const seenInRequest = new Map<string, string>();
      for (let i = 0; i < raw.length; i++) {
        const v = deps.validate(raw[i]);
        if (!v.ok) {
          const id = (raw[i] as { eventId?: unknown } | null)?.eventId;
          results[i] = { ...(typeof id === 'string' ? { eventId: id.slice(0, 64) } : {}), status: 'rejected', code: 'validation_failed', detail: 'The event is not valid', errors: v.errors };
          continue;
        }
        const denied = authorize(v.event, principal);
        if (denied) {
          results[i] = denied;
          continue;
        }
        // The JSON that is hashed is the JSON that is published: one serialisation per event.
        const json = JSON.stringify(v.event);
        const hash = bodyHash(json);
        const within = seenInRequest.get(v.event.eventId);
        if (within !== undefined) {
          results[i] = within === hash ? { eventId: v.event.eventId, status: 'duplicate' } : { eventId: v.event.eventId, status: 'rejected', code: 'event_id_conflict', detail: 'eventId repeated in this batch with a different body' };
          continue;
        }
        seenInRequest.set(v.event.eventId, hash);
        toSend.push({ i, e: v.event, hash, json });
      }

      inFlight += toSend.length;
      try {
        // Each id is claimed synchronously by exactly one request; others wait for the claim to settle and
        // then decide against the index (duplicate or conflict), or claim it themselves if that send failed.
        let remaining = toSend;
        while (remaining.length) {
          const claimed: typeof toSend = [];
          const waiting: Array<Promise<unknown>> = [];
          const later: typeof toSend = [];
          for (const s of remaining) {
            const k = known(s.e.eventId, s.hash);
            if (k) results[s.i] = k;
            else if (pending.has(s.e.eventId)) {
              waiting.push(pending.get(s.e.eventId)!);
              later.push(s);
            } else claimed.push(s);
          }
          let settle!: () => void;
          const claim = new Promise<void>((r) => (settle = r));
          for (const s of claimed) pending.set(s.e.eventId, claim);
          const send = async () => {
            if (!claimed.length) return;
            try {
              // Unknown here may mean not yet read (the index is catching up after losing the brokers): taking it
              // for new could write a second copy of another instance's event. Known ids were answered above.
              if (!deps.index.isCaughtUp()) throw new AppError('kafka_unavailable', 'Reconnecting to the event log; nothing was accepted. Retry with the same eventId.', { retryAfterSeconds: 2 });
              await deps.publisher.publish(claimed.map((s) => ({ eventId: s.e.eventId, checkpointId: s.e.checkpointId, bodyHash: s.hash, value: s.json }))).catch((err: unknown) => {
                // Unanswered is not unwritten: the broker may have appended them. The terminal's retry must find
                // them in the index, so it re-reads the log's end before taking any unknown id for new again.
                deps.index.resync(claimed.map((s) => s.e.eventId));
                throw err;
              });
              for (const s of claimed) {
                deps.index.record(s.e.eventId, s.hash);
                results[s.i] = { eventId: s.e.eventId, status: 'accepted' };
              }
            } finally {
              for (const s of claimed) pending.delete(s.e.eventId);
              settle();
            }
          };
          await Promise.all([send(), Promise.all(waiting)]);
          remaining = later;
        }
      } finally {
        inFlight -= toSend.length;
      }
      return results;
    },
  };
}
