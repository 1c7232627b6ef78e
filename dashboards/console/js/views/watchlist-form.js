// The watchlist entry editor: minimal checks here (so a typo is caught before a round trip), the real
// validation on the server, whose `errors[].path` messages are shown beside the fields they name.
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { api, problemBox } from '../api.js';
import { isoToLocalInput, localInputToIso } from '../format.js';
import { enumSelect, field, SEVERITIES, showFieldErrors } from '../widgets.js';

export const CATEGORIES_BY_KIND = {
  person: ['fugitive', 'prior_trafficking', 'registered_drug_user', 'community_treatment', 'revoked_licence'],
  vehicle: ['case_vehicle', 'vehicle_of_interest'],
  permit: ['precursor_permit'],
};
export const ACTIONS = ['detain', 'covert_check', 'question', 'test'];
export const PRECURSORS = ['ephedrine', 'pseudoephedrine', 'ephedra', 'p2p', 'safrole', 'piperonal', 'acetic_anhydride', 'potassium_permanganate', 'hydrochloric_acid', 'sulfuric_acid', 'methylamine', 'bromopropiophenone', 'mdp2p', 'isosafrole', 'phenylacetic_acid', 'anthranilic_acid', 'hydroxylimine', 'chlorophenyl_cyclopentyl_ketone', 'acetone', 'toluene', 'ethyl_ether', 'chloroform', 'methyl_ethyl_ketone', 'other'];

/** Client-side checks: `[{path, message}]` in the server's pointer style. */
export function validateEntry(e) {
  const errors = [];
  const need = (path, ok, key) => ok || errors.push({ path, message: t(key) });
  need('/entryId', /^[A-Za-z0-9._:-]{1,64}$/.test(e.entryId ?? ''), 'wl.err.entryId');
  need('/key', Boolean(e.key), 'wl.err.required');
  need('/reason', Boolean(e.reason), 'wl.err.required');
  need('/ownerJurisdiction', /^\d{6}$/.test(e.ownerJurisdiction ?? ''), 'wl.err.jurisdiction');
  need('/category', (CATEGORIES_BY_KIND[e.kind] ?? []).includes(e.category), 'wl.err.category');
  if (e.validFrom && e.validUntil) need('/validUntil', Date.parse(e.validFrom) <= Date.parse(e.validUntil), 'wl.err.validUntil');
  if (e.kind === 'permit') {
    need('/attributes/chemical', Boolean(e.attributes?.chemical), 'wl.err.required');
    need('/attributes/maxQuantityKg', e.attributes?.maxQuantityKg > 0, 'wl.err.positive');
  }
  if (e.attributes?.areaJurisdiction !== undefined) need('/attributes/areaJurisdiction', /^\d{6}$/.test(e.attributes.areaJurisdiction), 'wl.err.jurisdiction');
  return errors;
}

