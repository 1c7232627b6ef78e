import { maskResidentId } from '../../../../schemas/src';
import type { Principal } from '../../../../lib/auth/tokens';
import type { CheckpointRegistry } from '../../../../lib/checkpoints';
import { seesFullIds } from './search-roles';

/** The fields of an event document a result list reads (see infra/elasticsearch/mappings.ts). */
export interface EventSource {
  eventId: string;
  type: string;
  occurredAt: string;
  occurredAtLocal?: string;
  checkpointId: string;
  jurisdiction: string;
  plates?: string[];
  personIds?: string[];
  direction?: string;
  location?: { lat: number; lon: number };
  view?: { summary?: { zh: string; en: string }; persons?: Array<{ idNumber: string; role: string; name?: string }> };
}
export const LIST_SOURCE = ['eventId', 'type', 'occurredAt', 'occurredAtLocal', 'checkpointId', 'jurisdiction', 'plates', 'personIds', 'view.summary'];
export const SIGHTING_SOURCE = ['eventId', 'type', 'occurredAt', 'occurredAtLocal', 'checkpointId', 'jurisdiction', 'direction', 'location', 'view.persons'];

export interface ResultItem {
  eventId: string;
  type: string;
  occurredAt: string;
  checkpointId: string;
  checkpointName: { zh: string; en: string };
  jurisdiction: string;
  plate?: string;
  persons: string[];
  summary: { zh: string; en: string };
  highlight?: string[];
}

export interface Sighting {
  eventId: string;
  type: string;
  occurredAt: string;
  checkpointId: string;
  checkpointName: { zh: string; en: string };
  jurisdiction: string;
  lat?: number;
  lon?: number;
  direction?: string;
  role?: string;
}

/** Shows an id in full or masked, by role. */
export const idFor = (p: Principal) => (id: string): string => (seesFullIds(p.role) ? id : maskResidentId(id));

const ID18 = /(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9X])(?![0-9X])/g;

/** Masks every resident id anywhere in a JSON value (events, hits, displays) for roles that need no ids. */
export function maskIdsDeep<T>(value: T, p: Principal): T {
  if (seesFullIds(p.role)) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(ID18, '$1********$2');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export function checkpointName(registry: CheckpointRegistry, checkpointId: string): { zh: string; en: string } {
  return registry.get(checkpointId)?.name ?? { zh: checkpointId, en: checkpointId };
}

/** One row of a result list. */
export function toResultItem(s: EventSource, p: Principal, registry: CheckpointRegistry, highlight?: string[]): ResultItem {
  const show = idFor(p);
  return {
    eventId: s.eventId,
    type: s.type,
    occurredAt: s.occurredAtLocal ?? s.occurredAt,
    checkpointId: s.checkpointId,
    checkpointName: checkpointName(registry, s.checkpointId),
    jurisdiction: s.jurisdiction,
    ...(s.plates?.[0] ? { plate: s.plates[0] } : {}),
    persons: (s.personIds ?? []).map(show),
    summary: s.view?.summary ?? { zh: s.type, en: s.type },
    ...(highlight?.length ? { highlight } : {}),
  };
}

/** One sighting of a timeline; `personId` gives the person's role in the event. */
export function toSighting(s: EventSource, registry: CheckpointRegistry, personId?: string): Sighting {
  const cp = registry.get(s.checkpointId);
  const lat = cp?.lat ?? s.location?.lat;
  const lon = cp?.lon ?? s.location?.lon;
  const role = personId ? s.view?.persons?.find((x) => x.idNumber === personId)?.role : undefined;
  return {
    eventId: s.eventId,
    type: s.type,
    occurredAt: s.occurredAtLocal ?? s.occurredAt,
    checkpointId: s.checkpointId,
    checkpointName: checkpointName(registry, s.checkpointId),
    jurisdiction: s.jurisdiction,
    ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
    ...(s.direction ? { direction: s.direction } : {}),
    ...(role ? { role } : {}),
  };
}
