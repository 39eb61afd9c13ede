// Debian's chromium driven by playwright-core (no browser download), and the viewer's DOM contract
// (data-testid selectors) as small helpers. Every page records console errors and page errors; a
// test fails on any of them (assertNoPageErrors in afterEach).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { HOST_VIEWER_METHODS } from '../../../src/shared/protocol';

export const CHROMIUM = process.env.MESHLENS_E2E_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

export const tid = (id: string): string => `[data-testid="${id}"]`;
export const traceRow = (traceId: string): string => `${tid('trace-row')}[data-trace-id="${traceId}"]`;
export const spanRow = (spanId: string): string => `${tid('span-row')}[data-span-id="${spanId}"]`;

let home: string | undefined;

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium, or set MESHLENS_E2E_CHROMIUM`);
  home ??= fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-browser-'));
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache') },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface ViewerPage {
  page: Page;
  /** Console errors and uncaught page errors, as they happened. */
  errors: string[];
  /** Dialogs (alert, confirm, prompt) the page opened; each is dismissed. */
  dialogs: string[];
}

export async function openViewer(browser: Browser, url: string): Promise<ViewerPage> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url}:${m.location().lineNumber})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.setDefaultTimeout(15_000);
  await page.goto(url, { waitUntil: 'load' });
  await page.locator(tid('trace-list')).waitFor();
  return { page, errors, dialogs };
}

export function assertNoPageErrors(v: ViewerPage | undefined): void {
  if (!v) return;
  const errors = v.errors.splice(0);
  assert.deepEqual(errors, [], `the page logged errors:\n${errors.join('\n')}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Resolves after the page has painted twice (what a scroll or a state change renders is in the DOM). */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** The trace ids of the list's rows, top to bottom. */
