import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * What a browser may fetch from the console's directory: the page, its scripts and its styles. The
 * directory also holds notes, unit tests, a tsconfig and tool caches, none of which is the service's to
 * publish. Paths arrive decoded; anything with a dot segment, backslash or percent sign is refused
 * before matching, so `js/../TESTING.md` and its encodings never reach the file system.
 */
const CONSOLE_FILES = /^\/(?:index\.html|js\/(?:[a-z0-9_-]+\/)*[a-z0-9_-]+\.js|css\/[a-z0-9_-]+\.css)$/i;
/** Of Chart.js only the UMD build the stats view loads (and its minified twin). */
const CHART_FILES = /^\/chart\.umd(?:\.min)?\.js$/;

/** Whether a request path (relative to the mount point) names a file the web console ships. */
export function isConsoleAsset(pathname: string): boolean {
  if (/(?:^|\/)\.|\\|%|\0/.test(pathname)) return false;
  return pathname === '/' || CONSOLE_FILES.test(pathname);
}

/** Whether a path under `/vendor/chart.js/` names the served Chart.js build. */
export function isChartAsset(pathname: string): boolean {
  return CHART_FILES.test(pathname);
}

/**
 * The web console (`dashboards/console/`) at `/`: `index.html`, `js/**.js` and `css/*.css` only; and
 * Chart.js's UMD build at `/vendor/chart.js/` when installed. Anything else is a 404.
 */
export function registerWebConsole(app: FastifyInstance, opts: { dir: string; chartJsDir?: string }): { served: boolean } {
  const dir = resolve(opts.dir);
  const served = existsSync(dir);
  if (served) {
    void app.register(fastifyStatic, { root: dir, prefix: '/', index: ['index.html'], cacheControl: true, maxAge: 0, dotfiles: 'deny', allowedPath: (p) => isConsoleAsset(p) });
  }
  const chartJs = resolve(opts.chartJsDir ?? 'node_modules/chart.js/dist');
  if (existsSync(chartJs)) void app.register(fastifyStatic, { root: chartJs, prefix: '/vendor/chart.js/', decorateReply: false, index: false, allowedPath: (p) => isChartAsset(p) });
  return { served };
}
