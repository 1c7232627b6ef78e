// The workflow panel of a hit: acknowledge / assign / resolve / reopen, each sent with the version the
// user is looking at. Inputs are built once so a live update of the hit does not wipe a note being typed.
import { h, replaceChildren } from '../dom.js';
import { problemBox } from '../api.js';
import { actionsForRole, actionsForStatus, isConflict, performHitAction } from '../hit-actions.js';
import { enumSelect, field, toast } from '../widgets.js';

export const DISPOSITIONS = ['confirmed', 'false_positive', 'not_found', 'other'];

/** Creates the panel; `update(hit)` re-enables the buttons the hit's status and the role allow. */
export function createWorkflowPanel({ role, getHit }) {
  const allowed = actionsForRole(role);
  const assignee = h('input', { name: 'assignee', testid: 'hit-assignee', maxlength: '64', autocomplete: 'off', i18nAttrs: { placeholder: 'workflow.assigneePlaceholder' } });
  const disposition = enumSelect('disposition', DISPOSITIONS, { all: 'workflow.chooseDisposition', testid: 'hit-disposition', name: 'disposition' });
  const note = h('textarea', { name: 'note', rows: '2', maxlength: '2000', testid: 'hit-note', i18nAttrs: { placeholder: 'workflow.notePlaceholder' } });
  const message = h('div', { class: 'workflow-message', testid: 'hit-workflow-message' });
  const conflict = h('div', { class: 'notice notice-warn', role: 'alert', testid: 'hit-conflict', hidden: true, i18n: 'hit.conflict' });
  const buttons = {
    acknowledge: h('button', { type: 'button', class: 'primary', testid: 'hit-acknowledge', i18n: 'action.acknowledge' }),
    assign: h('button', { type: 'button', testid: 'hit-assign', i18n: 'action.assign' }),
    resolve: h('button', { type: 'button', testid: 'hit-resolve', i18n: 'action.resolve' }),
    reopen: h('button', { type: 'button', testid: 'hit-reopen', i18n: 'action.reopen' }),
  };
  let busy = false;
  let current = getHit();

  const update = (hit) => {
    current = hit;
    const possible = actionsForStatus(hit.status);
    for (const [action, btn] of Object.entries(buttons)) {
      btn.hidden = !allowed.includes(action);
      btn.disabled = busy || !possible.includes(action);
    }
    assignee.disabled = busy || !possible.includes('assign');
    disposition.disabled = busy || !possible.includes('resolve');
    if (!assignee.value && hit.assignee) assignee.value = hit.assignee;
  };

  const run = async (action) => {
    replaceChildren(message);
    conflict.hidden = true;
    const extra = { note: note.value.trim() || undefined };
    if (action === 'assign') {
      extra.assignee = assignee.value.trim();
      if (!extra.assignee) return replaceChildren(message, h('span', { class: 'field-error', i18n: 'workflow.assigneeRequired' }));
    }
    if (action === 'resolve') {
      extra.disposition = disposition.value;
      if (!extra.disposition) return replaceChildren(message, h('span', { class: 'field-error', i18n: 'workflow.dispositionRequired' }));
    }
    busy = true;
    update(current);
    try {
      await performHitAction(current, action, extra);
      note.value = '';
      toast('', { key: 'workflow.done', vars: { action: action } });
    } catch (err) {
      if (isConflict(err)) conflict.hidden = false;
      else replaceChildren(message, problemBox(err, { testid: 'hit-action-error' }));
    } finally {
      busy = false;
      update(getHit());
    }
  };
  for (const [action, btn] of Object.entries(buttons)) btn.addEventListener('click', () => void run(action));

  const el =
    allowed.length === 0
      ? h('p', { class: 'muted', i18n: 'workflow.readOnly' })
      : h(
          'div',
          { class: 'workflow' },
          conflict,
          h('div', { class: 'workflow-row' }, buttons.acknowledge, buttons.reopen),
          allowed.includes('assign') ? h('div', { class: 'workflow-row' }, field('workflow.assignee', assignee), buttons.assign) : null,
          allowed.includes('resolve') ? h('div', { class: 'workflow-row' }, field('workflow.disposition', disposition), buttons.resolve) : null,
          allowed.length > 1 ? field('workflow.note', note, { wide: true }) : null,
          message,
        );
  update(current);
  return { el, update };
}
