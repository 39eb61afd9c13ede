// The waterfall's drawing and keyboard in Chromium against `meshlens serve`, fed by the real
// OpenTelemetry JS SDK: the service legend, events on their bars, the critical path (where Jaeger's
// algorithm puts it on the shop trace), zooming with the minimap's brush, the keyboard, and a trace
// that grows while it is open (what the user collapsed and selected stays).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { context, trace, SpanKind } from '@opentelemetry/api';
import type { Browser, Page } from 'playwright-core';
import { ensureBuilt, REPO } from './lib/build';
import { assertNoPageErrors, attrRows, launchBrowser, openTrace, openViewer, screenshot, spanRow, tid, type ViewerPage } from './lib/browser';
import { feedShopTrace, hr, Sdk, type ShopTrace } from './lib/feed';
import { startServe, type Serve } from './lib/serve';

/** `left`/`width` of an element's inline style as numbers (percent of the track). */
async function box(page: Page, selector: string): Promise<{ left: number; width: number }[]> {
  return page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const s = (e as HTMLElement).style;
      const width = /max\(1px, ([\d.e+-]+)%\)/.exec(s.width)?.[1] ?? s.width;
      return { left: parseFloat(s.left), width: parseFloat(width) };
    }),
  );
}

const close = (a: number, b: number, what: string, within = 0.01) => assert.ok(Math.abs(a - b) < within, `${what}: ${a} is not ${b}`);

