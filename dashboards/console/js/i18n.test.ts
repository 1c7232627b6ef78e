import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from './messages.js';
import { bi, getLang, label, missingTranslations, setLang, t } from './i18n.js';

const here = new URL('.', import.meta.url).pathname;
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.js') && !p.endsWith('messages.js') ? [p] : [];
  });

/** String literals shaped like message keys (`'nav.live'`), minus storage keys and frame types. */
function keysUsed(): Set<string> {
  const used = new Set<string>();
  for (const file of sources(here)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z0-9_-]+)+)'/g)) used.add(m[1]!);
  }
  for (const m of readFileSync(join(here, '..', 'index.html'), 'utf8').matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]!);
  return new Set([...used].filter((k) => !k.startsWith('console.') && !/\.(js|csv|ndjson)$/.test(k) && k !== 'hit.updated'));
}

describe('console labels', () => {
  it('has every label in both zh-CN and English', () => {
    expect(missingTranslations()).toEqual([]);
  });

  it('has a message for every key the views and the page use', () => {
    const missing = [...keysUsed()].filter((k) => !(k in MESSAGES));
    expect(missing).toEqual([]);
  });

  it('switches language, fills placeholders and falls back to raw enum values', () => {
    expect(getLang()).toBe('zh');
    expect(t('live.pinned', { n: 3 })).toBe('未签收紧急预警（3）');
    setLang('en');
    expect(t('live.pinned', { n: 3 })).toBe('Unacknowledged critical hits (3)');
    expect(label('severity', 'critical')).toBe('critical');
    expect(label('category', 'some_new_rule_outcome')).toBe('some_new_rule_outcome');
    expect(bi({ zh: '在逃人员比中', en: 'fugitive on watchlist' })).toBe('fugitive on watchlist');
    setLang('zh');
    expect(bi({ zh: '在逃人员比中', en: 'fugitive on watchlist' })).toBe('在逃人员比中');
  });
});
