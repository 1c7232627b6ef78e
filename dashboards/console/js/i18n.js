// Two languages, every label in both: zh-CN for the units, English for everyone else.
// Elements built with `i18n` / `bi` attributes (dom.js) are re-labelled in place on a switch, so forms,
// lists and scroll positions survive it.
import { MESSAGES } from './messages.js';

export const LANGS = ['zh', 'en'];
const STORAGE_KEY = 'console.lang';
const listeners = new Set();

function initialLang() {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved && LANGS.includes(saved)) return saved;
  } catch {
    // Storage can be disabled; the default language still works.
  }
  return 'zh';
}

let lang = initialLang();

export function getLang() {
  return lang;
}

function fill(template, vars) {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
}

/** The message for `key` in the current language, with `{name}` placeholders filled. */
export function t(key, vars) {
  const pair = MESSAGES[key];
  if (!pair) return key;
  return fill(lang === 'zh' ? pair[0] : pair[1], vars);
}

/** An enum value's label (`label('severity', 'critical')`); the raw value when there is none. */
export function label(group, value) {
  if (value === undefined || value === null || value === '') return '';
  const key = `${group}.${value}`;
  return MESSAGES[key] ? t(key) : String(value);
}

/** The message key of an enum value when one exists (for `i18n` attributes), else undefined. */
export function labelKey(group, value) {
  const key = `${group}.${value}`;
  return MESSAGES[key] ? key : undefined;
}

/** A `{zh, en}` pair from the server, in the current language. */
export function bi(pair) {
  if (!pair) return '';
  return (lang === 'zh' ? pair.zh : pair.en) || pair.zh || pair.en || '';
}

/** Re-labels one element built with `i18n`, `i18nAttrs` or `bi` (see dom.js). */
export function applyTranslation(el) {
  const d = el.dataset;
  if (d.i18n) el.textContent = t(d.i18n, d.i18nVars ? JSON.parse(d.i18nVars) : undefined);
  else if (d.zh !== undefined) el.textContent = lang === 'zh' ? d.zh : d.en || d.zh;
  if (d.i18nAttrs) for (const [attr, key] of Object.entries(JSON.parse(d.i18nAttrs))) el.setAttribute(attr, t(key));
}

/** Re-labels every translatable element under `root`. */
export function applyTranslations(root) {
  const sel = '[data-i18n],[data-zh],[data-i18n-attrs]';
  if (root.matches?.(sel)) applyTranslation(root);
  for (const el of root.querySelectorAll(sel)) applyTranslation(el);
}

/** Switches the language, remembers it, re-labels the page and tells the listeners (charts, timers). */
export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but switched.
  }
  if (globalThis.document) {
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    document.title = t('app.title');
    applyTranslations(document.body);
  }
  for (const fn of listeners) fn(next);
}

/** Calls `fn(lang)` after every switch; returns the unsubscribe function. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Keys whose zh or en text is missing (the test keeps this empty). */
export function missingTranslations() {
  return Object.entries(MESSAGES)
    .filter(([, pair]) => !Array.isArray(pair) || pair.length !== 2 || !pair[0] || !pair[1])
    .map(([k]) => k);
}
