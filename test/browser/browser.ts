import { chromium, type Browser, type BrowserContext, type Page, type WebSocket as PwWebSocket } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/ensure-chromium';
import { USERS, type UserKey } from './system';

/** Debian's Chromium, headless, through playwright-core; every context gets a fresh profile. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true });
}

/** `[data-testid="…"]`, optionally with more attribute selectors. */
export const tid = (id: string, more = ''): string => `[data-testid="${id}"]${more}`;

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Times (browser `Date.now()`) at which each hit id first showed as a `hit-row`. */
  rowSeenAt(hitId: string): Promise<number | undefined>;
  /** When the first live frame about the hit reached the page (browser `Date.now()`). */
  frameSeenAt(hitId: string): Promise<number | undefined>;
}

/**
 * A new browser context (own storage, as a second workstation would have) on the console, in `lang`,
 * recording when each hit row first appears so a test can report how long a hit took to show.
 */
export async function openConsole(browser: Browser, consoleUrl: string, opts: { lang?: 'zh' | 'en'; viewport?: { width: number; height: number } } = {}): Promise<Session> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 }, locale: opts.lang === 'en' ? 'en-US' : 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await context.addInitScript((lang) => {
    if (lang) localStorage.setItem('console.lang', lang);
    const seen: Record<string, number> = {};
    (window as unknown as { __rowSeen: Record<string, number> }).__rowSeen = seen;
    const record = () => {
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-testid="hit-row"]'))) {
        const id = el.dataset.hitId;
        if (id && !(id in seen)) seen[id] = Date.now();
      }
    };
    new MutationObserver(record).observe(document, { childList: true, subtree: true });
    // When each hit's first live frame reached the page: a listener added in the constructor runs before the app's.
    const frames: Record<string, number> = {};
    (window as unknown as { __frameSeen: Record<string, number> }).__frameSeen = frames;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (ev: MessageEvent) => {
          const at = Date.now();
          try {
            const id = (JSON.parse(String(ev.data)) as { hit?: { hitId?: string } }).hit?.hitId;
            if (id && !(id in frames)) frames[id] = at;
          } catch {
            /* not a JSON frame */
          }
        });
      }
    };
  }, opts.lang ?? '');
  const page = await context.newPage();
  page.on('pageerror', (err) => process.stderr.write(`[browser] page error: ${err.message}\n`));
  await page.goto(consoleUrl);
  return {
    context,
    page,
    rowSeenAt: (hitId) => page.evaluate((id) => (window as unknown as { __rowSeen: Record<string, number> }).__rowSeen[id], hitId),
    frameSeenAt: (hitId) => page.evaluate((id) => (window as unknown as { __frameSeen: Record<string, number> }).__frameSeen[id], hitId),
  };
}

/** Signs in through the form and waits for the role's first view. */
export async function signIn(page: Page, who: UserKey): Promise<void> {
  const u = USERS[who];
  await page.locator(tid('login-username')).fill(u.username);
  await page.locator(tid('login-password')).fill(u.password);
  await page.locator(tid('login-submit')).click();
  await page.locator(tid('logout')).waitFor({ state: 'visible' });
}

export type HitFrame = { type: string; hit?: { hitId: string; category?: string; subject?: { kind?: string; key?: string }; evidence?: Array<{ eventId: string }> } };

/** Listens to the page's live socket (Playwright sees every frame) and records when each hit frame arrived. */
export function hitFrames(session: Session): Array<{ at: number; frame: HitFrame }> {
  const frames: Array<{ at: number; frame: HitFrame }> = [];
  const watch = (ws: PwWebSocket) => {
    if (!ws.url().includes('/api/v1/live')) return;
    ws.on('framereceived', ({ payload }) => {
      try {
        const frame = JSON.parse(String(payload)) as HitFrame;
        if (frame.type === 'hit' || frame.type === 'hit.updated') frames.push({ at: Date.now(), frame });
      } catch {
        /* not JSON: not ours to judge here */
      }
    });
  };
  session.page.on('websocket', watch);
  return frames;
}
