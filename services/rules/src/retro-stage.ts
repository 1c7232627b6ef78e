import type { Client } from '@elastic/elasticsearch';
import type { Message } from 'kafkajs';
import { WatchlistEntrySchema, type Hit, type Rule, safeParse } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { parseJson } from './dead-letter';
import { applyDraft, draftHitId } from './hit-builder';
import { createRecentHits } from './recent-hits';
import type { ReferenceData } from './reference-loader';
import { findPastSightings, retroDraft } from './retro-hunt';
import { DAY_MS, numParam } from './rule-params';
import type { StageLogic } from './transactional-stage';

export interface RetroStats {
  hunted: number;
  hits: number;
}

/**
 * Retro-hunt (group `rules-retro` on `watchlist.v1`): the instance owning an entry's partition searches past
 * sightings for a NEW entry and emits hits in a transaction with the group's offset, so each new entry is
 * hunted once whatever crashes. The group starts at the end, so the initial load is never hunted;
 * trace-back entries are skipped (their seizure already traced them).
 */
export function createRetroLogic(deps: {
  es: Client;
  eventsIndex: string;
  topics: { hits: string };
  registry: CheckpointRegistry;
  reference: ReferenceData;
  rules: () => readonly Rule[];
  onHits?: (hits: Hit[]) => void;
}): StageLogic & { stats(): RetroStats } {
  const recent = createRecentHits(50_000);
  const stats = { hunted: 0, hits: 0 };
  const uncommitted = new Map<number, Hit[]>();

  // The reference loader reads the same topic; wait until it applied this record, so it knows if it was new.
  const loaderReached = async (p: number, offset: string) => {
    // Generous: the loader holds back records while a watchlist snapshot is written (seconds at 10 M entries).
    const deadline = Date.now() + 60_000;
    while (deps.reference.watchlistPosition(p) <= BigInt(offset)) {
      if (Date.now() > deadline) throw new Error(`watchlist loader has not reached ${p}:${offset}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    stats: () => ({ ...stats }),
    drop: () => undefined,
    rebuild: async () => undefined,
    async process(p, messages, now) {
      const rules = deps.rules().filter((r) => r.kind === 'retro_hunt');
      const hits: Hit[] = [];
      for (const m of messages) {
        if (!m.value || rules.length === 0) continue;
        await loaderReached(p, m.offset);
        if (!deps.reference.isIntroduction(p, m.offset)) continue;
        const parsed = safeParse(WatchlistEntrySchema, parseJson(m.value.toString()));
        if (!parsed.success || parsed.data.provenance?.source === 'trace-back' || parsed.data.kind === 'permit') continue;
        if (parsed.data.validUntil && Date.parse(parsed.data.validUntil) < now.getTime()) continue;
        stats.hunted++;
        for (const rule of rules) {
          const past = await findPastSightings(deps.es, deps.eventsIndex, parsed.data, { sinceMs: now.getTime() - numParam(rule, 'days', 30) * DAY_MS, limit: Math.min(500, numParam(rule, 'maxHits', 100)) });
          for (const s of past) {
            const d = retroDraft(parsed.data, s, rule, deps.registry);
            const hit = applyDraft(d, recent.get(draftHitId(d)), deps.registry, now);
            if (!hit) continue;
            recent.set(hit);
            hits.push(hit);
          }
        }
      }
      uncommitted.set(p, hits);
      stats.hits += hits.length;
      const messagesOut: Message[] = hits.map((h) => ({ key: h.hitId, value: JSON.stringify(h) }));
      return [{ topic: deps.topics.hits, messages: messagesOut }];
    },
    committed(p) {
      const hits = uncommitted.get(p);
      uncommitted.delete(p);
      if (hits?.length) deps.onHits?.(hits);
    },
  };
}
