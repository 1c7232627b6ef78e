import { connect, type Socket } from 'node:net';

/**
 * The load generator's HTTP/1.1 client: keep-alive sockets, one request at a time on each, the request written in one
 * piece and the response read by its Content-Length. The simulated terminals would run on their own machines; here
 * they share the two cores with the system under test, and with `node:http`'s client (a quarter of the load
 * generator's CPU in a profile) the load generator used 19–23 % of a core at 1,000 requests/s; with this one, and
 * the bodies made before each phase, 10 % (bench/README.md). It does what the benchmark needs and no more: no chunked
 * or body-less responses (the services answer with Content-Length), no redirects, no TLS.
 */
export interface HttpClient {
  post(path: string, body: string, headers?: Record<string, string>): Promise<HttpResponse>;
  close(): void;
}

export interface HttpResponse {
  status: number;
  body: string;
}

interface Pending {
  head: string;
  body: string;
  resolve: (r: HttpResponse) => void;
  reject: (e: Error) => void;
  /** Sent on a socket that had answered before: if it fails before any byte comes back, the server may have closed it idle. */
  retried: boolean;
}

interface Conn {
  socket: Socket;
  pending?: Pending;
  received: Buffer[];
  receivedBytes: number;
  /** The response's head, once read: status, body length, whether the server closes after it. */
  status?: number;
  bodyStart?: number;
  bodyLength?: number;
  close?: boolean;
  /** A response was read whole on this socket before. */
  reused: boolean;
  dead: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');

export function createHttpClient(base: string, opts: { maxSockets?: number } = {}): HttpClient {
  const url = new URL(base);
  const host = url.hostname;
  const port = Number(url.port || 80);
  const maxSockets = opts.maxSockets ?? 128;
  const idle: Conn[] = [];
  const queue: Pending[] = [];
  let open = 0;
  let closed = false;

  const fail = (c: Conn, err: Error) => {
    if (c.dead) return;
    const p = c.pending;
    c.pending = undefined;
    drop(c);
    if (!p) return;
    // A kept-alive socket that closed before a byte of the answer came back: most likely the server closed it idle
    // as the request went out (node:http's agent would fail the request). Sent again once, on another socket; the
    // benchmark's requests carry their event ids, so at worst the second is answered 200 duplicate.
    if (c.reused && c.receivedBytes === 0 && !p.retried) {
      p.retried = true;
      queue.unshift(p);
      pump();
      return;
    }
    p.reject(err);
  };

  const drop = (c: Conn) => {
    if (c.dead) return;
    c.dead = true;
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    c.socket.destroy();
    open--;
    pump();
  };

  const onData = (c: Conn, chunk: Buffer) => {
    if (!c.pending) return fail(c, new Error('response bytes with no request outstanding'));
    c.received.push(chunk);
    c.receivedBytes += chunk.length;
    const all = c.received.length === 1 ? c.received[0]! : Buffer.concat(c.received);
    c.received = [all];
    if (c.bodyStart === undefined) {
      const end = all.indexOf(HEAD_END);
      if (end < 0) return;
      const head = all.subarray(0, end).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (!m) return fail(c, new Error(`not an HTTP response: ${JSON.stringify(head.slice(0, 40))}`));
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (!length) return fail(c, new Error('response without Content-Length (chunked responses are not supported)'));
      c.status = Number(m[1]);
      c.bodyStart = end + HEAD_END.length;
      c.bodyLength = Number(length[1]);
      c.close = /\r\nconnection: *close/i.test(head);
    }
    if (all.length < c.bodyStart + c.bodyLength!) return;
    if (all.length > c.bodyStart + c.bodyLength!) return fail(c, new Error('more bytes than the response announced'));
    const p = c.pending;
    const res = { status: c.status!, body: all.subarray(c.bodyStart, c.bodyStart + c.bodyLength!).toString('utf8') };
    c.pending = undefined;
    c.received = [];
    c.receivedBytes = 0;
    c.status = c.bodyStart = c.bodyLength = undefined;
    c.reused = true;
    if (c.close || closed) drop(c);
    else {
      idle.push(c);
      pump();
    }
    p.resolve(res);
  };

  const newConn = (): Conn => {
    const socket = connect({ host, port, noDelay: true });
    const c: Conn = { socket, received: [], receivedBytes: 0, reused: false, dead: false };
    open++;
    socket.on('data', (chunk: Buffer) => onData(c, chunk));
    socket.on('error', (err) => fail(c, err));
    socket.on('close', () => fail(c, new Error('connection closed before the response was complete')));
    return c;
  };

  const send = (c: Conn, p: Pending) => {
    c.pending = p;
    c.socket.write(p.head + p.body);
  };

  function pump(): void {
    while (queue.length > 0 && !closed) {
      const c = idle.pop() ?? (open < maxSockets ? newConn() : undefined);
      if (!c) return;
      send(c, queue.shift()!);
    }
  }

  return {
    post(path, body, headers = {}) {
      if (closed) return Promise.reject(new Error('client closed'));
      let head = `POST ${path} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      head += '\r\n';
      return new Promise<HttpResponse>((resolve, reject) => {
        queue.push({ head, body, resolve, reject, retried: false });
        pump();
      });
    },
    close() {
      closed = true;
      for (const c of [...idle]) drop(c);
      for (const p of queue.splice(0)) p.reject(new Error('client closed'));
    },
  };
}

/** One client per service (by base URL) for a benchmark that talks to several; JSON bodies, bearer tokens. */
export interface ServiceClients {
  post(base: string, path: string, body: unknown, token?: string): Promise<HttpResponse>;
  /** A token for a demo user (`POST /api/v1/auth/token`); throws unless 200. */
  login(base: string, user: { username: string; password: string }): Promise<string>;
  close(): void;
}

export function createServiceClients(opts: { maxSockets?: number } = {}): ServiceClients {
  const clients = new Map<string, HttpClient>();
  const post: ServiceClients['post'] = (base, path, body, token) => {
    let client = clients.get(base);
    if (!client) clients.set(base, (client = createHttpClient(base, opts)));
    return client.post(path, typeof body === 'string' ? body : JSON.stringify(body), token ? { authorization: `Bearer ${token}` } : {});
  };
  return {
    post,
    async login(base, user) {
      const res = await post(base, '/api/v1/auth/token', { username: user.username, password: user.password });
      if (res.status !== 200) throw new Error(`login ${user.username}: ${res.status} ${res.body}`);
      return (JSON.parse(res.body) as { token: string }).token;
    },
    close() {
      for (const c of clients.values()) c.close();
      clients.clear();
    },
  };
}