export async function listedTraceIds(page: Page): Promise<string[]> {
  return page.locator(tid('trace-row')).evaluateAll((rows) =>
    rows
      .map((r) => ({ id: r.getAttribute('data-trace-id') ?? '', top: r.getBoundingClientRect().top }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.id),
  );
}

/** Waits until the list shows exactly these traces (any order), returns them top to bottom. */
export async function waitForListed(page: Page, traceIds: readonly string[]): Promise<string[]> {
  const want = [...traceIds].sort();
  await page.waitForFunction(
    ({ sel, want }) => JSON.stringify(Array.from(document.querySelectorAll(sel)).map((r) => r.getAttribute('data-trace-id')).sort()) === JSON.stringify(want),
    { sel: tid('trace-row'), want },
  );
  return listedTraceIds(page);
}

export interface RowInfo {
  spanId: string;
  depth: number;
  error: boolean;
  selected: boolean;
  text: string;
}

/** The rows in the DOM now, top to bottom. */
async function renderedRows(page: Page): Promise<RowInfo[]> {
  return page.locator(tid('span-row')).evaluateAll((rows) =>
    rows
      .map((r) => ({
        top: r.getBoundingClientRect().top,
        row: {
          spanId: r.getAttribute('data-span-id') ?? '',
          depth: Number(r.getAttribute('data-depth')),
          error: r.getAttribute('data-error') === 'true',
          selected: r.getAttribute('aria-selected') === 'true',
          text: r.textContent ?? '',
        },
      }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.row),
  );
}

async function scrollWaterfall(page: Page, to: 'top' | 'page'): Promise<boolean> {
  const moved = await page.locator(tid('waterfall-scroll')).evaluate((el, to) => {
    const before = el.scrollTop;
    el.scrollTop = to === 'top' ? 0 : before + Math.max(1, Math.floor(el.clientHeight * 0.8));
    el.dispatchEvent(new Event('scroll'));
    return el.scrollTop !== before;
  }, to);
  await nextFrames(page);
  return moved;
}

/**
 * Every row of the (virtualised) waterfall in display order: scrolls [data-testid=waterfall-scroll]
 * from the top to the bottom, a page at a time, and merges what each position rendered.
 */
export async function allWaterfallRows(page: Page): Promise<RowInfo[]> {
  await page.locator(tid('span-row')).first().waitFor();
  await scrollWaterfall(page, 'top');
  const out: RowInfo[] = [];
  const seen = new Set<string>();
  for (let guard = 0; guard < 10_000; guard++) {
    for (const r of await renderedRows(page)) {
      if (seen.has(r.spanId)) continue;
      seen.add(r.spanId);
      out.push(r);
    }
    if (!(await scrollWaterfall(page, 'page'))) break;
  }
  await scrollWaterfall(page, 'top');
  return out;
}

/** The rows rendered now (no scrolling), top to bottom. */
export const visibleWaterfallRows = renderedRows;

/** Scrolls the waterfall until the span's row is rendered; returns its locator. */
export async function revealSpanRow(page: Page, spanId: string): Promise<Locator> {
  const row = page.locator(spanRow(spanId));
  if ((await row.count()) === 0) {
    await scrollWaterfall(page, 'top');
    while ((await row.count()) === 0) {
      if (!(await scrollWaterfall(page, 'page'))) throw new Error(`span row ${spanId} is not in the waterfall`);
    }
  }
  await row.scrollIntoViewIfNeeded();
  return row;
}

/** Opens a trace from the list (a click) and waits for its root row. */
export async function openTrace(page: Page, traceId: string, rootSpanId: string): Promise<void> {
  await page.locator(traceRow(traceId)).click();
  await page.locator(tid('waterfall')).waitFor();
  await page.locator(spanRow(rootSpanId)).waitFor();
}

/** The attribute rows of a details section: key -> value text. */
export async function attrRows(page: Page, section: 'span-attributes' | 'resource-attributes' | 'scope-attributes'): Promise<Record<string, string>> {
  const rows = page.locator(`${tid('span-details')} ${tid(section)} ${tid('attr-row')}`);
  return Object.fromEntries(
    await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-key') ?? '', e.querySelector('.value')?.textContent ?? ''] as [string, string])),
  );
}

/**
 * An init script (page.addInitScript) that stubs `acquireVsCodeApi` before the viewer's script runs,
 * as VS Code's webview frame provides it, and answers like the panel would: the panel host's own
 * methods (HOST_VIEWER_METHODS) through `window.meshlensTestHost(msg)`, which the test defines and
 * which resolves to the response; the store's methods through serve's POST /api/rpc; live changes
 * from its stream after `ready`. `prelude` runs first in the same scope.
 */
export function vscodeApiStub(prelude = '', options: { persistState?: boolean } = {}): string {
  // persistState: setState survives a reload of the page (sessionStorage), as VS Code keeps a webview's state.
  return `(() => {
      const hostMethods = ${JSON.stringify(HOST_VIEWER_METHODS)};
      ${prelude}
      const post = (m) => window.postMessage(m, '*');
      const persist = ${options.persistState === true};
      let state = persist ? JSON.parse(sessionStorage.getItem('meshlens.test.vscodeState') || 'null') || undefined : undefined;
      window.acquireVsCodeApi = () => ({
        postMessage(msg) {
          if (msg.type === 'ready') {
            const es = new EventSource('api/stream');
            for (const t of ['changed', 'resync']) es.addEventListener(t, (e) => post(JSON.parse(e.data)));
            // What the panel host pushes after a ready (debug sessions), if the test set it.
            window.meshlensTestOnReady?.(post);
            return;
          }
          const answer = hostMethods.includes(msg.method)
            ? window.meshlensTestHost(msg)
            : fetch('api/rpc', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(msg) }).then((r) => r.json());
          answer.then(post);
        },
        getState: () => state,
        setState: (s) => { state = s; if (persist) sessionStorage.setItem('meshlens.test.vscodeState', JSON.stringify(s)); },
      });
    })();`;
}

/**
 * Sets a toolkit checkbox (`vscode-checkbox`): a click, then waits for its aria-checked. The toolkit
 * renders the new state on its next DOM update, so playwright's check(), which reads the state right
 * after the click, failed now and then on a busy machine.
 */
export async function setToolkitCheckbox(page: Page, testid: string, on: boolean): Promise<void> {
  const box = page.locator(tid(testid));
  if ((await box.getAttribute('aria-checked')) !== String(on)) await box.click();
  await page.locator(`${tid(testid)}[aria-checked="${on}"]`).waitFor();
}
