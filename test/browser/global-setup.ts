import { ensureChromium } from '../../scripts/ensure-chromium';

/** Installs Debian's Chromium once per run when it is missing (as root), so `npm test` works on a fresh clone. */
export function setup(): void {
  ensureChromium((m) => process.stderr.write(`${m}\n`));
}
