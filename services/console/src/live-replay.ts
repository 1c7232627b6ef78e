import type { Kafka } from 'kafkajs';
import { HitSchema, type Hit, safeParse } from '../../../schemas/src';
import type { Positions } from './cursor';
import type { HitStore } from './hit-store';
import { readOffsetRanges, type OffsetRange } from './kafka-range-reader';

export interface ReplayFrame {
  type: 'hit' | 'hit.updated';
  key: string;
  offset: number;
  hit: Hit;
}

const MAX_REPLAY = 100_000;

/**
 * Frames a resume cursor is owed that lie before the in-memory log (a cursor older than the look-back
 * window or than the frames kept): read again from Kafka, in the order (record time, topic, partition,
 * offset). They carry each record as written — an update that lost a version race is included, marked by
 * its version, since the fold that would reject it ran before this instance started.
 */
export async function replayFromKafka(deps: { kafka: Kafka; store: HitStore; cursor: Positions; base: Positions; matches: (h: Hit) => boolean }): Promise<{ frames: ReplayFrame[]; complete: boolean }> {
  const ranges: OffsetRange[] = [];
  for (const [key, to] of Object.entries(deps.base)) {
    const from = Number(deps.cursor[key] ?? 0);
    const [tag, partition] = key.split(':');
    if (from < Number(to)) ranges.push({ topic: tag === 'h' ? deps.store.topics.hits : deps.store.topics.hitUpdates, partition: Number(partition), from, to: Number(to) });
  }
  if (!ranges.length) return { frames: [], complete: true };
  const { records, complete } = await readOffsetRanges(deps.kafka, ranges, { maxRecords: MAX_REPLAY, timeoutMs: 30_000 });
  const tagOf = (topic: string) => (topic === deps.store.topics.hits ? 'h' : 'u');
  const sorted = records
    .map((r) => ({ r, t: Number(r.message.timestamp), tag: tagOf(r.topic), o: Number(r.message.offset) }))
    .sort((a, b) => a.t - b.t || a.tag.localeCompare(b.tag) || a.r.partition - b.r.partition || a.o - b.o);
  const frames: ReplayFrame[] = [];
  for (const { r, tag, o } of sorted) {
    let hit: Hit | undefined;
    try {
      const p = safeParse(HitSchema, JSON.parse(r.message.value?.toString('utf8') ?? ''));
      hit = p.success ? p.data : undefined;
    } catch {
      hit = undefined;
    }
    if (!hit || !deps.matches(hit)) continue;
    frames.push({ type: tag === 'h' && hit.version === 1 ? 'hit' : 'hit.updated', key: `${tag}:${r.partition}`, offset: o, hit });
  }
  return { frames, complete };
}