/** The editor for `entry` (undefined: a new one). `onSaved(entry)` after a successful PUT; `onClose()`. */
export function watchlistForm({ entry, defaultJurisdiction, onSaved, onClose }) {
  const e = entry ?? { kind: 'person', category: 'fugitive', severity: 'high', action: 'question', ownerJurisdiction: defaultJurisdiction, attributes: {} };
  const a = e.attributes ?? {};
  const entryId = h('input', { name: 'entryId', value: e.entryId ?? '', readonly: Boolean(entry), testid: 'wl-entry-id', maxlength: '64', required: true });
  const kind = enumSelect('entryKind', Object.keys(CATEGORIES_BY_KIND), { value: e.kind, testid: 'wl-kind' });
  const key = h('input', { name: 'key', value: e.key ?? '', testid: 'wl-key', maxlength: '40', required: true, class: 'mono' });
  const category = h('select', { testid: 'wl-category' });
  const severity = enumSelect('severity', SEVERITIES, { value: e.severity, testid: 'wl-severity' });
  const action = enumSelect('action', ACTIONS, { value: e.action, testid: 'wl-action' });
  const owner = h('input', { name: 'ownerJurisdiction', value: e.ownerJurisdiction ?? '', testid: 'wl-owner', maxlength: '6', inputmode: 'numeric' });
  const reason = h('textarea', { name: 'reason', rows: '2', maxlength: '500', testid: 'wl-reason', value: e.reason ?? '' });
  const validFrom = h('input', { type: 'datetime-local', value: isoToLocalInput(e.validFrom), testid: 'wl-valid-from' });
  const validUntil = h('input', { type: 'datetime-local', value: isoToLocalInput(e.validUntil), testid: 'wl-valid-until' });
  const chemical = enumSelect('precursor', PRECURSORS, { value: a.chemical ?? '', all: 'wl.choose', testid: 'wl-chemical' });
  const maxQuantityKg = h('input', { type: 'number', min: '0', step: 'any', value: a.maxQuantityKg ?? '', testid: 'wl-max-kg' });
  const carrierPlate = h('input', { value: a.carrierPlate ?? '', maxlength: '32', class: 'mono', testid: 'wl-carrier-plate' });
  const permitNo = h('input', { value: a.permitNo ?? '', maxlength: '40', class: 'mono', testid: 'wl-permit-no' });
  const area = h('input', { value: a.areaJurisdiction ?? '', maxlength: '6', inputmode: 'numeric', testid: 'wl-area' });
  const problem = h('div');
  const save = h('button', { type: 'submit', class: 'primary', testid: 'wl-save', i18n: 'common.save' });

  const permitFields = h('div', { class: 'form-row' }, field('wl.chemical', chemical, { path: '/attributes/chemical' }), field('wl.maxQuantityKg', maxQuantityKg, { path: '/attributes/maxQuantityKg' }), field('wl.carrierPlate', carrierPlate, { path: '/attributes/carrierPlate' }), field('wl.permitNo', permitNo, { path: '/attributes/permitNo' }));
  const areaField = field('wl.areaJurisdiction', area, { path: '/attributes/areaJurisdiction' });

  const syncKind = () => {
    const options = CATEGORIES_BY_KIND[kind.value] ?? [];
    const keep = options.includes(category.value) ? category.value : options.includes(e.category) ? e.category : options[0];
    replaceChildren(category, options.map((c) => h('option', { value: c, selected: c === keep, i18n: `category.${c}` })));
    permitFields.hidden = kind.value !== 'permit';
    areaField.hidden = category.value !== 'community_treatment';
  };
  kind.addEventListener('change', syncKind);
  category.addEventListener('change', () => (areaField.hidden = category.value !== 'community_treatment'));

  const read = () => {
    const attributes = {};
    if (kind.value === 'permit') {
      if (chemical.value) attributes.chemical = chemical.value;
      if (maxQuantityKg.value !== '') attributes.maxQuantityKg = Number(maxQuantityKg.value);
      if (carrierPlate.value.trim()) attributes.carrierPlate = carrierPlate.value.trim();
      if (permitNo.value.trim()) attributes.permitNo = permitNo.value.trim();
    }
    if (category.value === 'community_treatment' && area.value.trim()) attributes.areaJurisdiction = area.value.trim();
    const body = { entryId: entryId.value.trim(), kind: kind.value, key: key.value.trim(), category: category.value, severity: severity.value, action: action.value, ownerJurisdiction: owner.value.trim(), reason: reason.value.trim(), attributes };
    const from = localInputToIso(validFrom.value);
    const until = localInputToIso(validUntil.value);
    if (from) body.validFrom = from;
    if (until) body.validUntil = until;
    if (entry?.display) body.display = entry.display;
    return body;
  };

  const form = h(
    'form',
    {
      class: 'panel wl-form',
      testid: 'watchlist-form',
      novalidate: true,
      on: {
        async submit(ev) {
          ev.preventDefault();
          replaceChildren(problem);
          const body = read();
          const local = validateEntry(body);
          if (local.length) return void showFieldErrors(form, local);
          showFieldErrors(form, []);
          save.disabled = true;
          try {
            const res = await api.request(`/api/v1/watchlist/entries/${encodeURIComponent(body.entryId)}`, { method: 'PUT', body });
            onSaved(res.entry);
          } catch (err) {
            const rest = showFieldErrors(form, err.errors ?? []);
            replaceChildren(problem, problemBox(err, { testid: 'wl-error', errors: rest }));
          } finally {
            save.disabled = false;
          }
        },
      },
    },
    h('h3', { class: 'panel-title', i18n: entry ? 'wl.editTitle' : 'wl.newTitle' }),
    h('div', { class: 'form-row' }, field('entry.entryId', entryId, { path: '/entryId' }), field('entry.kind', kind, { path: '/kind' }), field('entry.key', key, { path: '/key', hint: 'wl.keyHint' }), field('entry.category', category, { path: '/category' })),
    h('div', { class: 'form-row' }, field('entry.severity', severity, { path: '/severity' }), field('entry.action', action, { path: '/action' }), field('entry.owner', owner, { path: '/ownerJurisdiction' }), field('wl.validFrom', validFrom, { path: '/validFrom' }), field('wl.validUntil', validUntil, { path: '/validUntil' })),
    permitFields,
    areaField,
    field('entry.reason', reason, { path: '/reason', wide: true }),
    problem,
    h('div', { class: 'form-actions' }, save, h('button', { type: 'button', testid: 'wl-cancel', i18n: 'common.cancel', on: { click: onClose } })),
  );
  syncKind();
  return form;
}
