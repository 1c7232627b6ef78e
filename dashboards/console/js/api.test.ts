import { describe, expect, it } from 'vitest';
import { ApiError, createApi, fieldErrors, problemText, queryString } from './api.js';

const respond = (status: number, body?: unknown, type = 'application/problem+json') => async () =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { 'content-type': type } });

describe('console API client', () => {
  it('sends the bearer token and JSON, and returns the parsed answer', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const api = createApi({
      getToken: () => 'tok',
      fetchImpl: async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return new Response(JSON.stringify({ hit: { hitId: 'h1' } }), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    const res = await api.request('/api/v1/hits/h1/actions', { method: 'POST', body: { action: 'acknowledge', expectedVersion: 3 } });
    expect(res).toEqual({ hit: { hitId: 'h1' } });
    expect(calls[0]!.init.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/json' });
    expect(calls[0]!.init.body).toBe('{"action":"acknowledge","expectedVersion":3}');
  });

  it('turns a problem+json answer into an error carrying code, detail and field errors', async () => {
    const api = createApi({ getToken: () => 't', fetchImpl: respond(400, { type: 'about:blank', title: 'Bad Request', status: 400, code: 'purpose_required', detail: 'State a purpose', retriable: false, errors: [{ path: '/purpose', message: 'required for plate and person searches' }] }) });
    const err = await api.request('/api/v1/search', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'purpose_required', detail: 'State a purpose' });
    expect(problemText(err)).toBe('Bad Request: State a purpose');
    expect(fieldErrors(err).get('/purpose')).toBe('required for plate and person searches');
  });

  it('tells the app about a 401 so it can sign out', async () => {
    let told = 0;
    const api = createApi({ getToken: () => 't', fetchImpl: respond(401, { status: 401, code: 'unauthenticated', title: 'Unauthorized' }), onUnauthenticated: () => told++ });
    await expect(api.request('/api/v1/me')).rejects.toMatchObject({ status: 401 });
    expect(told).toBe(1);
  });

  it('reports an unreachable server as status 0, and a 204 as null', async () => {
    const down = createApi({ getToken: () => undefined, fetchImpl: async () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(down.request('/api/v1/me')).rejects.toMatchObject({ status: 0, code: 'network', retriable: true });
    const gone = createApi({ getToken: () => 't', fetchImpl: respond(204) });
    expect(await gone.request('/api/v1/watchlist/entries/x', { method: 'DELETE' })).toBeNull();
  });

  it('builds query strings without empty values and with lists comma-separated', () => {
    expect(queryString({ a: 'x y', b: undefined, c: '', d: ['inspection', 'seizure'], e: [], f: 0 })).toBe('?a=x+y&d=inspection%2Cseizure&f=0');
    expect(queryString({})).toBe('');
  });
});
