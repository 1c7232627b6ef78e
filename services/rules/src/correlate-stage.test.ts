import type { Kafka, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { createCorrelateLogic } from './correlate-stage';
import { createCorrelator } from './correlation/correlator';
import { DEFAULT_RULES } from './default-rules';
import { inspectionEvent, registry, residentId } from './fixtures';
import { SIGHTING_PACK_KEY, sightingsOf } from './sighting';

const topics = { sightings: 'sightings.v1', hits: 'hits.v1', watchlist: 'watchlist.v1', deadLetters: 'dead-letters.v1' };
const record = (offset: number, key: string, value: string): KafkaMessage => ({ key: Buffer.from(key), value: Buffer.from(value), offset: String(offset), timestamp: String(Date.now()), attributes: 0, headers: {} });

describe('correlation stage input', () => {
  // process() never touches Kafka (only rebuild() replays): a client that is never called is the seam.
  const logic = () =>
    createCorrelateLogic({ kafka: {} as Kafka, logger: createLogger({ level: 'silent', name: 'test' }), topics, correlator: createCorrelator({ registry, latenessMs: 600_000, lateHorizonMs: 86_400_000 }), rules: () => DEFAULT_RULES });

  it('applies every good sighting of a pack and dead-letters the pack once, naming the bad ones by index', async () => {
    const l = logic();
    const good = sightingsOf(inspectionEvent({ driver: { idNumber: residentId(7) } }));
    const pack = { schemaVersion: 1, sightings: [good[0], { ...good[1], key: 'x' }, good[2], { nonsense: true }] };
    const out = await l.process(0, [record(0, SIGHTING_PACK_KEY, JSON.stringify(pack))], new Date());
    const dead = out.find((t) => t.topic === topics.deadLetters)!.messages;
    expect(dead).toHaveLength(1);
    const letter = JSON.parse(String(dead[0]!.value)) as { reason: string; offset: string };
    expect(letter.offset).toBe('0');
    expect(letter.reason).toMatch(/^sightings\/1: key: .*; sightings\/3: /);
    expect(l.stats().sightings).toBe(2);
  });

  it('still reads a single sighting keyed by its subject, and dead-letters a pack that is not one', async () => {
    const l = logic();
    const [s] = sightingsOf(inspectionEvent());
    const out = await l.process(1, [record(0, s!.key, JSON.stringify(s)), record(1, SIGHTING_PACK_KEY, '{"sightings":[]}'), record(2, SIGHTING_PACK_KEY, 'not json')], new Date());
    const reasons = out.find((t) => t.topic === topics.deadLetters)!.messages.map((m) => (JSON.parse(String(m.value)) as { reason: string }).reason);
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/sightings/);
    expect(reasons[1]).toBe('not JSON');
    expect(l.stats().sightings).toBe(1);
  });
});
