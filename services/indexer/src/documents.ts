import { eventSubjects, foldLookalikes, jurisdictionChain, type Event, type Hit } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';

/** Every substring of length 2..8, so `晋C*45` and "any substring" searches are term lookups, not scans. */
export function plateGrams(plate: string): string[] {
  const chars = [...plate];
  const out = new Set<string>();
  for (let i = 0; i < chars.length; i++) for (let n = 2; n <= 8 && i + n <= chars.length; n++) out.add(chars.slice(i, i + n).join(''));
  return [...out];
}

/** The searchable document of an event; the event itself is stored whole (not indexed) under `event`. */
export function eventDocument(e: Event, registry: CheckpointRegistry): Record<string, unknown> {
  const { plates, persons } = eventSubjects(e);
  const jur = registry.jurisdictionOf(e.checkpointId) ?? '000000';
  const cp = registry.get(e.checkpointId);
  const ids = persons.map((p) => p.idNumber);
  const text: string[] = [];
  const substances: string[] = [];
  let grams = 0;
  let outcome: string | undefined;
  let suspicious = false;
  let positive = false;
  if (e.type === 'inspection') {
    text.push(e.findings.note, e.driver.name ?? '', ...e.passengers.map((p) => p.name ?? ''), e.cargo?.description ?? '', ...e.findings.indicators);
    outcome = e.outcome;
    suspicious = e.findings.suspicious;
  } else if (e.type === 'drug_test') {
    text.push(e.subject.name ?? '', e.reason);
    for (const r of e.results) if (r.outcome === 'positive') substances.push(r.substance);
    positive = substances.length > 0;
    outcome = positive ? 'positive' : 'negative';
  } else {
    text.push(...e.items.map((i) => i.concealment), ...e.persons.map((p) => p.name ?? ''));
    for (const i of e.items) {
      substances.push(i.substance);
      grams += i.netWeightGrams;
    }
  }
  const associations: string[] = [];
  for (const a of ids) for (const b of ids) if (a < b) associations.push(`${a}|${b}`);
  return {
    eventId: e.eventId,
    type: e.type,
    checkpointId: e.checkpointId,
    terminalId: e.terminalId,
    jurisdiction: jur,
    jurisdictionChain: jurisdictionChain(jur),
    occurredAt: e.occurredAt,
    occurredAtLocal: e.occurredAt,
    indexedAt: new Date().toISOString(),
    plates,
    platesFolded: plates.map(foldLookalikes),
    plateGrams: [...new Set(plates.flatMap(plateGrams))],
    personIds: ids,
    associations,
    substances,
    grams: Math.round(grams * 100) / 100,
    ...(outcome ? { outcome } : {}),
    suspicious,
    positive,
    text: text.filter(Boolean).join('\n'),
    ...(cp ? { location: { lat: cp.lat, lon: cp.lon } } : {}),
    event: e,
  };
}

export function hitDocument(h: Hit): Record<string, unknown> {
  return {
    hitId: h.hitId,
    ruleId: h.ruleId,
    severity: h.severity,
    category: h.category,
    status: h.status,
    checkpointId: h.checkpointId,
    jurisdictions: h.jurisdictions,
    occurredAt: h.occurredAt,
    detectedAt: h.detectedAt,
    version: h.version,
    subjectKey: h.subject.key,
    evidenceEventIds: h.evidence.map((e) => e.eventId),
    summary: `${h.summary.zh}\n${h.summary.en}`,
    hit: h,
  };
}
