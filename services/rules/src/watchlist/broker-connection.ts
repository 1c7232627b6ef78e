import { connect, type Socket } from 'node:net';
import { decodeFetchResponse, encodeFetchRequest, type FetchedPartition } from './kafka-fetch';

/**
 * One plaintext connection to a Kafka broker, for Fetch requests only (`kafka-fetch.ts`); answers come in the order
 * asked, so several may be in flight. Any failure (refused, closed, a request left unanswered for `timeoutMs`)
 * rejects everything waiting and closes it: the caller makes a new one, or gives up.
 */
export interface BrokerConnection {
  fetch(r: { topic: string; partition: number; offset: number; maxBytes: number; maxWaitMs: number }): Promise<FetchedPartition>;
  closed(): boolean;
}

export function connectBroker(host: string, port: number, opts: { clientId: string; timeoutMs: number }): BrokerConnection {
  const socket: Socket = connect({ host, port, noDelay: true });
  const waiting: Array<{ id: number; resolve: (p: FetchedPartition) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  let chunks: Buffer[] = [];
  let buffered = 0;
  let correlation = 0;
  let dead: Error | undefined;

  const fail = (err: Error) => {
    dead ??= err;
    for (const w of waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(dead);
    }
    socket.destroy();
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error(`connection to broker ${host}:${port} closed`)));
  socket.on('data', (data: Buffer) => {
    chunks.push(data);
    buffered += data.length;
    for (;;) {
      if (buffered < 4) return;
      const head = chunks[0]!.length >= 4 ? chunks[0]! : Buffer.concat(chunks);
      const size = head.readInt32BE(0);
      if (buffered < 4 + size) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
      const w = waiting.shift();
      if (!w) return fail(new Error(`broker ${host}:${port} answered a request not made`));
      clearTimeout(w.timer);
      const id = frame.readInt32BE(0);
      if (id !== w.id) return fail(new Error(`broker ${host}:${port} answered request ${id}, expected ${w.id}`));
      try {
        w.resolve(decodeFetchResponse(frame.subarray(4)));
      } catch (err) {
        w.reject(err as Error);
      }
    }
  });

  return {
    fetch(r) {
      if (dead) return Promise.reject(dead);
      const id = (correlation = (correlation + 1) & 0x7fffffff);
      return new Promise<FetchedPartition>((resolve, reject) => {
        const timer = setTimeout(() => fail(new Error(`broker ${host}:${port} did not answer a fetch within ${opts.timeoutMs} ms`)), opts.timeoutMs);
        waiting.push({ id, resolve, reject, timer });
        socket.write(encodeFetchRequest({ ...r, correlationId: id, clientId: opts.clientId }));
      });
    },
    closed: () => dead !== undefined,
  };
}
