// How an event (inspection, drug test, seizure) reads: one line for lists, a full breakdown for the
// event page. Field names follow schemas/src/events.ts.
import { h } from '../dom.js';
import { formatGrams, formatNumber } from '../format.js';
import { checkpointText, definitionList, enumText, thead, timeText } from '../widgets.js';

const person = (p) => (p ? h('span', { class: 'mono' }, p.name ? `${p.name} ` : '', p.idNumber) : '');

/** One line: the plate and people of an inspection, the positives of a test, the weights of a seizure. */
export function eventLine(e) {
  switch (e?.type) {
    case 'inspection':
      return h(
        'span',
        { class: 'event-line' },
        h('strong', { class: 'mono' }, e.vehicle?.plate ?? ''),
        ' ',
        enumText('vehicleKind', e.vehicle?.kind, { class: 'muted' }),
        ' · ',
        person(e.driver),
        e.passengers?.length ? h('span', { class: 'muted', i18n: 'event.passengersN', i18nVars: { n: e.passengers.length } }) : null,
        e.findings?.suspicious ? [' · ', h('span', { class: 'badge warn', i18n: 'event.suspicious' })] : null,
        ' · ',
        enumText('outcome', e.outcome),
      );
    case 'drug_test': {
      const positives = (e.results ?? []).filter((r) => r.outcome === 'positive');
      return h(
        'span',
        { class: 'event-line' },
        person(e.subject),
        ' · ',
        enumText('specimen', e.specimen),
        ' · ',
        positives.length ? [h('span', { class: 'badge danger', i18n: 'outcome.positive' }), ' ', positives.map((r, i) => [i ? ', ' : '', enumText('substance', r.substance)])] : h('span', { i18n: 'outcome.negative' }),
      );
    }
    case 'seizure':
      return h(
        'span',
        { class: 'event-line' },
        (e.items ?? []).map((it, i) => [i ? ', ' : '', enumText('substance', it.substance), ' ', h('strong', {}, formatGrams(it.netWeightGrams))]),
        e.vehicles?.length ? [' · ', h('span', { class: 'mono' }, e.vehicles.map((v) => v.plate).join(', '))] : null,
        e.persons?.length ? [' · ', h('span', { i18n: 'event.personsN', i18nVars: { n: e.persons.length } })] : null,
      );
    default:
      return h('span', {}, e?.type ?? '');
  }
}

const table = (heads, rows) => h('table', { class: 'grid compact' }, thead(heads), h('tbody', {}, rows));

function inspection(e) {
  return [
    definitionList([
      ['event.plate', h('strong', { class: 'mono big' }, e.vehicle?.plate ?? '')],
      ['event.plateColor', enumText('plateColor', e.vehicle?.plateColor)],
      ['event.vehicleKind', enumText('vehicleKind', e.vehicle?.kind)],
      ['event.direction', enumText('direction', e.vehicle?.direction)],
      ['event.driver', person(e.driver)],
      ['event.outcome', enumText('outcome', e.outcome)],
      ['event.suspicious', e.findings ? h('span', { i18n: e.findings.suspicious ? 'common.yes' : 'common.no' }) : ''],
      ['event.indicators', (e.findings?.indicators ?? []).join(', ')],
      ['event.note', e.findings?.note],
      ['event.cargo', e.cargo?.description],
    ]),
    e.passengers?.length ? table(['event.passenger'], e.passengers.map((p) => h('tr', {}, h('td', {}, person(p))))) : null,
    e.cargo?.precursors?.length ? precursorTable(e.cargo.precursors) : null,
  ];
}

function precursorTable(list) {
  return table(
    ['event.chemical', 'event.quantityKg', 'event.permitNo'],
    list.map((p) => h('tr', {}, h('td', {}, enumText('precursor', p.chemical)), h('td', {}, formatNumber(p.quantityKg)), h('td', { class: 'mono' }, p.permitNo ?? ''))),
  );
}

function drugTest(e) {
  return [
    definitionList([
      ['event.subject', person(e.subject)],
      ['event.reason', e.reason],
      ['event.specimen', enumText('specimen', e.specimen)],
      ['event.kit', e.kit ? `${e.kit.model} / ${e.kit.lot}` : ''],
      ['event.plate', e.vehicle?.plate ? h('span', { class: 'mono' }, e.vehicle.plate) : ''],
      ['event.alcohol', e.alcohol ? `${e.alcohol.mgPer100ml} mg/100ml` : ''],
      ['event.related', e.relatedEventId ? h('a', { href: `#/events/${encodeURIComponent(e.relatedEventId)}`, class: 'mono' }, e.relatedEventId) : ''],
    ]),
    table(
      ['event.substance', 'event.result', 'event.cutoff'],
      (e.results ?? []).map((r) => h('tr', { class: r.outcome === 'positive' ? 'row-alert' : '' }, h('td', {}, enumText('substance', r.substance)), h('td', {}, enumText('outcome', r.outcome)), h('td', {}, r.cutoffNgMl ? `${r.cutoffNgMl} ng/ml` : ''))),
    ),
  ];
}

function seizure(e) {
  return [
    definitionList([
      ['event.cash', e.cashCny ? `¥ ${formatNumber(e.cashCny)}` : ''],
      ['event.vehicles', (e.vehicles ?? []).map((v) => v.plate).join(', ')],
      ['event.related', e.relatedEventId ? h('a', { href: `#/events/${encodeURIComponent(e.relatedEventId)}`, class: 'mono' }, e.relatedEventId) : ''],
    ]),
    e.items?.length
      ? table(
          ['event.substance', 'event.form', 'event.weight', 'event.packages', 'event.concealment'],
          e.items.map((it) => h('tr', {}, h('td', {}, enumText('substance', it.substance)), h('td', {}, enumText('form', it.form)), h('td', { class: 'num' }, formatGrams(it.netWeightGrams)), h('td', { class: 'num' }, String(it.packages)), h('td', {}, it.concealment))),
        )
      : null,
    e.persons?.length ? table(['event.person', 'event.role', 'event.detained'], e.persons.map((p) => h('tr', {}, h('td', {}, person(p)), h('td', {}, enumText('personRole', p.role)), h('td', { i18n: p.detained ? 'common.yes' : 'common.no' })))) : null,
    e.precursors?.length ? precursorTable(e.precursors) : null,
  ];
}

/** The full event: common fields, then the type's own. */
export function eventDetails(e) {
  return h(
    'div',
    { class: 'event-details', testid: 'event-details', dataset: { eventId: e.eventId, type: e.type } },
    definitionList([
      ['event.type', enumText('eventType', e.type, { class: 'badge' })],
      ['event.occurredAt', timeText(e.occurredAt, { short: false })],
      ['event.checkpoint', checkpointText(e.checkpointId)],
      ['event.terminal', e.terminalId],
      ['event.officers', (e.officerIds ?? []).join(', ')],
      ['event.id', h('span', { class: 'mono small' }, e.eventId)],
    ]),
    e.type === 'inspection' ? inspection(e) : e.type === 'drug_test' ? drugTest(e) : e.type === 'seizure' ? seizure(e) : null,
  );
}
