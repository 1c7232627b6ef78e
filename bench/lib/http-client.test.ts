import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client';

const servers: Array<{ close: () => void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => (server.closeAllConnections(), server.close()) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Echoes method, path, the headers the benchmark sends and the body, and counts the connections it saw. */
function echoServer(keepAliveTimeout = 5_000): { server: Server; connections: () => number } {
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = JSON.stringify({ method: req.method, url: req.url, type: req.headers['content-type'], auth: req.headers.authorization, body });
      res.writeHead(body === 'teapot' ? 418 : 202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
      res.end(reply);
    });
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.on('connection', () => connections++);
  return { server, connections: () => connections };
}

describe('the load generator HTTP client', () => {
  it('posts bodies in any size and script, answers status and body, and keeps its sockets', async () => {
    const { server, connections } = echoServer();
    const client = createHttpClient(await listen(server), { maxSockets: 4 });
    const bodies = Array.from({ length: 200 }, (_, i) => JSON.stringify({ i, text: '检查站'.repeat(i * 7), pad: 'x'.repeat((i * 997) % 70_000) }));
    const answers = await Promise.all(bodies.map((b, i) => client.post(`/api/v1/events?n=${i}`, b, { authorization: `Bearer t${i}` })));
    answers.forEach((a, i) => {
      expect(a.status).toBe(202);
      expect(JSON.parse(a.body)).toEqual({ method: 'POST', url: `/api/v1/events?n=${i}`, type: 'application/json', auth: `Bearer t${i}`, body: bodies[i] });
    });
    expect(connections()).toBe(4);
    expect((await client.post('/x', 'teapot')).status).toBe(418);
    client.close();
  });

  it('sends a request again on a new socket when a kept-alive one closes before answering, once', async () => {
    // What a server closing an idle socket looks like when the next request is already on its way.
    let cut = 0;
    const { server, connections } = echoServer();
    server.prependListener('request', (req) => {
      if (req.url?.startsWith('/cut') && cut++ < (req.url === '/cut-twice' ? 2 : 1)) req.socket.destroy();
    });
    const client = createHttpClient(await listen(server), { maxSockets: 1 });
    expect((await client.post('/a', '1')).status).toBe(202);
    expect(JSON.parse((await client.post('/cut', '2')).body)).toMatchObject({ url: '/cut', body: '2' });
    expect(connections()).toBe(2);
    // A fresh socket closing is not an idle close: no second try.
    cut = 0;
    await expect(client.post('/cut-twice', '3')).rejects.toThrow(/closed before the response was complete/);
    expect(cut).toBe(2);
    client.close();
  });

  it('closes its idle sockets when the server does, and opens new ones', async () => {
    const { server, connections } = echoServer();
    const client = createHttpClient(await listen(server), { maxSockets: 2 });
    await Promise.all([client.post('/a', '1'), client.post('/b', '2')]);
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 50));
    expect((await client.post('/c', '3')).status).toBe(202);
    expect(connections()).toBe(3);
    client.close();
  });

  it('rejects a response it cannot read, and a connection lost mid-response, without hanging', async () => {
    const tcp = createTcpServer((s) =>
      s.once('data', (d) => {
        if (d.toString().startsWith('POST /chunked')) s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
        else if (d.toString().startsWith('POST /cut')) s.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhal');
        else s.end('garbage\r\n\r\n');
      }),
    );
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    servers.push(tcp);
    const client = createHttpClient(`http://127.0.0.1:${(tcp.address() as AddressInfo).port}`);
    await expect(client.post('/chunked', '{}')).rejects.toThrow(/Content-Length/);
    await expect(client.post('/cut', '{}')).rejects.toThrow(/closed before the response was complete/);
    await expect(client.post('/other', '{}')).rejects.toThrow(/not an HTTP response/);
    client.close();
    await expect(client.post('/after', '{}')).rejects.toThrow(/closed/);
  });
});
