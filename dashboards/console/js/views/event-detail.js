// One event (`GET /api/v1/events/:eventId`) with the hits raised on it.
import { h, replaceChildren } from '../dom.js';
import { api, problemBox } from '../api.js';
import { hitStore } from '../hit-store.js';
import { loadCheckpoints } from '../checkpoints.js';
import { enumText, panel, severityBadge, statusBadge, thead, timeText } from '../widgets.js';
import { eventDetails } from './event-parts.js';

function hitsTable(hitIds) {
  const tbody = h('tbody');
  const render = () =>
    replaceChildren(
      tbody,
      hitIds.length
        ? hitIds.map((id) => {
            const x = hitStore.get(id);
            return h(
              'tr',
              { testid: 'event-hit-row', dataset: { hitId: id } },
              h('td', {}, timeText(x.detectedAt)),
              h('td', {}, severityBadge(x.severity)),
              h('td', {}, enumText('category', x.category)),
              h('td', { bi: x.summary }),
              h('td', {}, statusBadge(x.status)),
              h('td', {}, h('a', { href: `#/hits/${encodeURIComponent(id)}`, i18n: 'common.open' })),
            );
          })
        : h('tr', { class: 'empty' }, h('td', { colspan: 6, i18n: 'event.noHits' })),
    );
  render();
  const unsubscribe = hitStore.subscribe((hit) => hit && hitIds.includes(hit.hitId) && render());
  return { el: h('table', { class: 'grid' }, thead(['col.detectedAt', 'col.severity', 'col.category', 'col.summary', 'col.status', '']), tbody), unsubscribe };
}

export async function renderEventDetail(container, ctx) {
  container.append(h('p', { class: 'muted', i18n: 'common.loading' }));
  let res;
  try {
    [res] = await Promise.all([api.request(`/api/v1/events/${encodeURIComponent(ctx.params.eventId)}`), loadCheckpoints()]);
  } catch (err) {
    replaceChildren(container, problemBox(err, { testid: 'event-error' }));
    return undefined;
  }
  for (const hit of res.hits ?? []) hitStore.upsert(hit, 'api');
  const hits = hitsTable((res.hits ?? []).map((x) => x.hitId));
  replaceChildren(
    container,
    h('div', { class: 'toolbar' }, h('a', { href: '#/', class: 'back', i18n: 'common.back', on: { click: (ev) => history.length > 1 && (ev.preventDefault(), history.back()) } }), h('h2', { i18n: 'event.title' }), enumText('eventType', res.event?.type, { class: 'badge' })),
    h('div', { class: 'detail-grid' }, panel('event.panel', { class: 'span-2' }, eventDetails(res.event)), panel('event.hitsPanel', { class: 'span-2' }, hits.el)),
  );
  return hits.unsubscribe;
}
