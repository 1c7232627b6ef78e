import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConsoleAsset, registerWebConsole } from './web-static';

const DIR = 'dashboards/console';

/** Every file under `dir` (dot-directories and tool caches included), as URL paths. */
function everyFile(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => `/${relative(dir, join(e.parentPath, e.name)).split(sep).join('/')}`);
}

describe('the web console static handler', () => {
  let app: FastifyInstance;
  const get = async (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    app = Fastify();
    registerWebConsole(app, { dir: DIR });
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves the page at / and /index.html, its scripts and its styles', async () => {
    for (const url of ['/', '/index.html', '/js/app.js', '/js/views/login.js', '/css/console.css']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
    }
    expect((await get('/')).headers['content-type']).toContain('text/html');
    expect((await get('/js/app.js')).headers['content-type']).toContain('javascript');
  });

  it('serves of the console directory exactly index.html, js/**.js and css/*.css: notes, tests, configs and caches are 404', async () => {
    const files = everyFile(DIR);
    expect(files).toEqual(expect.arrayContaining(['/TESTING.md', '/tsconfig.json', '/js/app.js', '/js/api.test.ts']));
    for (const url of files) {
      const shipped = url === '/index.html' || /^\/js\/.*\.js$/.test(url) || /^\/css\/[^/]+\.css$/.test(url);
      const res = await get(encodeURI(url));
      expect(res.statusCode, url).toBe(shipped ? 200 : 404);
    }
  });

  it('refuses dot segments and encoded traversal out of js/ or css/', async () => {
    for (const url of ['/js/../TESTING.md', '/js/%2e%2e/TESTING.md', '/css/..%2fREADME.md', '/js/..%5cTESTING.md', '/%2e%2e/package.json', '/../package.json', '/js/', '/css/', '/node_modules/.vite/results.json']) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
    expect(isConsoleAsset('/js/../TESTING.md')).toBe(false);
    expect(isConsoleAsset('/js/.hidden.js')).toBe(false);
  });

  it('serves Chart.js as its UMD build only', async () => {
    expect((await get('/vendor/chart.js/chart.umd.js')).statusCode).toBe(200);
    for (const url of ['/vendor/chart.js/chart.js.map', '/vendor/chart.js/index.d.ts', '/vendor/chart.js/helpers.js', '/vendor/chart.js/', '/vendor/chart.js/../../package.json']) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });
});
