// Small building blocks every view uses: badges, labelled fields with an error slot, enum selects,
// time cells, toasts. Each returns a DOM element built with dom.js (text only, never markup).
import { h } from './dom.js';
import { labelKey } from './i18n.js';
import { checkpointName } from './checkpoints.js';
import { elapsed, formatDateTime, formatShort } from './format.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'];
export const HIT_STATUSES = ['new', 'acknowledged', 'assigned', 'resolved'];

/** A label that follows the language when the value has one, else the raw value. */
export function enumText(group, value, attrs = {}) {
  const key = labelKey(group, value);
  return key ? h('span', { ...attrs, i18n: key }) : h('span', attrs, value ?? '');
}

export function severityBadge(severity, testid = 'hit-severity') {
  return enumText('severity', severity, { class: `badge sev sev-${severity}`, testid, dataset: { severity } });
}

export function statusBadge(status, testid = 'hit-status') {
  return enumText('status', status, { class: `badge status status-${status}`, testid, dataset: { status } });
}

/** The checkpoint's name in the current language, its id in the tooltip. */
export function checkpointText(id, attrs = {}) {
  return h('span', { ...attrs, class: ['cp', attrs.class], title: id, bi: checkpointName(id) });
}

/** A time cell: short local time, the full time and original string in the tooltip. */
export function timeText(iso, { short = true } = {}) {
  return h('time', { datetime: iso ?? '', title: `${formatDateTime(iso)} (${iso ?? ''})` }, short ? formatShort(iso) : formatDateTime(iso));
}

/** A live "elapsed since" counter; the app's ticker refreshes every `[data-elapsed-since]` each second. */
export function elapsedText(iso, attrs = {}) {
  return h('span', { ...attrs, class: ['elapsed', attrs.class], dataset: { elapsedSince: iso } }, elapsed(iso));
}

/** Refreshes every elapsed counter under `root`. */
export function tickElapsed(root, now = Date.now()) {
  for (const el of root.querySelectorAll('[data-elapsed-since]')) el.textContent = elapsed(el.dataset.elapsedSince, now);
}

/**
 * A `<select>` of enum values labelled in both languages. `all` adds a first empty option (labelled with
 * that message key) meaning "no filter".
 */
export function enumSelect(group, values, { value = '', all, testid, name, id, required } = {}) {
  return h(
    'select',
    { testid, name, id, required },
    all ? h('option', { value: '', i18n: all }) : null,
    values.map((v) => {
      const key = labelKey(group, v);
      return key ? h('option', { value: v, selected: v === value, i18n: key }) : h('option', { value: v, selected: v === value }, v);
    }),
  );
}

/** A labelled form field with a slot for the server's message about `path` (JSON pointer). */
export function field(labelKey_, control, { path, hint, wide } = {}) {
  return h(
    'label',
    { class: ['field', wide ? 'field-wide' : ''], dataset: { path } },
    h('span', { class: 'field-label', i18n: labelKey_ }),
    control,
    hint ? h('span', { class: 'field-hint', i18n: hint }) : null,
    h('span', { class: 'field-error', role: 'alert', dataset: { errorFor: path ?? '' } }),
  );
}

/** Clears field messages under `root`, then shows each `errors[].path` next to its field; returns the unplaced ones. */
export function showFieldErrors(root, errors = []) {
  for (const el of root.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of root.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  const unplaced = [];
  for (const e of errors) {
    const slot = [...root.querySelectorAll('.field-error')].find((el) => el.dataset.errorFor && (e.path === el.dataset.errorFor || e.path?.startsWith(`${el.dataset.errorFor}/`)));
    if (!slot) {
      unplaced.push(e);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent}; ${e.message}` : e.message;
    slot.closest('.field')?.classList.add('invalid');
  }
  return unplaced;
}

/** A panel with a translated heading. */
export function panel(titleKey, attrs, ...children) {
  return h('section', { ...attrs, class: ['panel', attrs?.class] }, h('h3', { class: 'panel-title', i18n: titleKey }), ...children);
}

/** A table row saying there is nothing to show. */
export function emptyRow(colspan, key = 'common.none') {
  return h('tr', { class: 'empty' }, h('td', { colspan, i18n: key }));
}

/** A table head from message keys. */
export function thead(keys) {
  return h('thead', {}, h('tr', {}, keys.map((k) => h('th', { i18n: k }))));
}

/** A key/value list (`[[labelKey, value], …]`); rows with an empty value are left out. */
export function definitionList(rows) {
  return h(
    'dl',
    { class: 'kv' },
    rows.filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => [h('dt', { i18n: k }), h('dd', {}, v)]),
  );
}

let toastRoot;

/** A transient message at the corner (`kind`: info | warn | error); text or a message key. */
export function toast(text, { kind = 'info', key, vars, ms = 6000 } = {}) {
  toastRoot ??= document.getElementById('toasts');
  if (!toastRoot) return;
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', testid: 'toast' }, key ? h('span', { i18n: key, i18nVars: vars }) : text);
  toastRoot.append(el);
  setTimeout(() => el.remove(), ms);
}

/** A button labelled by a message key. */
export function button(key, attrs = {}) {
  return h('button', { type: 'button', ...attrs, i18n: key });
}

