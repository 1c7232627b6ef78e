// Rules administration: the effective rule set with an on/off switch, a parameters editor (JSON), and a
// backtest over past events — of the saved rule or of the draft in the editor — before switching it on.
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { api, problemBox, problemText } from '../api.js';
import { daysAgoInput, localInputToIso } from '../format.js';
import { checkpointText, enumSelect, enumText, field, SEVERITIES, severityBadge, showFieldErrors, thead, timeText, toast } from '../widgets.js';
import { loadCheckpoints } from '../checkpoints.js';

/** The PUT body for a rule: what the server owns (version, updatedBy) left out. */
export function ruleBody(rule, changes = {}) {
  const { version: _v, updatedBy: _u, ...rest } = rule;
  return { ...rest, ...changes };
}

/** Parses the parameters textarea: an object, or an error message. */
export function parseParams(text) {
  try {
    const value = JSON.parse(text || '{}');
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: t('rules.paramsObject') };
    return { ok: true, value };
  } catch (err) {
    return { ok: false, message: `${t('rules.paramsJson')} ${err.message}` };
  }
}

function backtestResult(res) {
  return h(
    'div',
    { class: 'backtest-result', testid: 'rule-backtest-result', dataset: { hitCount: res.hitCount, eventsScanned: res.eventsScanned } },
    h('p', {}, h('span', { i18n: 'rules.backtestSummary', i18nVars: { events: res.eventsScanned, hits: res.hitCount } }), res.truncated ? h('span', { class: 'muted', i18n: 'rules.truncated' }) : null),
    res.hits?.length
      ? h(
          'table',
          { class: 'grid compact' },
          thead(['col.occurredAt', 'col.severity', 'col.category', 'col.subject', 'col.checkpoint', 'col.summary']),
          h('tbody', {}, res.hits.map((x) => h('tr', { testid: 'backtest-hit-row' }, h('td', {}, timeText(x.occurredAt)), h('td', {}, severityBadge(x.severity)), h('td', {}, enumText('category', x.category)), h('td', { class: 'mono' }, x.subject?.display ?? ''), h('td', {}, checkpointText(x.checkpointId)), h('td', { bi: x.summary })))),
        )
      : null,
  );
}

function editor(rule, { current, onSaved }) {
  const severity = enumSelect('severity', SEVERITIES, { value: rule.severity, testid: 'rule-severity' });
  const coolDown = h('input', { type: 'number', min: '0', max: String(7 * 24 * 60), value: String(rule.coolDownMinutes ?? 60), testid: 'rule-cooldown' });
  const params = h('textarea', { rows: '6', class: 'mono', spellcheck: 'false', testid: 'rule-params', value: JSON.stringify(rule.params ?? {}, null, 2) });
  const from = h('input', { type: 'datetime-local', value: daysAgoInput(7), testid: 'rule-backtest-from' });
  const to = h('input', { type: 'datetime-local', value: daysAgoInput(0), testid: 'rule-backtest-to' });
  const problem = h('div');
  const result = h('div');
  const draft = () => {
    const p = parseParams(params.value);
    if (!p.ok) {
      showFieldErrors(form, [{ path: '/params', message: p.message }]);
      return undefined;
    }
    showFieldErrors(form, []);
    // The current rule, not the one the editor opened with: the switch may have changed it since.
    return ruleBody(current(), { severity: severity.value, coolDownMinutes: Number(coolDown.value), params: p.value });
  };
  const save = async () => {
    replaceChildren(problem);
    const body = draft();
    if (!body) return;
    try {
      const res = await api.request(`/api/v1/rules/${encodeURIComponent(rule.ruleId)}`, { method: 'PUT', body });
      toast('', { key: 'rules.saved', vars: { id: rule.ruleId, version: res.rule.version } });
      onSaved(res.rule);
    } catch (err) {
      replaceChildren(problem, problemBox(err, { testid: 'rule-error', errors: showFieldErrors(form, err.errors ?? []) }));
    }
  };
  const backtest = async (withDraft) => {
    replaceChildren(problem);
    replaceChildren(result, h('p', { class: 'muted', i18n: 'rules.backtestRunning' }));
    const body = { from: localInputToIso(from.value), to: localInputToIso(to.value) };
    if (withDraft) {
      const d = draft();
      if (!d) return replaceChildren(result);
      body.rule = d;
    }
    try {
      const [res] = await Promise.all([api.request(`/api/v1/rules/${encodeURIComponent(rule.ruleId)}/backtest`, { method: 'POST', body }), loadCheckpoints()]);
      replaceChildren(result, backtestResult(res));
    } catch (err) {
      replaceChildren(result);
      replaceChildren(problem, problemBox(err, { testid: 'rule-error', errors: showFieldErrors(form, (err.errors ?? []).map((e) => ({ ...e, path: e.path?.replace(/^\/rule(?=\/)/, '') }))) }));
    }
  };
  const form = h(
    'div',
    { class: 'rule-editor', testid: 'rule-editor', dataset: { ruleId: rule.ruleId } },
    h('div', { class: 'form-row' }, field('col.severity', severity, { path: '/severity' }), field('rules.coolDown', coolDown, { path: '/coolDownMinutes' })),
    field('rules.params', params, { path: '/params', wide: true, hint: 'rules.paramsHint' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'primary', testid: 'rule-save', i18n: 'common.save', on: { click: save } })),
    h('div', { class: 'form-row' }, field('common.from', from, { path: '/from' }), field('common.to', to, { path: '/to' }), h('div', { class: 'form-actions' }, h('button', { type: 'button', testid: 'rule-backtest', i18n: 'rules.backtestSaved', on: { click: () => backtest(false) } }), h('button', { type: 'button', testid: 'rule-backtest-draft', i18n: 'rules.backtestDraft', on: { click: () => backtest(true) } }))),
    problem,
    result,
  );
  return form;
}

