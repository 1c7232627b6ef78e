import { describe, expect, it } from 'vitest';
import { createEventIntake, type Validation } from './accept-events';
import type { EventPublisher, OutgoingEvent } from './publish-event';
import type { IdempotencyIndex } from './idempotency-index';
import { AppError } from '../../../lib/errors';
import type { Principal } from '../../../lib/auth/tokens';

type E = { eventId: string; checkpointId: string; n?: number };

const validate = (raw: unknown): Validation<E> => {
  const r = raw as Partial<E> | null;
  return r && typeof r.eventId === 'string' && typeof r.checkpointId === 'string'
    ? { ok: true, event: { eventId: r.eventId, checkpointId: r.checkpointId, ...(r.n !== undefined ? { n: r.n } : {}) } }
    : { ok: false, errors: [{ path: '/eventId', message: 'required' }] };
};

function fakes(opts: { fail?: boolean; delayMs?: number } = {}) {
  const sent: OutgoingEvent[] = [];
  const known = new Map<string, string>();
  const doubtful = new Set<string>();
  const publisher: EventPublisher = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    isConnected: () => true,
    abandonedSendsEnded: async () => undefined,
    async publish(events) {
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
      if (opts.fail) throw new AppError('kafka_unavailable');
      sent.push(...events);
    },
  };
  const index: IdempotencyIndex = {
    lookup: (id) => known.get(id),
    record: (id, h) => void known.set(id, h),
    start: async () => undefined,
    stop: async () => undefined,
    isCaughtUp: () => true,
    resync: (inDoubt = []) => void inDoubt.forEach((id) => doubtful.add(id)),
    inDoubt: (id) => doubtful.has(id),
    size: () => known.size,
    evicted: () => 0,
  };
  return { sent, publisher, index, doubtful, opts };
}

const officer: Principal = { sub: 'o1', role: 'officer', jur: '140882', cp: 'CP-140882-G5-01', jti: 'j', iat: 0, exp: 9e9 };

describe('event intake', () => {
  it('publishes a new event once and answers a resubmission with the same body as a duplicate', async () => {
    const f = fakes();
    const intake = createEventIntake({ validate, ...f, maxInFlight: 100 });
    const ev = { eventId: 'a', checkpointId: 'CP-140882-G5-01', n: 1 };
    expect(await intake.accept([ev], officer)).toEqual([{ eventId: 'a', status: 'accepted' }]);
    expect(await intake.accept([{ ...ev }], officer)).toEqual([{ eventId: 'a', status: 'duplicate' }]);
    expect(f.sent).toHaveLength(1);
  });

  it('rejects the same id with a different body as a conflict', async () => {
    const f = fakes();
    const intake = createEventIntake({ validate, ...f, maxInFlight: 100 });
    await intake.accept([{ eventId: 'a', checkpointId: 'CP-140882-G5-01', n: 1 }], officer);
    const [r] = await intake.accept([{ eventId: 'a', checkpointId: 'CP-140882-G5-01', n: 2 }], officer);
    expect(r).toMatchObject({ status: 'rejected', code: 'event_id_conflict' });
  });

  it('lets concurrent submissions of one id produce a single send', async () => {
    const f = fakes({ delayMs: 20 });
    const intake = createEventIntake({ validate, ...f, maxInFlight: 100 });
    const ev = { eventId: 'c', checkpointId: 'CP-140882-G5-01' };
    const results = await Promise.all([1, 2, 3].map(() => intake.accept([ev], officer)));
    expect(results.flat().map((r) => r.status).sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
    expect(f.sent).toHaveLength(1);
  });

  it('records nothing when the publish fails, so a retry is accepted later', async () => {
    const failing = fakes({ fail: true });
    const intake = createEventIntake({ validate, ...failing, maxInFlight: 100 });
    await expect(intake.accept([{ eventId: 'd', checkpointId: 'CP-140882-G5-01' }], officer)).rejects.toMatchObject({ code: 'kafka_unavailable' });
    expect(failing.index.lookup('d')).toBeUndefined();
    expect(intake.inFlight()).toBe(0);
  });

  it('does not take the retry of a cut-off send for new until the index has settled whether it was written', async () => {
    const f = fakes({ fail: true });
    const intake = createEventIntake({ validate, ...f, maxInFlight: 100 });
    const ev = { eventId: 'g', checkpointId: 'CP-140882-G5-01' };
    await expect(intake.accept([ev], officer)).rejects.toMatchObject({ code: 'kafka_unavailable' });
    expect(f.doubtful.has('g')).toBe(true);
    // The brokers are back, but the first send may still show up in the log: the retry waits.
    f.opts.fail = false;
    expect(await intake.accept([ev], officer)).toEqual([{ eventId: 'g', status: 'rejected', code: 'kafka_unavailable', detail: expect.stringContaining('checking whether it was written'), retryAfterSeconds: 2 }]);
    // Another event is not held up.
    expect(await intake.accept([{ eventId: 'h', checkpointId: 'CP-140882-G5-01' }], officer)).toEqual([{ eventId: 'h', status: 'accepted' }]);
    expect(f.sent.map((e) => e.eventId)).toEqual(['h']);
    // Settled absent: the retry is new. (Found in the log instead, it would have been known: a duplicate.)
    f.doubtful.delete('g');
    expect(await intake.accept([ev], officer)).toEqual([{ eventId: 'g', status: 'accepted' }]);
    expect(f.sent.map((e) => e.eventId)).toEqual(['h', 'g']);
  });

  it('refuses an officer submitting for another checkpoint and any non-officer role', async () => {
    const f = fakes();
    const intake = createEventIntake({ validate, ...f, maxInFlight: 100 });
    const [other] = await intake.accept([{ eventId: 'e', checkpointId: 'CP-530621-G85-02' }], officer);
    expect(other).toMatchObject({ status: 'rejected', code: 'forbidden' });
    const [admin] = await intake.accept([{ eventId: 'f', checkpointId: 'CP-140882-G5-01' }], { ...officer, role: 'admin' });
    expect(admin).toMatchObject({ status: 'rejected', code: 'forbidden' });
    expect(f.sent).toHaveLength(0);
  });

  it('answers overloaded instead of queueing without bound', async () => {
    const f = fakes();
    const intake = createEventIntake({ validate, ...f, maxInFlight: 2 });
    const three = [1, 2, 3].map((i) => ({ eventId: `o${i}`, checkpointId: 'CP-140882-G5-01' }));
    await expect(intake.accept(three, officer)).rejects.toMatchObject({ code: 'overloaded' });
  });
});
