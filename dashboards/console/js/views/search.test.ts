import { describe, expect, it } from 'vitest';
import { exportHref, highlightParts, searchBody } from './search.js';

describe('search requests', () => {
  it('sends only the filled-in conditions, and no type filter when every type is ticked', () => {
    expect(searchBody({ query: '', plate: '晋C*45', plateFuzzy: false, idNumber: '', types: ['inspection', 'drug_test', 'seizure'], checkpointId: '', from: '', to: '', purpose: 'A-2026-17' })).toEqual({ plate: '晋C*45', purpose: 'A-2026-17' });
    expect(searchBody({ plate: '晋C12345', plateFuzzy: true, types: ['seizure'], checkpointId: 'CP-140882-G5-01' })).toEqual({ plate: '晋C12345', plateFuzzy: true, types: ['seizure'], checkpointIds: ['CP-140882-G5-01'] });
  });

  it('builds export links with the filters and the token as query parameters', () => {
    const href = exportHref({ plate: '晋C12345', plateFuzzy: true, types: ['inspection', 'seizure'], purpose: '专案 A-17' }, 'ndjson', 'tok.en');
    const url = new URL(href, 'http://console');
    expect(url.pathname).toBe('/api/v1/search/export');
    expect(Object.fromEntries(url.searchParams)).toEqual({ format: 'ndjson', plate: '晋C12345', plateFuzzy: 'true', types: 'inspection,seizure', purpose: '专案 A-17', token: 'tok.en' });
  });

  it('reads highlight fragments as text with marked matches, never as markup', () => {
    expect(highlightParts('备胎内发现<em>冰毒</em> &lt;img src=x&gt; &amp; <em>夹层</em>')).toEqual([
      { text: '备胎内发现', marked: false },
      { text: '冰毒', marked: true },
      { text: ' <img src=x> & ', marked: false },
      { text: '夹层', marked: true },
    ]);
  });
});
