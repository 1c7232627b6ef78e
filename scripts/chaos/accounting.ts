import type { Client } from '@elastic/elasticsearch';
import type { Admin, Kafka } from 'kafkajs';
import { readOffsetRanges, type RangeRecord } from '../../services/console/src/kafka-range-reader';
import type { ReceivedFrame } from './live-client';
import type { PlantedSighting } from './load';

/**
 * The end-of-run accounting, everything by id: what the gateway acknowledged against the events topic and
 * Elasticsearch, what the rules committed to the hits topic against what the console client received and
 * what Elasticsearch holds, and what every consumer group still has to read.
 */

/** Every committed record of a topic, from its first offset to its end at the time of the call. */
export async function readWholeTopic(kafka: Kafka, admin: Admin, topic: string): Promise<RangeRecord[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const ranges = offsets.map((o) => ({ topic, partition: o.partition, from: Number(o.low), to: Number(o.high) }));
  const { records, complete } = await readOffsetRanges(kafka, ranges, { maxRecords: 50_000_000, timeoutMs: 180_000 });
  if (!complete) throw new Error(`could not read ${topic} to its end within 180 s`);
  return records;
}

/** `_id` of every document behind an alias, with how many indices hold it (an id in two monthly indices is a duplicate). */
export async function documentIds(es: Client, alias: string, sourceFields: string[] = []): Promise<Map<string, Array<Record<string, unknown>>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  await es.indices.refresh({ index: alias, ignore_unavailable: true, allow_no_indices: true });
  let res = await es.search<Record<string, unknown>>({ index: alias, scroll: '1m', size: 5000, _source: sourceFields.length ? sourceFields : false, query: { match_all: {} }, ignore_unavailable: true, allow_no_indices: true });
  for (;;) {
    const hits = res.hits.hits;
    for (const h of hits) out.set(h._id!, [...(out.get(h._id!) ?? []), { _index: h._index, ...(h._source ?? {}) }]);
    if (hits.length === 0 || !res._scroll_id) break;
    res = await es.scroll<Record<string, unknown>>({ scroll_id: res._scroll_id, scroll: '1m' });
  }
  if (res._scroll_id) await es.clearScroll({ scroll_id: res._scroll_id }).catch(() => undefined);
  return out;
}

export interface GroupLag {
  group: string;
  /** Committed records not yet consumed (transaction markers are not counted). */
  records: number;
  /** Raw end offset − committed offset, summed (markers included). */
  offsetGap: number;
  partitionsWithoutCommit: number;
}

/**
 * What each group still has to read: the committed records between its committed offsets and the ends of
 * its topics. The raw offset gap can stay at 1 forever behind a transactional topic (the commit marker
 * after the last record is never "consumed"), so records are counted by reading the gap.
 */
export async function groupLag(kafka: Kafka, admin: Admin, group: string, topics: string[], opts: { ignoreNoCommit?: boolean } = {}): Promise<GroupLag> {
  const committed = await admin.fetchOffsets({ groupId: group, topics });
  const ranges: Array<{ topic: string; partition: number; from: number; to: number }> = [];
  let offsetGap = 0;
  let partitionsWithoutCommit = 0;
  for (const t of committed) {
    const ends = await admin.fetchTopicOffsets(t.topic);
    for (const p of t.partitions) {
      const end = ends.find((e) => e.partition === p.partition)!;
      const high = Number(end.high);
      let from = Number(p.offset);
      if (from < 0) {
        partitionsWithoutCommit++;
        if (opts.ignoreNoCommit) continue;
        from = Number(end.low);
      }
      offsetGap += Math.max(0, high - from);
      if (from < high) ranges.push({ topic: t.topic, partition: p.partition, from, to: high });
    }
  }
  const { records } = ranges.length ? await readOffsetRanges(kafka, ranges, { maxRecords: 10_000_000, timeoutMs: 15_000 }) : { records: [] };
  return { group, records: records.length, offsetGap, partitionsWithoutCommit };
}

