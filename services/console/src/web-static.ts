import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** The web console (`dashboards/console/`) at `/`, and Chart.js from node_modules when installed. */
export function registerWebConsole(app: FastifyInstance, opts: { dir: string }): { served: boolean } {
  const dir = resolve(opts.dir);
  const served = existsSync(dir);
  if (served) void app.register(fastifyStatic, { root: dir, prefix: '/', index: ['index.html'], cacheControl: true, maxAge: 0 });
  const chartJs = resolve('node_modules/chart.js/dist');
  if (existsSync(chartJs)) void app.register(fastifyStatic, { root: chartJs, prefix: '/vendor/chart.js/', decorateReply: false });
  return { served };
}
