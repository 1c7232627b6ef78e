// The route panel of a hit: where the vehicle was seen recently, as a time-ordered list and as an SVG
// plot of checkpoint positions. Roles allowed to read vehicle timelines get every sighting of the last
// seven days (audited with the hit as purpose); others see the hit's own evidence.
import { h, replaceChildren } from '../dom.js';
import { api, problemBox } from '../api.js';
import { checkpoint, checkpointLabel } from '../checkpoints.js';
import { renderRoutePlot } from '../route-plot.js';
import { checkpointText, enumText, timeText } from '../widgets.js';

const TIMELINE_ROLES = ['investigator', 'commander', 'admin'];
const DAYS = 7;

/** The plate the hit is about: its subject, or the vehicle in its evidence events. */
export function plateOf(hit, events = []) {
  if (hit.subject?.kind === 'vehicle') return hit.subject.key;
  for (const e of events) {
    const plate = e.vehicle?.plate ?? e.vehicles?.[0]?.plate;
    if (plate) return plate;
  }
  return undefined;
}

/** Sightings from the hit's own evidence, placed at the registry's checkpoint positions. */
export function evidenceSightings(hit) {
  return [...(hit.evidence ?? [])]
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
    .map((e) => ({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, checkpointId: e.checkpointId, lat: checkpoint(e.checkpointId)?.lat, lon: checkpoint(e.checkpointId)?.lon }));
}

/** The timeline list and the plot for `sightings` (ascending time). */
export function routeView(sightings, { linkEvents }) {
  const positioned = sightings.map((x) => ({ ...x, lat: x.lat ?? checkpoint(x.checkpointId)?.lat, lon: x.lon ?? checkpoint(x.checkpointId)?.lon }));
  return h(
    'div',
    { class: 'route' },
    h(
      'ol',
      { class: 'route-timeline', testid: 'route-timeline' },
      positioned.map((x, i) =>
        h(
          'li',
          { dataset: { eventId: x.eventId, checkpointId: x.checkpointId } },
          h('span', { class: 'route-no' }, `#${i + 1}`),
          timeText(x.occurredAt),
          checkpointText(x.checkpointId),
          enumText('eventType', x.type, { class: 'muted' }),
          x.direction ? enumText('direction', x.direction, { class: 'muted' }) : null,
          x.role ? enumText('personRole', x.role, { class: 'muted' }) : null,
          linkEvents && x.eventId ? h('a', { href: `#/events/${encodeURIComponent(x.eventId)}`, i18n: 'common.event' }) : null,
        ),
      ),
    ),
    positioned.some((x) => Number.isFinite(x.lat)) ? renderRoutePlot(positioned, { labelOf: checkpointLabel }) : h('p', { class: 'muted', i18n: 'route.noPositions' }),
  );
}

/** Fills `target` with the route of the hit's vehicle. */
export async function loadHitRoute(target, { hit, events, role }) {
  const plate = plateOf(hit, events);
  const linkEvents = role !== 'officer';
  if (!plate || !TIMELINE_ROLES.includes(role)) {
    replaceChildren(target, h('p', { class: 'muted', i18n: 'route.fromEvidence' }), routeView(evidenceSightings(hit), { linkEvents }));
    return;
  }
  replaceChildren(target, h('p', { class: 'muted', i18n: 'common.loading' }));
  const from = new Date(Date.parse(hit.occurredAt) - DAYS * 86_400_000).toISOString();
  try {
    const res = await api.request(`/api/v1/entities/vehicles/${encodeURIComponent(plate)}/timeline`, { query: { from, purpose: `hit ${hit.hitId}` } });
    const sightings = res?.sightings ?? [];
    replaceChildren(
      target,
      h('p', { class: 'muted' }, h('span', { i18n: 'route.recent', i18nVars: { days: DAYS } }), ' ', h('strong', { class: 'mono' }, res?.plate ?? plate), res?.truncated ? h('span', { i18n: 'route.truncated' }) : null),
      sightings.length ? routeView(sightings, { linkEvents }) : routeView(evidenceSightings(hit), { linkEvents }),
    );
  } catch (err) {
    replaceChildren(target, problemBox(err, { testid: 'route-error' }), routeView(evidenceSightings(hit), { linkEvents }));
  }
}
