// Debian's chromium driven by playwright-core (no browser download: executablePath is the system one).
import fs from 'node:fs';
import path from 'node:path';
import { childEnv } from './codeserver.mjs';

export const CHROMIUM = process.env.MESHLENS_E2E_CHROMIUM || '/usr/bin/chromium';

export async function launchChromium(home) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set MESHLENS_E2E_CHROMIUM`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    env: childEnv(path.join(home, 'chromium-home')),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
  openBrowsers.add(browser);
  browser.on('disconnected', () => openBrowsers.delete(browser));
  return browser;
}

const openBrowsers = new Set();

/** Closes every chromium still open (used on every exit path). */
export async function closeAllBrowsers() {
  await Promise.all([...openBrowsers].map((b) => withTimeout(b.close(), 10_000, 'chromium to close').catch(() => {})));
}

/** Resolves with `promise`, or rejects after `ms` with a message that says what was awaited. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`)), ms); }),
  ]);
}
