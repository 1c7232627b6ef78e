import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { startPrivateStack, type PrivateStack } from '../support/private-stack';
import { inspection, seizure } from '../support/sample-events';
import { gatewayFor, readAll } from './gateway-harness';

type Json = Record<string, unknown>;

/** One request a terminal made, and what it was told. */
interface Submission {
  via: 'A' | 'B';
  kind: 'single' | 'batch';
  events: Json[];
  status: number;
  sentAt: number;
  answeredAt: number;
  retryAfter: string | undefined;
  contentType: string | undefined;
  body: Json;
}

// Its own broker on its own ports: this test kills it, and the shared one on 19092 must keep running.
const KAFKA_PORT = Number(process.env.OUTAGE_KAFKA_PORT ?? 25092);

describe('gateway while its Kafka broker is killed and restarted', () => {
  let stack: PrivateStack | undefined;
  let ns: Namespace;
  beforeAll(async () => {
    stack = await startPrivateStack({ label: 'gateway', engines: ['kafka-1'], kafkaPort: KAFKA_PORT, esPort: 25290 });
    ns = await createNamespace('gw-kafka-outage', { engines: { kafkaBrokers: stack.kafkaBrokers } });
  });
  afterAll(async () => {
    try {
      await ns?.cleanup();
    } finally {
      await stack?.stop();
    }
  });

  it('answers 503 + Retry-After while the broker is down, and every accepted or retried event is on the topic exactly once', async () => {
    // Two gateway instances, as in production: each must know what the other accepted, also after the outage.
    const { gateway: a, officerToken } = gatewayFor(ns);
    const { gateway: b } = gatewayFor(ns);
    const gateways = { A: a, B: b };
    await Promise.all([a.start(), b.start()]);
    const headers = { authorization: `Bearer ${officerToken}` };
    const submissions: Submission[] = [];
    const submit = async (via: Submission['via'], kind: Submission['kind'], events: Json[]): Promise<Submission> => {
      const sentAt = Date.now();
      const res = await gateways[via].app.inject({ method: 'POST', url: kind === 'single' ? '/api/v1/events' : '/api/v1/events/batch', headers, payload: kind === 'single' ? events[0] : { events } });
      return { via, kind, events, status: res.statusCode, sentAt, answeredAt: Date.now(), retryAfter: res.headers['retry-after']?.toString(), contentType: res.headers['content-type']?.toString(), body: res.json<Json>() };
    };

    // Terminals submitting without pause while accepted: four sending one event at a time, one store-and-forward batches.
    let loadOn = true;
    const terminal = async (via: Submission['via'], kind: Submission['kind']) => {
      while (loadOn) {
        const events = kind === 'single' ? [inspection()] : Array.from({ length: 10 }, (_, i) => (i % 3 ? inspection() : seizure()));
        const s = await submit(via, kind, events);
        submissions.push(s);
        // A terminal told to come back later does so, after Retry-After (with a new event: this one is retried at the end).
        if (s.status !== 202) await new Promise((r) => setTimeout(r, Number(s.retryAfter ?? 1) * 1000));
      }
    };
    const load = Promise.all([terminal('A', 'single'), terminal('A', 'single'), terminal('A', 'batch'), terminal('B', 'single'), terminal('B', 'single')]);
    const count = (pred: (s: Submission) => boolean) => submissions.filter(pred).length;

    try {
      await eventually('events accepted before the outage', () => (count((s) => s.status === 202) >= 30 ? true : undefined), 60_000, 50);
      await stack!.kill('kafka-1');
      const killedAt = Date.now();
      let restartAt = Number.POSITIVE_INFINITY;
      // Requests made after the broker died, and answered before it was started again. `<=`: a 503 can be
      // answered in the very millisecond the wait below sees it (its retry timer and the poll fire together).
      const duringOutage = (s: Submission) => s.sentAt >= killedAt && s.answeredAt <= restartAt;
      await eventually('requests refused while the broker is down', () => (count((s) => s.sentAt >= killedAt && s.status !== 202) >= 6 ? true : undefined), 90_000, 100);
      restartAt = Date.now();
      await stack!.start('kafka-1');
      const restartedAt = Date.now();
      await eventually('events accepted again after the restart', () => (count((s) => s.sentAt >= restartedAt && s.status === 202) >= 30 ? true : undefined), 90_000, 100);
      loadOn = false;
      await load;

      // Only two answers are honest here: accepted (in Kafka) or 503 kafka_unavailable (retry later).
      const unexpected = submissions.filter((s) => s.status !== 202 && s.status !== 503);
      expect(unexpected.map((s) => ({ status: s.status, body: s.body }))).toEqual([]);
      const refused = submissions.filter((s) => s.status === 503);
      expect(refused.filter(duringOutage).length).toBeGreaterThanOrEqual(6);
      for (const s of refused) {
        expect(s.contentType).toMatch(/^application\/problem\+json/);
        expect(s.body).toMatchObject({ status: 503, code: 'kafka_unavailable', retriable: true });
        expect(Number(s.retryAfter)).toBeGreaterThan(0);
      }
      for (const s of submissions.filter((x) => x.status === 202 && x.kind === 'batch')) expect(s.body).toMatchObject({ accepted: 10, rejected: 0 });

      const idsOf = (list: Submission[]) => list.flatMap((s) => s.events.map((e) => String(e.eventId)));
      const tally = async (expectAtLeast: number) => {
        const counts = new Map<string, number>();
        for (const m of await readAll(ns, ns.topics.events, expectAtLeast, 20_000)) counts.set(m.headers['event-id']!, (counts.get(m.headers['event-id']!) ?? 0) + 1);
        return counts;
      };
      const accepted = idsOf(submissions.filter((s) => s.status === 202));
      const before = await tally(accepted.length);
      // 202 means in Kafka: each accepted event once, no more.
      expect(accepted.filter((id) => before.get(id) !== 1)).toEqual([]);
      // Refused while the broker was dead: nothing of them may have been written, not even part of a batch.
      expect(idsOf(refused.filter(duringOutage)).filter((id) => before.has(id))).toEqual([]);
      // Refused around the kill or the restart, a write may have landed without its acknowledgement: the
      // terminal's retry with the same eventId must then be answered duplicate, not write it again.
      const inDoubt = idsOf(refused).filter((id) => before.has(id)).length;

      const retried: Submission[] = [];
      for (const s of refused) {
        retried.push(await eventually(`the retry of ${s.kind} ${String(s.events[0]!.eventId)} answered`, async () => {
          const r = await submit(s.via, s.kind, s.events);
          return r.status === 202 || r.status === 200 ? r : undefined;
        }, 30_000, 500));
      }
      const duplicatesOnRetry = retried.reduce((n, r) => n + (r.kind === 'single' ? (r.body.status === 'duplicate' ? 1 : 0) : Number(r.body.duplicate)), 0);

      // A terminal that lost its answer resends to whichever instance its load balancer picks: the other
      // one must know the event, including those accepted while it was reconnecting after the restart.
      // The index follows the log within milliseconds once caught up; 5 s leaves room for a loaded machine.
      await new Promise((r) => setTimeout(r, 5_000));
      const crossed = submissions.filter((s) => s.status === 202 && s.kind === 'single' && s.sentAt >= restartAt);
      // An instance whose index is not yet following the log again answers 503 (never a second 202); the terminal
      // retries after Retry-After, as the load above does.
      const answers = await Promise.all(
        crossed.map((s) =>
          eventually(`the resend of ${String(s.events[0]!.eventId)} to the other instance answered`, async () => {
            const r = await submit(s.via === 'A' ? 'B' : 'A', s.kind, s.events);
            return r.status === 503 ? undefined : r;
          }, 60_000, 1_000),
        ),
      );
      expect(answers.filter((r) => r.status !== 200).map((r) => ({ via: r.via, eventId: r.events[0]!.eventId, status: r.status }))).toEqual([]);
      const all = idsOf(submissions);
      const after = await tally(all.length);
      expect(all.filter((id) => after.get(id) !== 1)).toEqual([]);
      expect([...after.values()].reduce((a, b) => a + b, 0)).toBe(new Set(all).size);
      process.stderr.write(`[kafka-outage] ${crossed.length} resent to the other instance after the restart, each answered duplicate; ${accepted.length} accepted, ${idsOf(refused).length} refused (503) in ${refused.length} requests, ${inDoubt} of them written without acknowledgement; retries: ${duplicatesOnRetry} answered duplicate; topic holds ${after.size} events, each once\n`);
    } finally {
      loadOn = false;
      await load.catch(() => undefined);
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 300_000);
  it('answers 503 while the broker hangs, and a terminal retrying an event the broker wrote after all is told duplicate, not written twice', async () => {
    const { gateway, officerToken } = gatewayFor(ns);
    await gateway.start();
    const headers = { authorization: `Bearer ${officerToken}` };
    const post = (events: Json[]) =>
      events.length === 1
        ? gateway.app.inject({ method: 'POST', url: '/api/v1/events', headers, payload: events[0] })
        : gateway.app.inject({ method: 'POST', url: '/api/v1/events/batch', headers, payload: { events } });
    try {
      expect((await post([inspection()])).statusCode).toBe(202);
      await stack!.freeze('kafka-1');
      // Sent while the broker is frozen: its socket takes the produce request, nobody answers it.
      const requests = [[inspection()], [seizure()], Array.from({ length: 10 }, () => inspection()), [inspection()]];
      const answers = await Promise.all(requests.map((events) => post(events)));
      await stack!.thaw('kafka-1');
      for (const r of answers) {
        expect(r.statusCode).toBe(503);
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(r.json()).toMatchObject({ code: 'kafka_unavailable', retriable: true });
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      const ids = requests.flat().map((e) => String(e.eventId));
      // The terminal retries each refused request with the same body until it gets an answer that is not 503.
      const retried = [];
      for (const events of requests) {
        retried.push(await eventually('a final answer to the retry', async () => {
          const r = await post(events);
          return r.statusCode === 503 ? undefined : r;
        }, 60_000, 1_000));
      }
      expect(retried.map((r) => r.statusCode).filter((c) => c !== 200 && c !== 202)).toEqual([]);
      const onTopic = new Map<string, number>();
      for (const m of await readAll(ns, ns.topics.events, ids.length, 20_000)) onTopic.set(m.headers['event-id']!, (onTopic.get(m.headers['event-id']!) ?? 0) + 1);
      expect(ids.filter((id) => onTopic.get(id) !== 1)).toEqual([]);
      const duplicates = retried.reduce((n, r) => n + (r.json<Json>().status === 'duplicate' ? 1 : Number(r.json<Json>().duplicate ?? 0)), 0);
      // The point of this case: the first send sat in the frozen broker's socket and was appended on SIGCONT,
      // after its terminal had been told 503. Its retry is the one that must be answered duplicate.
      expect(duplicates).toBeGreaterThanOrEqual(1);
      process.stderr.write(`[kafka-outage] broker frozen: ${ids.length} events refused, ${duplicates} of them written anyway and answered duplicate on retry; each on the topic once\n`);
    } finally {
      await gateway.stop();
    }
  }, 180_000);
});
