// Pieces of a hit shared by the feed, the hit list and the detail page: the exact/fuzzy marker and the
// character-by-character comparison of an observed key with the listed one.
import { h } from '../dom.js';
import { labelKey } from '../i18n.js';

/** "exact" or "fuzzy (look-alike …)" — a fuzzy hit is a lead to verify, and must look like one. */
export function matchBadge(match) {
  if (!match) return h('span');
  const kindKey = labelKey('matchKind', match.kind);
  return h(
    'span',
    { class: ['badge', 'match', match.exact ? 'match-exact' : 'match-fuzzy'], testid: 'hit-match', dataset: { exact: String(Boolean(match.exact)), kind: match.kind ?? '' } },
    h('span', { i18n: match.exact ? 'match.exact' : 'match.fuzzy' }),
    !match.exact && kindKey ? [' · ', h('span', { i18n: kindKey })] : null,
  );
}

/** A plate or id with the differing characters marked (positions are 0-based, in characters). */
export function markedKey(value, positions = [], testid) {
  const chars = [...(value ?? '')];
  const marked = new Set(positions);
  return h(
    'span',
    { class: 'mono marked-key', testid },
    chars.map((c, i) => (marked.has(i) ? h('mark', { class: 'diff', title: `#${i + 1}` }, c) : c)),
  );
}
