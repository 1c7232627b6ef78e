// DOM construction without innerHTML: every piece of data becomes a text node or an attribute value,
// so a plate, a name or a reason can never inject markup.
import { applyTranslation } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Sets attributes on an element. Special keys:
 * - `class`, `testid` (→ data-testid), `dataset` (object), `style` (object), `on` (event → handler)
 * - `i18n` (message key; the element's text follows the language), `i18nVars` (placeholders),
 *   `i18nAttrs` ({placeholder: key, title: key, 'aria-label': key})
 * - `bi` ({zh, en}: data text shown in the current language)
 * - `value`, `checked`, `disabled`, `selected`, `hidden` are set as properties.
 * `null`, `undefined` and `false` values are skipped.
 */
function setAttributes(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    switch (key) {
      case 'class':
        el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
        break;
      case 'testid':
        el.dataset.testid = value;
        break;
      case 'dataset':
        for (const [k, v] of Object.entries(value)) {
          if (v !== undefined && v !== null) el.dataset[k] = String(v);
        }
        break;
      case 'style':
        for (const [k, v] of Object.entries(value)) el.style.setProperty(k, String(v));
        break;
      case 'on':
        for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
        break;
      case 'i18n':
        el.dataset.i18n = value;
        break;
      case 'i18nVars':
        el.dataset.i18nVars = JSON.stringify(value);
        break;
      case 'i18nAttrs':
        el.dataset.i18nAttrs = JSON.stringify(value);
        break;
      case 'bi':
        el.dataset.zh = value.zh ?? '';
        el.dataset.en = value.en ?? value.zh ?? '';
        break;
      case 'value':
      case 'checked':
      case 'disabled':
      case 'selected':
      case 'hidden':
      case 'multiple':
        el[key] = value;
        break;
      default:
        el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: `h('td', {class: 'x'}, 'text', otherNode)`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  append(el, children);
  if (el.dataset.i18n || el.dataset.zh !== undefined || el.dataset.i18nAttrs) applyTranslation(el);
  return el;
}

/** An SVG element (namespaced); same attribute rules as `h`. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttributes(el, attrs);
  append(el, children);
  if (el.dataset.i18n) applyTranslation(el);
  return el;
}

/** Replaces an element's children. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A text span whose content follows the language. */
export function tx(key, vars) {
  return h('span', { i18n: key, i18nVars: vars });
}