describe('trace viewer: the waterfall (legend, events, critical path, zoom, keyboard, growth)', function () {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let view: ViewerPage | undefined;
  let page: Page;
  let shop: ShopTrace;
  const id = (name: string) => shop.byName(name).spanContext().spanId;

  before(async function () {
    this.timeout(600_000);
    await ensureBuilt();
    serve = await startServe();
    shop = await feedShopTrace(serve.otlpHttp, path.join(REPO, 'src', 'cli', 'main.ts'), path.join(REPO, 'src', 'server', 'api.ts'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    const code = await serve?.stop();
    if (serve) assert.equal(code, 0, `meshlens serve exit; stderr:\n${serve.stderr()}`);
  });

  beforeEach(async () => {
    view = await openViewer(browser!, serve!.viewer);
    page = view.page;
    await openTrace(page, shop.traceId, id('GET /checkout'));
  });

  afterEach(async () => {
    const v = view;
    view = undefined;
    try {
      assertNoPageErrors(v);
    } finally {
      await v?.page.close();
    }
  });

  it("names the trace's services in a legend and marks the root's event where it happened", async () => {
    assert.deepEqual(await page.locator(tid('legend-service')).allTextContents(), ['frontend', 'inventory']);
    const mark = page.locator(`${spanRow(id('GET /checkout'))} ${tid('event-mark')}`);
    assert.equal(await mark.getAttribute('title'), 'cache.miss');
    // cache.miss is at +5 ms of a 250 ms span: 2% along its bar.
    const left = await mark.evaluate((e) => parseFloat((e as HTMLElement).style.left));
    close(left, 2, 'event position');
  });

  it('draws the critical path as Jaeger computes it: the root only where it waited on no child', async () => {
    await page.waitForFunction(() => document.querySelector('[data-testid=waterfall]')?.hasAttribute('data-critical-path'));
    // Root 0..250 ms; its children cover 10..60, 70..150 and 160..240, so the root itself is on the
    // path at 0..10, 60..70, 150..160 and 240..250 (percent of 250 ms: 0, 24, 60, 96; 4 wide).
    const root = (await box(page, `${spanRow(id('GET /checkout'))} ${tid('critical-path')}`)).sort((a, b) => a.left - b.left);
    assert.equal(root.length, 4);
    root.forEach((s, k) => {
      close(s.left, [0, 24, 60, 96][k], `root section ${k} start`);
      close(s.width, 4, `root section ${k} width`);
    });
    // Every span of this trace lies on the path (each is the last-finishing child where it is).
    for (const name of ['render cart', 'load template', 'format prices', 'call inventory', 'GET /stock', 'SELECT stock', 'call payment']) {
      assert.ok((await page.locator(`${spanRow(id(name))} ${tid('critical-path')}`).count()) > 0, `${name} is on the critical path`);
    }
    // SELECT stock (80..140) is on it whole: 32% to 56%.
    const [select] = await box(page, `${spanRow(id('SELECT stock'))} ${tid('critical-path')}`);
    close(select.left, 32, 'SELECT stock start');
    close(select.width, 24, 'SELECT stock width');
    await page.locator(tid('critical-path-toggle')).uncheck();
    assert.equal(await page.locator(tid('critical-path')).count(), 0, 'the toggle hides it');
  });

  it('a drag on the minimap zooms into that range; Reset zoom and the 0 key show the whole trace', async () => {
    const minimap = page.locator(tid('minimap'));
    const b = (await minimap.boundingBox())!;
    // 40% .. 60% of 250 ms = 100 .. 150 ms.
    await page.mouse.move(b.x + b.width * 0.4, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.5, b.y + b.height / 2, { steps: 4 });
    await page.mouse.move(b.x + b.width * 0.6, b.y + b.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.locator(`${tid('waterfall')}[data-zoomed]`).waitFor();
    assert.ok(await page.locator(tid('zoom-reset')).isVisible());
    const ticks = (await page.locator(`${tid('ruler')} .tick`).allTextContents()).map((t) => t.trim());
    assert.equal(ticks[0], '100ms', `the ruler starts at the zoomed range: ${ticks.join(' ')}`);
    assert.ok(ticks.includes('140ms') && !ticks.includes('160ms'), ticks.join(' '));
    // SELECT stock (80..140 ms) now starts left of the view and reaches 80% across it (the brush
    // snaps to whole pixels: a 560 px minimap is 0.45 ms a pixel, hence the tolerance).
    const [bar] = await box(page, `${spanRow(id('SELECT stock'))} .bar`);
    close(bar.left, -40, 'SELECT stock bar start in the zoomed range', 2);
    close(bar.left + bar.width, 80, 'SELECT stock bar end in the zoomed range', 2);
    await screenshot(page, 'waterfall-zoomed');
    await page.locator(tid('zoom-reset')).click();
    await page.locator(`${tid('waterfall')}:not([data-zoomed])`).waitFor();
    assert.equal((await page.locator(`${tid('ruler')} .tick`).first().textContent())?.trim(), '0µs');
    // Keyboard zoom: + zooms around the selected span, 0 undoes it.
    await page.locator(spanRow(id('SELECT stock'))).click();
    await page.keyboard.press('+');
    await page.locator(`${tid('waterfall')}[data-zoomed]`).waitFor();
    await page.keyboard.press('0');
    await page.locator(`${tid('waterfall')}:not([data-zoomed])`).waitFor();
  });

  it('works without a mouse: arrows, Left/Right, Enter, E, / and Esc', async () => {
    const selected = () => page.locator(`${tid('span-row')}[aria-selected=true]`).getAttribute('data-span-id');
    const details = () => page.locator(`${tid('span-details')} h2`).textContent();
    await page.locator(tid('waterfall-scroll')).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(), id('GET /checkout'));
    await page.waitForFunction(() => document.querySelector('[data-testid=span-details] h2')?.textContent === 'GET /checkout');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(), id('render cart'));
    assert.equal(await page.locator(tid('waterfall-scroll')).getAttribute('aria-activedescendant'), await page.locator(spanRow(id('render cart'))).getAttribute('id'));
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.locator(spanRow(id('load template'))).count(), 0, 'Left collapses');
    await page.keyboard.press('ArrowRight');
    await page.locator(spanRow(id('load template'))).waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator(spanRow(id('load template'))).count(), 0, 'Enter toggles too');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await selected(), id('render cart'), 'Left on a leaf goes to its parent');
    await page.keyboard.press('e');
    assert.equal(await selected(), id('SELECT stock'), 'E: the next error span');
    await page.waitForFunction(() => document.querySelector('[data-testid=span-details] h2')?.textContent === 'SELECT stock');
    await page.keyboard.press('End');
    assert.equal(await selected(), id('call payment'));
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'trace-search');
    await page.keyboard.type('kiwi');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=search-count]')?.textContent === '1 / 3');
    assert.equal(await selected(), id('GET /checkout'));
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'waterfall-scroll', 'Esc leaves the search box for the spans');
    assert.equal(await details(), 'GET /checkout');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator(tid('span-details')).count(), 0, 'Esc closes the details');
    // Every control of the waterfall has a name a screen reader can say.
    const unnamed = await page.locator(`${tid('waterfall')} button, ${tid('waterfall')} input, ${tid('waterfall')} select`).evaluateAll((els) =>
      els.filter((e) => !(e.getAttribute('aria-label') || e.textContent?.trim() || (e.id && document.querySelector(`label[for="${e.id}"]`)))).map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
  });

  it('copies a span\'s attributes as JSON, as the table shows them', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(serve!.viewer).origin });
    await page.locator(spanRow(id('GET /checkout'))).click();
    // The details ask the host for the span: wait for its table, not the one shown before.
    await page.locator(tid('span-attributes'), { hasText: 'code.line.number' }).waitFor();
    const shown = await attrRows(page, 'span-attributes');
    assert.equal(shown['code.line.number'], String(shop.codeLine));
    await page.locator(`${tid('span-attributes')} ${tid('copy-attributes')}`).click();
    await page.locator(`${tid('span-attributes')} ${tid('copy-attributes')}`, { hasText: 'Copied' }).waitFor();
    assert.deepEqual(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())), shown);
  });

  it('a trace that grows while open keeps what the user collapsed and selected', async () => {
    await page.locator(`${spanRow(id('render cart'))} ${tid('span-toggle')}`).click();
    await page.locator(spanRow(id('call payment'))).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=span-details] h2')?.textContent === 'call payment');
    // A late span from a third service, a child of call payment, in the same trace.
    const sdk = new Sdk(serve!.otlpHttp, { 'service.name': 'payment' });
    const payCtx = trace.setSpanContext(context.active(), shop.byName('call payment').spanContext());
    const t0 = Number(shop.byName('call payment').startTime[0]) * 1000 + shop.byName('call payment').startTime[1] / 1e6;
    const late = sdk.tracer('payment').startSpan('POST /charge', { kind: SpanKind.SERVER, startTime: hr(t0 + 5) }, payCtx);
    late.end(hr(t0 + 70));
    await sdk.flush();
    await sdk.shutdown();
    const lateRow = page.locator(spanRow(late.spanContext().spanId));
    await lateRow.waitFor();
    assert.equal(await lateRow.getAttribute('data-depth'), '2');
    assert.equal(await page.locator(spanRow(id('load template'))).count(), 0, 'render cart is still collapsed');
    assert.equal(await page.locator(`${tid('span-row')}[aria-selected=true]`).getAttribute('data-span-id'), id('call payment'), 'the selection stays');
    assert.deepEqual(await page.locator(tid('legend-service')).allTextContents(), ['frontend', 'inventory', 'payment']);
    await screenshot(page, 'waterfall-grown');
  });
});