/** True when every partition's committed offset has reached `ends` (less one for a trailing commit marker when `markerSlack`). */
export async function groupReached(admin: Admin, group: string, ends: Map<string, Map<number, number>>, markerSlack: (topic: string) => number): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId: group, topics: [...ends.keys()] });
  for (const t of committed) {
    const want = ends.get(t.topic);
    if (!want) continue;
    for (const p of t.partitions) {
      const end = want.get(p.partition) ?? 0;
      if (end === 0) continue;
      if (Number(p.offset) < end - markerSlack(t.topic)) return false;
    }
  }
  return true;
}

export async function endOffsets(admin: Admin, topics: string[]): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  for (const t of topics) out.set(t, new Map((await admin.fetchTopicOffsets(t)).map((o) => [o.partition, Number(o.high)])));
  return out;
}

export interface EventAccount {
  acknowledged: number;
  onTopic: number;
  /** Acknowledged but missing from the topic or from Elasticsearch. */
  lostEvents: number;
  lostFromTopic: number;
  missingFromIndex: number;
  /** Events whose id is on the topic more than once. */
  duplicateEventsOnTopic: number;
  /** Event ids held by more than one Elasticsearch document. */
  duplicateEventDocuments: number;
  /** On the topic (even if never acknowledged: a send cut off after the append) but not indexed. */
  topicEventsNotIndexed: number;
  examples: Record<string, string[]>;
}

export function accountEvents(acked: Set<string>, topicRecords: RangeRecord[], docs: Map<string, unknown[]>): EventAccount {
  const onTopic = new Map<string, number>();
  const copies = new Map<string, string[]>();
  for (const r of topicRecords) {
    const id = eventIdOf(r);
    if (!id) continue;
    onTopic.set(id, (onTopic.get(id) ?? 0) + 1);
    const where = `p${r.partition}@${r.message.offset} ${new Date(Number(r.message.timestamp)).toISOString()}`;
    copies.set(id, [...(copies.get(id) ?? []), where]);
  }
  const lostFromTopic = [...acked].filter((id) => !onTopic.has(id));
  const missingFromIndex = [...acked].filter((id) => !docs.has(id));
  const lost = new Set([...lostFromTopic, ...missingFromIndex]);
  const dupTopic = [...onTopic].filter(([, n]) => n > 1).map(([id]) => id);
  const dupDocs = [...docs].filter(([, d]) => d.length > 1).map(([id]) => id);
  const notIndexed = [...onTopic.keys()].filter((id) => !docs.has(id));
  return {
    acknowledged: acked.size,
    onTopic: onTopic.size,
    lostEvents: lost.size,
    lostFromTopic: lostFromTopic.length,
    missingFromIndex: missingFromIndex.length,
    duplicateEventsOnTopic: dupTopic.length,
    duplicateEventDocuments: dupDocs.length,
    topicEventsNotIndexed: notIndexed.length,
    examples: { lostFromTopic: lostFromTopic.slice(0, 5), missingFromIndex: missingFromIndex.slice(0, 5), duplicateEventsOnTopic: dupTopic.slice(0, 5).map((id) => `${id}: ${copies.get(id)!.join(', ')}`), duplicateEventDocuments: dupDocs.slice(0, 5), topicEventsNotIndexed: notIndexed.slice(0, 5) },
  };
}

function eventIdOf(r: RangeRecord): string | undefined {
  try {
    const v = JSON.parse(r.message.value?.toString('utf8') ?? '') as { eventId?: unknown };
    return typeof v.eventId === 'string' ? v.eventId : undefined;
  } catch {
    return undefined;
  }
}

export interface HitOnTopic {
  hitId: string;
  version: number;
  subjectKey: string;
  checkpointId: string;
  /** Where the record is and what made it (for a duplicate's report): partition@offset, time, rule, event. */
  where?: string;
}

export function hitsOf(records: RangeRecord[]): HitOnTopic[] {
  const out: HitOnTopic[] = [];
  for (const r of records) {
    try {
      const h = JSON.parse(r.message.value?.toString('utf8') ?? '') as { hitId: string; version: number; subject: { key: string }; checkpointId: string; ruleId?: string; detectedAt?: string };
      const where = `p${r.partition}@${r.message.offset} ${new Date(Number(r.message.timestamp)).toISOString()} rule ${h.ruleId} detected ${h.detectedAt} event ${r.message.headers?.['event-id']?.toString() ?? '-'}`;
      out.push({ hitId: h.hitId, version: h.version, subjectKey: h.subject.key, checkpointId: h.checkpointId, where });
    } catch {
      /* not a hit */
    }
  }
  return out;
}

