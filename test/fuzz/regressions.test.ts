import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpService } from '../../lib/http-service';
import { createLogger } from '../../lib/logger';
import { createMetrics } from '../../lib/metrics';

/** Inputs the fuzzers found answered wrongly, each kept as a plain test (docs/FUZZING.md lists them). */
const app = createHttpService({ logger: createLogger({ level: 'silent', name: 'fuzz-regressions' }), metrics: createMetrics('fuzzregressions'), isReady: () => true });
let port = 0;

beforeAll(async () => {
  app.post('/echo', async (req) => req.body);
  app.get('/things/:id', async (req) => ({ id: (req.params as { id: string }).id }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});
afterAll(() => app.close());

function post(headers: Record<string, string>, body: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/echo?x=1', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('fuzzer findings', () => {
  it('an Expect header other than 100-continue is refused as problem+json 417 expectation_failed, not a bare 417', async () => {
    const r = await post({ expect: 'bytes=0-1' }, '{"a":1}');
    expect(r.status).toBe(417);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r.body)).toMatchObject({ status: 417, code: 'expectation_failed', instance: '/echo' });
  });

  it('Expect: 100-continue still works', async () => {
    const r = await post({ expect: '100-continue' }, '{"a":1}');
    expect(r).toMatchObject({ status: 200, body: '{"a":1}' });
  });
});

function get(path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fuzzer findings in the router', () => {
  it('a path parameter over maxParamLength is problem+json 414 uri_too_long, not fastify’s plain JSON', async () => {
    const r = await get(`/things/${'x'.repeat(300)}`);
    expect(r.status).toBe(414);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r.body)).toMatchObject({ status: 414, code: 'uri_too_long' });
  });

  it('a path that is not valid percent-encoding is problem+json 400 validation_failed', async () => {
    const r = await get('/things/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r.body)).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});

/** Raw bytes to the server, and everything it answers until it closes. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('fuzzer findings in the HTTP parser', () => {
  it('headers over the limit are problem+json 431 headers_too_large, not fastify’s plain JSON', async () => {
    const r = await get(`/things/x?${'q='.padEnd(20_000, 'x')}`).catch(() => undefined);
    const answer = r ?? { status: 0, type: '', body: '' };
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('bytes that are not HTTP are answered with problem+json 400 malformed_request', async () => {
    const text = await raw('GARBAGE\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'malformed_request' });
  });
});