export async function renderRules(container) {
  const tbody = h('tbody', { testid: 'rules-list' });
  const problem = h('div');
  const open = new Set();
  const editors = new Map();
  let rules = [];

  const toggle = async (rule, input) => {
    input.disabled = true;
    try {
      const res = await api.request(`/api/v1/rules/${encodeURIComponent(rule.ruleId)}`, { method: 'PUT', body: ruleBody(rule, { enabled: input.checked }) });
      rules = rules.map((r) => (r.ruleId === rule.ruleId ? res.rule : r));
      toast('', { key: res.rule.enabled ? 'rules.enabledNow' : 'rules.disabledNow', vars: { id: rule.ruleId } });
      render();
    } catch (err) {
      input.checked = !input.checked;
      toast(problemText(err), { kind: 'error' });
    } finally {
      input.disabled = false;
    }
  };

  const render = () => {
    replaceChildren(
      tbody,
      rules.length
        ? rules.flatMap((rule) => {
            const enabled = h('input', { type: 'checkbox', checked: rule.enabled, testid: 'rule-enabled', title: t('rules.enabled') });
            enabled.addEventListener('change', () => void toggle(rule, enabled));
            const main = h(
              'tr',
              { testid: 'rule-row', class: rule.enabled ? '' : 'disabled', dataset: { ruleId: rule.ruleId, enabled: String(rule.enabled) } },
              h('td', {}, h('label', { class: 'switch' }, enabled, h('span', { i18n: rule.enabled ? 'rules.on' : 'rules.off' }))),
              h('td', { class: 'mono' }, rule.ruleId),
              h('td', {}, enumText('ruleKind', rule.kind)),
              h('td', { bi: rule.description }),
              h('td', {}, severityBadge(rule.severity, 'rule-severity-badge')),
              h('td', { class: 'num' }, String(rule.coolDownMinutes ?? '')),
              h('td', {}, `v${rule.version ?? 0}`, rule.updatedBy ? h('span', { class: 'muted' }, ` ${rule.updatedBy}`) : null),
              h('td', {}, h('button', { type: 'button', testid: 'rule-edit', i18n: open.has(rule.ruleId) ? 'common.close' : 'rules.editBacktest', on: { click: () => (open.has(rule.ruleId) ? open.delete(rule.ruleId) : open.add(rule.ruleId), render()) } })),
            );
            if (!open.has(rule.ruleId)) return [main];
            // Kept across re-renders so a toggle elsewhere does not wipe a draft being edited.
            if (!editors.has(rule.ruleId)) {
              const saved = (next) => {
                rules = rules.map((r) => (r.ruleId === next.ruleId ? next : r));
                render();
              };
              editors.set(rule.ruleId, editor(rule, { current: () => rules.find((r) => r.ruleId === rule.ruleId) ?? rule, onSaved: saved }));
            }
            return [main, h('tr', { class: 'editor-row' }, h('td', { colspan: 8 }, editors.get(rule.ruleId)))];
          })
        : h('tr', { class: 'empty' }, h('td', { colspan: 8, i18n: 'common.none' })),
    );
  };

  container.append(
    h('div', { class: 'toolbar' }, h('h2', { i18n: 'rules.title' })),
    problem,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid' }, thead(['rules.enabled', 'rules.ruleId', 'rules.kind', 'rules.description', 'col.severity', 'rules.coolDown', 'col.version', '']), tbody)),
  );
  try {
    rules = (await api.request('/api/v1/rules')).items ?? [];
    render();
  } catch (err) {
    replaceChildren(problem, problemBox(err, { testid: 'rules-error' }));
  }
}