export interface HitAccount {
  hitsOnTopic: number;
  hitVersionsOnTopic: number;
  /** The same (hitId, version) committed to the hits topic more than once. */
  duplicateHitRecords: number;
  /** Hits the client got twice: a second `hit` frame for a hitId, or one (hitId, version) delivered twice. */
  duplicateHits: number;
  /** Hits on the topic the client never received (any version). */
  missingHits: number;
  /** Hits whose latest version on the topic the client did not receive. */
  staleHits: number;
  /** Hits on the topic with no document, or a document older than the topic's latest version. */
  hitsNotIndexed: number;
  /** Hit ids held by more than one Elasticsearch document. */
  duplicateHitDocuments: number;
  /** Acknowledged planted watchlist sightings without a hit for that person at that checkpoint. */
  plantedWithoutHit: number;
  planted: number;
  framesReceived: number;
  examples: Record<string, string[]>;
}

export function accountHits(topicHits: HitOnTopic[], frames: ReceivedFrame[], docs: Map<string, Array<Record<string, unknown>>>, planted: PlantedSighting[]): HitAccount {
  const latest = new Map<string, number>();
  const versions = new Map<string, number>();
  const copies = new Map<string, string[]>();
  for (const h of topicHits) {
    latest.set(h.hitId, Math.max(latest.get(h.hitId) ?? 0, h.version));
    const k = `${h.hitId}@${h.version}`;
    versions.set(k, (versions.get(k) ?? 0) + 1);
    copies.set(k, [...(copies.get(k) ?? []), h.where ?? '?']);
  }
  const dupRecords = [...versions].filter(([, n]) => n > 1).map(([k]) => k);
  const newFrames = new Map<string, number>();
  const frameVersions = new Map<string, number>();
  const received = new Map<string, number>();
  for (const f of frames) {
    if (f.type === 'hit') newFrames.set(f.hitId, (newFrames.get(f.hitId) ?? 0) + 1);
    const k = `${f.hitId}@${f.version}`;
    frameVersions.set(k, (frameVersions.get(k) ?? 0) + 1);
    received.set(f.hitId, Math.max(received.get(f.hitId) ?? 0, f.version));
  }
  const dupHits = new Set([...[...newFrames].filter(([, n]) => n > 1).map(([id]) => id), ...[...frameVersions].filter(([, n]) => n > 1).map(([k]) => k.split('@')[0]!)]);
  const missing = [...latest.keys()].filter((id) => !received.has(id));
  const stale = [...latest].filter(([id, v]) => received.has(id) && received.get(id)! < v).map(([id]) => id);
  const notIndexed = [...latest].filter(([id, v]) => {
    const d = docs.get(id);
    return !d || Math.max(...d.map((x) => Number(x.version ?? 0))) < v;
  }).map(([id]) => id);
  const dupDocs = [...docs].filter(([, d]) => d.length > 1).map(([id]) => id);
  const bySubject = new Set(topicHits.map((h) => `${h.subjectKey}|${h.checkpointId}`));
  const unplanted = planted.filter((p) => !bySubject.has(`${p.idNumber}|${p.checkpointId}`));
  return {
    hitsOnTopic: latest.size,
    hitVersionsOnTopic: versions.size,
    duplicateHitRecords: dupRecords.length,
    duplicateHits: dupHits.size,
    missingHits: missing.length,
    staleHits: stale.length,
    hitsNotIndexed: notIndexed.length,
    duplicateHitDocuments: dupDocs.length,
    plantedWithoutHit: unplanted.length,
    planted: planted.length,
    framesReceived: frames.length,
    examples: { duplicateHitRecords: dupRecords.slice(0, 5).map((k) => `${k}: ${copies.get(k)!.join(' | ')}`), duplicateHits: [...dupHits].slice(0, 5), missingHits: missing.slice(0, 5), staleHits: stale.slice(0, 5), hitsNotIndexed: notIndexed.slice(0, 5), plantedWithoutHit: unplanted.slice(0, 5).map((p) => p.eventId) },
  };
}
