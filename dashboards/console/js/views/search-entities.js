// Entity views of the search page: a vehicle's or a person's timeline (list + route plot) and a
// person's associates (who travelled with them, how often, in which vehicles). Each call states the
// form's purpose; the server refuses without one and the refusal is shown at the purpose field.
import { h } from '../dom.js';
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { localInputToIso } from '../format.js';
import { thead, timeText } from '../widgets.js';
import { routeView } from './hit-route.js';

const range = (f) => ({ from: localInputToIso(f.from), to: localInputToIso(f.to), purpose: f.purpose || undefined });

/** A local refusal shaped like the server's, so the search page shows it the same way. */
const missing = (key, path) => new ApiError({ status: 400, code: 'missing_input', title: t(key), errors: [{ path, message: t(key) }] });

function timelineBlock(titleKey, subject, res) {
  const sightings = res.sightings ?? [];
  return h(
    'div',
    { class: 'entity-block', testid: 'entity-timeline', dataset: { count: sightings.length } },
    h('h3', {}, h('span', { i18n: titleKey }), ' ', h('span', { class: 'mono' }, subject), ' ', h('span', { class: 'muted', i18n: 'entity.sightings', i18nVars: { n: sightings.length } }), res.truncated ? h('span', { class: 'muted', i18n: 'route.truncated' }) : null),
    sightings.length ? routeView(sightings, { linkEvents: true }) : h('p', { class: 'muted', i18n: 'common.none' }),
  );
}

/**
 * Loads `kind` (vehicle | person | associates) for the form's plate or id number. Resolves to
 * `{kind, render({onPerson, onPlate})}`; rejects with the API's problem (shown by the search page).
 */
export async function loadEntity(kind, form) {
  if (kind === 'vehicle') {
    if (!form.plate || form.plate.includes('*')) throw missing('entity.needPlate', '/plate');
    const res = await api.request(`/api/v1/entities/vehicles/${encodeURIComponent(form.plate)}/timeline`, { query: range(form) });
    return { kind, render: () => timelineBlock('entity.vehicleTimeline', res.plate ?? form.plate, res) };
  }
  if (!form.idNumber) throw missing('entity.needId', '/idNumber');
  const id = encodeURIComponent(form.idNumber);
  if (kind === 'person') {
    const res = await api.request(`/api/v1/entities/persons/${id}/timeline`, { query: range(form) });
    return { kind, render: () => timelineBlock('entity.personTimeline', res.idNumber ?? form.idNumber, res) };
  }
  const res = await api.request(`/api/v1/entities/persons/${id}/associates`, { query: range(form) });
  return {
    kind,
    render: ({ onPerson, onPlate }) =>
      h(
        'div',
        { class: 'entity-block', testid: 'entity-associates' },
        h('h3', {}, h('span', { i18n: 'entity.associatesOf' }), ' ', h('span', { class: 'mono' }, res.idNumber ?? form.idNumber)),
        h(
          'table',
          { class: 'grid compact' },
          thead(['entity.associate', 'entity.together', 'entity.lastSeen', 'entity.plates']),
          h(
            'tbody',
            {},
            (res.associates ?? []).length
              ? res.associates.map((a) =>
                  h(
                    'tr',
                    { testid: 'associate-row', dataset: { idNumber: a.idNumber } },
                    h('td', { class: 'mono' }, a.idNumber.includes('*') ? a.display : h('button', { type: 'button', class: 'link mono', on: { click: () => onPerson(a.idNumber) } }, a.display)),
                    h('td', { class: 'num' }, String(a.count)),
                    h('td', {}, timeText(a.lastSeenAt)),
                    h('td', { class: 'mono' }, (a.plates ?? []).map((p, i) => [i ? ', ' : '', h('button', { type: 'button', class: 'link mono', on: { click: () => onPlate(p) } }, p)])),
                  ),
                )
              : h('tr', { class: 'empty' }, h('td', { colspan: 4, i18n: 'common.none' })),
          ),
        ),
      ),
  };
}
