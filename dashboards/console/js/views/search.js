// Investigators' search (`POST /api/v1/search`): free text, plate (exact, partial with *, look-alikes),
// id number, types, checkpoint, time range and the stated purpose the server requires for plate and
// person searches. Results page with `next`; a row opens the event. Timelines, associates and exports.
import { h, replaceChildren } from '../dom.js';
import { api, problemBox, queryString } from '../api.js';
import { token } from '../session.js';
import { allCheckpoints, loadCheckpoints } from '../checkpoints.js';
import { localInputToIso } from '../format.js';
import { checkpointText, enumText, field, showFieldErrors, thead, timeText } from '../widgets.js';
import { loadEntity } from './search-entities.js';

const EVENT_TYPES = ['inspection', 'drug_test', 'seizure'];
const PAGE = 50;

// The last search, kept for the tab so leaving for an event and coming back shows the same results.
const state = { form: {}, items: [], next: undefined, total: undefined, aggregations: undefined, entity: undefined };

/** Errors of timeline routes name `/query/purpose`; the form's field is `/purpose`. */
const formPath = (e) => ({ ...e, path: (e.path ?? '').replace(/^\/(query|params|body)(?=\/)/, '') });

/** The search body from the form values (empty fields left out, as the API expects). */
export function searchBody(f) {
  const body = {
    query: f.query || undefined,
    plate: f.plate || undefined,
    plateFuzzy: f.plate && f.plateFuzzy ? true : undefined,
    idNumber: f.idNumber || undefined,
    types: f.types?.length && f.types.length < EVENT_TYPES.length ? f.types : undefined,
    checkpointIds: f.checkpointId ? [f.checkpointId] : undefined,
    from: localInputToIso(f.from),
    to: localInputToIso(f.to),
    purpose: f.purpose || undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/** The export link (a link cannot send a header, so the token travels as `token=`; the service accepts it there). */
export function exportHref(f, format, bearer) {
  const b = searchBody(f);
  return `/api/v1/search/export${queryString({ format, ...b, plateFuzzy: b.plateFuzzy ? 'true' : undefined, token: bearer })}`;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s) => s.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (_m, dec, hex, name) => (name ? ENTITIES[name.toLowerCase()] : String.fromCodePoint(dec ? Number(dec) : parseInt(hex, 16))));

/**
 * A highlight fragment from the search service (HTML-encoded text with `<em>` around matches) as parts to
 * render as text: `[{text, marked}]`. Never parsed as HTML.
 */
export function highlightParts(fragment) {
  const parts = [];
  for (const [i, piece] of String(fragment).split(/<\/?em>/).entries()) if (piece) parts.push({ text: decode(piece), marked: i % 2 === 1 });
  return parts;
}

function resultRow(item, ctx, onPlate) {
  const open = () => ctx.navigate(`events/${encodeURIComponent(item.eventId)}`);
  return h(
    'tr',
    { class: 'result-row', testid: 'search-result-row', dataset: { eventId: item.eventId, type: item.type }, tabindex: '0', on: { click: open, keydown: (ev) => ev.key === 'Enter' && open() } },
    h('td', {}, timeText(item.occurredAt)),
    h('td', {}, enumText('eventType', item.type, { class: `badge type-${item.type}` })),
    h('td', {}, item.checkpointName ? h('span', { class: 'cp', title: item.checkpointId, bi: item.checkpointName }) : checkpointText(item.checkpointId)),
    h('td', { class: 'mono' }, item.plate ? h('button', { type: 'button', class: 'link mono', testid: 'result-plate', title: '', on: { click: (ev) => (ev.stopPropagation(), onPlate(item.plate)) } }, item.plate) : ''),
    h('td', { class: 'mono small' }, (item.persons ?? []).join(', ')),
    h('td', { class: 'summary' }, h('span', { bi: item.summary }), item.highlight?.length ? h('div', { class: 'highlight muted' }, item.highlight.map((f, i) => [i ? ' … ' : '', highlightParts(f).map((p) => (p.marked ? h('mark', {}, p.text) : p.text))])) : null),
  );
}

export async function renderSearch(container, ctx) {
  await loadCheckpoints();
  const f = state.form;
  const input = (name, attrs = {}) => h('input', { name, value: f[name] ?? '', autocomplete: 'off', spellcheck: 'false', ...attrs });
  const query = input('query', { testid: 'search-query', type: 'search', i18nAttrs: { placeholder: 'search.queryPlaceholder' } });
  const plate = input('plate', { testid: 'search-plate', maxlength: '16', i18nAttrs: { placeholder: 'search.platePlaceholder' } });
  const plateFuzzy = h('input', { type: 'checkbox', name: 'plateFuzzy', testid: 'search-plate-fuzzy', checked: Boolean(f.plateFuzzy) });
  const idNumber = input('idNumber', { testid: 'search-id-number', maxlength: '20' });
  const types = EVENT_TYPES.map((ty) => h('input', { type: 'checkbox', name: 'types', value: ty, testid: `search-type-${ty}`, checked: !f.types || f.types.includes(ty) }));
  const cp = h('select', { name: 'checkpointId', testid: 'search-checkpoint' }, h('option', { value: '', i18n: 'filter.allCheckpoints' }), allCheckpoints().map((c) => h('option', { value: c.checkpointId, selected: c.checkpointId === f.checkpointId, bi: c.name })));
  const from = input('from', { type: 'datetime-local', testid: 'search-from' });
  const to = input('to', { type: 'datetime-local', testid: 'search-to' });
  const purpose = input('purpose', { testid: 'search-purpose', maxlength: '500', i18nAttrs: { placeholder: 'search.purposePlaceholder' } });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'search-submit', i18n: 'search.submit' });
  const csv = h('a', { class: 'button-link', testid: 'export-csv', download: 'events.csv', i18n: 'search.exportCsv' });
  const ndjson = h('a', { class: 'button-link', testid: 'export-ndjson', download: 'events.ndjson', i18n: 'search.exportNdjson' });
  const problem = h('div', { testid: 'search-problem' });
  const summary = h('div', { class: 'result-summary', testid: 'search-summary' });
  const tbody = h('tbody', { testid: 'search-results' });
  const more = h('button', { type: 'button', testid: 'search-more', i18n: 'common.more', hidden: true });
  const entity = h('section', { class: 'entity', testid: 'search-entity' });

  const read = () => ({
    query: query.value.trim(),
    plate: plate.value.trim(),
    plateFuzzy: plateFuzzy.checked,
    idNumber: idNumber.value.trim(),
    types: types.filter((x) => x.checked).map((x) => x.value),
    checkpointId: cp.value,
    from: from.value,
    to: to.value,
    purpose: purpose.value.trim(),
  });
  const refreshLinks = () => {
    const values = read();
    csv.href = exportHref(values, 'csv', token());
    ndjson.href = exportHref(values, 'ndjson', token());
  };

  const form = h(
    'form',
    { class: 'search-form', testid: 'search-form', on: { input: refreshLinks, change: refreshLinks } },
    field('search.query', query, { path: '/query', wide: true }),
    field('search.plate', h('span', { class: 'inline' }, plate, h('label', { class: 'check' }, plateFuzzy, h('span', { i18n: 'search.plateFuzzy' }))), { path: '/plate', hint: 'search.plateHint' }),
    field('search.idNumber', idNumber, { path: '/idNumber' }),
    field('search.types', h('span', { class: 'inline' }, types.map((x) => h('label', { class: 'check' }, x, h('span', { i18n: `eventType.${x.value}` })))), { path: '/types' }),
    field('col.checkpoint', cp, { path: '/checkpointIds' }),
    field('common.from', from, { path: '/from' }),
    field('common.to', to, { path: '/to' }),
    field('search.purpose', purpose, { path: '/purpose', hint: 'search.purposeHint', wide: true }),
    h(
      'div',
      { class: 'form-actions' },
      submit,
      h('button', { type: 'button', testid: 'search-vehicle-timeline', i18n: 'search.vehicleTimeline', on: { click: () => entityAction('vehicle') } }),
      h('button', { type: 'button', testid: 'search-person-timeline', i18n: 'search.personTimeline', on: { click: () => entityAction('person') } }),
      h('button', { type: 'button', testid: 'search-associates', i18n: 'search.associates', on: { click: () => entityAction('associates') } }),
      h('span', { class: 'spacer' }),
      csv,
      ndjson,
    ),
  );

  const renderResults = () => {
    replaceChildren(
      summary,
      state.total === undefined
        ? ''
        : [
            h('span', { i18n: 'common.shownOf', i18nVars: { n: state.items.length, total: state.total } }),
            (state.aggregations?.byType ?? []).map((b) => h('span', { class: 'chip' }, enumText('eventType', b.key), ` ${b.count}`)),
          ],
    );
    replaceChildren(tbody, state.items.length ? state.items.map((x) => resultRow(x, ctx, onPlate)) : h('tr', { class: 'empty' }, h('td', { colspan: 6, i18n: state.total === undefined ? 'search.prompt' : 'common.none' })));
    more.hidden = !state.next;
  };

  const showProblem = (err) => {
    const errors = (err.errors ?? []).map(formPath);
    const rest = showFieldErrors(form, errors);
    replaceChildren(problem, problemBox(err, { testid: 'search-error', errors: rest }));
  };

  const run = async (append) => {
    replaceChildren(problem);
    showFieldErrors(form, []);
    if (!append) state.form = read();
    submit.disabled = true;
    try {
      const body = { ...searchBody(state.form), size: PAGE, ...(append ? { after: state.next } : { aggregations: true }) };
      const res = await api.request('/api/v1/search', { method: 'POST', body });
      state.items = [...(append ? state.items : []), ...(res.items ?? [])];
      state.next = res.next;
      state.total = res.total;
      if (!append) state.aggregations = res.aggregations;
      renderResults();
    } catch (err) {
      showProblem(err);
    } finally {
      submit.disabled = false;
    }
  };

  async function entityAction(kind) {
    replaceChildren(problem);
    showFieldErrors(form, []);
    state.form = read();
    try {
      state.entity = await loadEntity(kind, state.form);
      renderEntity();
    } catch (err) {
      showProblem(err);
    }
  }
  function onPlate(p) {
    plate.value = p;
    plateFuzzy.checked = false;
    refreshLinks();
    void entityAction('vehicle');
  }
  function onPerson(id) {
    idNumber.value = id;
    refreshLinks();
    void entityAction('person');
  }
  const renderEntity = () => replaceChildren(entity, state.entity ? state.entity.render({ onPerson, onPlate }) : '');

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run(false);
  });
  more.addEventListener('click', () => void run(true));

  container.append(
    h('div', { class: 'toolbar' }, h('h2', { i18n: 'search.title' })),
    form,
    problem,
    entity,
    summary,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid results-table' }, thead(['col.occurredAt', 'col.type', 'col.checkpoint', 'col.plate', 'col.persons', 'col.summary']), tbody)),
    h('div', { class: 'pager' }, more),
  );
  refreshLinks();
  renderResults();
  renderEntity();
}
