import { describe, expect, it } from 'vitest';
import { createHttpService } from './http-service';
import { createLogger } from './logger';
import { createMetrics } from './metrics';

const service = (o: { ready?: boolean; broken?: string }) =>
  createHttpService({ logger: createLogger({ level: 'silent', name: 'test' }), metrics: createMetrics('test'), isReady: () => o.ready ?? true, brokenReason: () => o.broken });

describe('probes', () => {
  it('/healthz answers 200 while nothing is broken for good, even when not ready', async () => {
    const app = service({ ready: false });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
  });

  it('/healthz answers 503 with the reason once a part stopped for good (a supervisor restarts the process)', async () => {
    const state: { broken?: string } = {};
    const app = service(state);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    state.broken = 'judge: consumer stopped for good (OUT_OF_ORDER_SEQUENCE_NUMBER)';
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'failed', reason: 'judge: consumer stopped for good (OUT_OF_ORDER_SEQUENCE_NUMBER)' });
  });
});
