// The trace viewer in Chromium against `meshlens serve`, fed by the real OpenTelemetry JS SDK: the
// list, its filters, the waterfall (order, depths, collapse, virtualised scrolling), search with
// next/previous/next error, span details, jump-to-code links, live updates and pause. Selectors are
// the viewer's DOM contract (data-testid); the expectations come from what the SDK recorded.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Browser, Page } from 'playwright-core';
import type { TraceListDto } from '../../src/shared/protocol';
import { ensureBuilt, REPO } from './lib/build';
import { allWaterfallRows, assertNoPageErrors, attrRows, launchBrowser, listedTraceIds, nextFrames, openTrace, openViewer, revealSpanRow, screenshot, spanRow, tid, traceRow, visibleWaterfallRows, waitForListed, setToolkitCheckbox, type ViewerPage } from './lib/browser';
import { expectedRows, feedInteropTrace, feedShopTrace, feedWideTrace, hrNanos, type ShopTrace } from './lib/feed';
import { getJson, startServe, type Serve } from './lib/serve';

const WIDE_CHILDREN = 600;

/** Picks a service in the service filter as a user does: open the dropdown, click the option. */
async function pickService(page: Page, value: string): Promise<void> {
  await page.locator(tid('filter-service')).click();
  await page.locator(`${tid('filter-service')} [role="option"][value="${value}"]`).click();
  await page.waitForFunction(({ sel, value }) => (document.querySelector(sel) as unknown as { value: string } | null)?.value === value, { sel: tid('filter-service'), value });
}

describe('trace viewer in the browser (meshlens serve + OpenTelemetry JS SDK)', function () {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let view: ViewerPage | undefined;
  let page: Page;
  let shop: ShopTrace;
  let interop: ReadableSpan[];
  let wide: { traceId: string; spans: ReadableSpan[] };
  /** Every trace id fed so far, newest first by root start (the SDK's times). */
  let fed: { traceId: string; startNs: bigint }[] = [];

  const rootOf = (spans: readonly ReadableSpan[], traceId: string): ReadableSpan => {
    const r = spans.find((s) => s.spanContext().traceId === traceId && !spans.some((p) => p.spanContext().spanId === s.parentSpanContext?.spanId));
    assert.ok(r, `root of ${traceId}`);
    return r;
  };
  const noteFed = (spans: readonly ReadableSpan[]) => {
    for (const id of new Set(spans.map((s) => s.spanContext().traceId))) fed.push({ traceId: id, startNs: hrNanos(rootOf(spans, id).startTime) });
    fed = fed.sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0));
  };
  const fedIds = () => fed.map((f) => f.traceId);

  before(async function () {
    this.timeout(600_000);
    await ensureBuilt();
    serve = await startServe();
    interop = await feedInteropTrace(serve.otlpHttp);
    shop = await feedShopTrace(serve.otlpHttp, path.join(REPO, 'src', 'cli', 'main.ts'), path.join(REPO, 'src', 'server', 'api.ts'));
    wide = await feedWideTrace(serve.otlpHttp, WIDE_CHILDREN);
    noteFed(interop);
    noteFed(shop.spans);
    noteFed(wide.spans);
    // The harness itself: everything the SDK sent is in the server, newest first.
    const list = await getJson<TraceListDto>(serve, '/api/traces');
    assert.deepEqual(list.traces.map((t) => t.traceId), fedIds(), 'GET /api/traces lists the SDK traces newest first');
    assert.equal(list.traces.find((t) => t.traceId === shop.traceId)?.spanCount, shop.spans.length);
    assert.equal(list.traces.find((t) => t.traceId === wide.traceId)?.spanCount, WIDE_CHILDREN + 1);
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
  });

  afterEach(async () => {
    const v = view;
    view = undefined;
    try {
      assertNoPageErrors(v);
      assert.deepEqual(v?.dialogs ?? [], [], 'no dialogs');
    } finally {
      await v?.page.close();
    }
  });

  it("the list shows the SDK's traces, newest first", async () => {
    const shown = await waitForListed(page, fedIds());
    assert.deepEqual(shown, fedIds());
    const row = page.locator(traceRow(shop.traceId));
    await row.getByText('GET /checkout').first().waitFor();
    await row.getByText('frontend').first().waitFor();
    await screenshot(page, 'list');
  });

  it('the service, text, errors and duration filters narrow the list', async () => {
    const checkoutIds = [...new Set(interop.map((s) => s.spanContext().traceId))];
    const cartTrace = interop.find((s) => s.name === 'GET /cart')!.spanContext().traceId;
    await waitForListed(page, fedIds());
    await pickService(page, 'inventory');
    await waitForListed(page, [shop.traceId]);
    await pickService(page, 'checkout');
    await waitForListed(page, checkoutIds);
    await pickService(page, '');
    await waitForListed(page, fedIds());

    // The toolkit's text fields keep their <input> in an open shadow root; fill() needs the input.
    const text = page.locator(`${tid('filter-text')} input`);
    await text.fill('nightly');
    await waitForListed(page, [wide.traceId]);
    await text.fill('GET /cart');
    await waitForListed(page, [cartTrace]);
    await text.fill('no-such-trace-anywhere');
    await waitForListed(page, []);
    await text.fill('');
    await waitForListed(page, fedIds());

    await setToolkitCheckbox(page, 'filter-errors', true);
    await waitForListed(page, [shop.traceId, cartTrace]);
    await setToolkitCheckbox(page, 'filter-errors', false);
    await waitForListed(page, fedIds());

    // shop 250 ms, wide 80 ms, the interop traces a few ms.
    const minMs = page.locator(`${tid('filter-min-ms')} input`);
    const maxMs = page.locator(`${tid('filter-max-ms')} input`);
    await minMs.fill('60');
    await waitForListed(page, [shop.traceId, wide.traceId]);
    await maxMs.fill('100');
    await waitForListed(page, [wide.traceId]);
    // With a unit: 0.1 s is 100 ms.
    await maxMs.fill('0.1s');
    await waitForListed(page, [wide.traceId]);
    await minMs.fill('');
    await maxMs.fill('');
    await waitForListed(page, fedIds());
  });

  it("a click opens the waterfall: the spans in depth-first order with the SDK's parent/child depths, errors marked", async () => {
    await openTrace(page, shop.traceId, shop.byName('GET /checkout').spanContext().spanId);
    const rows = await allWaterfallRows(page);
    const want = expectedRows(shop.spans);
    assert.deepEqual(rows.map((r) => [r.spanId, r.depth]), want);
    assert.deepEqual(want.map(([, d]) => d), [0, 1, 2, 2, 1, 2, 3, 1], 'the sample has the intended shape');
    const errorIds = shop.spans.filter((s) => s.status.code === SpanStatusCode.ERROR).map((s) => s.spanContext().spanId);
    assert.deepEqual(rows.filter((r) => r.error).map((r) => r.spanId).sort(), errorIds.sort());
    for (const r of rows) {
      const name = shop.spans.find((s) => s.spanContext().spanId === r.spanId)!.name;
      assert.ok(r.text.includes(name), `row ${r.spanId} shows "${name}": ${JSON.stringify(r.text)}`);
    }
    await screenshot(page, 'waterfall');
  });

  it('Enter on a focused trace row opens it too', async () => {
    const cart = interop.find((s) => s.name === 'GET /cart')!;
    await page.locator(traceRow(cart.spanContext().traceId)).focus();
    await page.keyboard.press('Enter');
    await page.locator(spanRow(cart.spanContext().spanId)).waitFor();
    const rows = await allWaterfallRows(page);
    assert.deepEqual(rows.map((r) => [r.spanId, r.depth]), expectedRows(interop.filter((s) => s.spanContext().traceId === cart.spanContext().traceId)));
  });

  it('collapse hides the subtree, expand restores it', async () => {
    const want = expectedRows(shop.spans);
    await openTrace(page, shop.traceId, want[0][0]);
    const render = shop.byName('render cart').spanContext().spanId;
    const hidden = [shop.byName('load template'), shop.byName('format prices')].map((s) => s.spanContext().spanId);
    const toggle = page.locator(`${spanRow(render)} ${tid('span-toggle')}`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator(`${spanRow(hidden[0])} ${tid('span-toggle')}`).count(), 0, 'a leaf has no toggle');
    await toggle.click();
    await page.locator(`${spanRow(render)} ${tid('span-toggle')}[aria-expanded="false"]`).waitFor();
    for (const id of hidden) await page.locator(spanRow(id)).waitFor({ state: 'detached' });
    assert.deepEqual((await allWaterfallRows(page)).map((r) => [r.spanId, r.depth]), want.filter(([id]) => !hidden.includes(id)));
    await page.locator(`${spanRow(render)} ${tid('span-toggle')}`).click();
    await page.locator(`${spanRow(render)} ${tid('span-toggle')}[aria-expanded="true"]`).waitFor();
    for (const id of hidden) await page.locator(spanRow(id)).waitFor();
    assert.deepEqual((await allWaterfallRows(page)).map((r) => [r.spanId, r.depth]), want);
  });

  it('search: next/previous move the selection through the matches; next error lands on the error spans', async () => {
    const order = expectedRows(shop.spans).map(([id]) => id);
    await openTrace(page, shop.traceId, order[0]);
    // fruit=kiwi on three spans: the root, "render cart", "format prices" (display order).
    const kiwi = ['GET /checkout', 'render cart', 'format prices'].map((n) => shop.byName(n).spanContext().spanId);
    assert.deepEqual(order.filter((id) => kiwi.includes(id)), kiwi);
    await page.locator(tid('trace-search')).fill('kiwi');
    const count = page.locator(tid('search-count'));
    await page.waitForFunction((sel) => /\/\s*3\b/.test(document.querySelector(sel)?.textContent ?? ''), tid('search-count'));
    const selected = async (): Promise<string | undefined> => (await visibleWaterfallRows(page)).find((r) => r.selected)?.spanId;
    const waitSelected = (notId: string | undefined) =>
      page.waitForFunction(
        ({ sel, notId }) => {
          const s = document.querySelector(sel);
          return s !== null && s.getAttribute('data-span-id') !== notId;
        },
        { sel: `${tid('span-row')}[aria-selected="true"]`, notId: notId ?? null },
      );
    const position = async () => {
      const m = /(\d+)\s*\/\s*(\d+)/.exec((await count.textContent()) ?? '');
      assert.ok(m, `search count: ${await count.textContent()}`);
      return Number(m[1]);
    };

    const before = await selected();
    await page.locator(tid('search-next')).click();
    await waitSelected(before);
    const s1 = (await selected())!;
    assert.ok(kiwi.includes(s1), `next selects a match (${s1})`);
    const p1 = await position();
    assert.equal(p1, kiwi.indexOf(s1) + 1, 'the count shows the selected match');

    await page.locator(tid('search-next')).click();
    await waitSelected(s1);
    const s2 = (await selected())!;
    assert.equal(s2, kiwi[(kiwi.indexOf(s1) + 1) % 3], 'next moves to the following match in display order');
    assert.equal(await position(), (p1 % 3) + 1);

    await page.locator(tid('search-prev')).click();
    await waitSelected(s2);
    assert.equal(await selected(), s1, 'previous moves back');
    assert.equal(await position(), p1);

    // Every kiwi match comes before the first error in display order.
    const errors = ['SELECT stock', 'call payment'].map((n) => shop.byName(n).spanContext().spanId);
    await page.locator(tid('next-error')).click();
    await waitSelected(s1);
    assert.equal(await selected(), errors[0], 'next error: SELECT stock');
    assert.equal(await page.locator(spanRow(errors[0])).getAttribute('data-error'), 'true');
    await page.locator(tid('next-error')).click();
    await waitSelected(errors[0]);
    assert.equal(await selected(), errors[1], 'next error again: call payment');
  });

  it('span details: span, resource and scope attributes, the event and the log record', async () => {
    const root = shop.byName('GET /checkout');
    await openTrace(page, shop.traceId, root.spanContext().spanId);
    await page.locator(spanRow(root.spanContext().spanId)).click();
    const details = page.locator(tid('span-details'));
    await details.locator(`${tid('attr-row')}[data-key="http.route"]`).waitFor();
    const span = await attrRows(page, 'span-attributes');
    assert.equal(span['http.route'], '/checkout');
    assert.equal(span['http.request.method'], 'GET');
    assert.equal(span.fruit, 'kiwi');
    const resource = await attrRows(page, 'resource-attributes');
    assert.equal(resource['service.name'], 'frontend');
    assert.equal(resource['service.version'], '3.1.0');
    assert.equal(resource['deployment.environment.name'], 'dev');
    await details.locator(tid('scope-attributes')).waitFor();
    assert.match((await details.textContent()) ?? '', /shop-web/, 'the scope name shows');
    const event = details.locator(tid('event'));
    await event.filter({ hasText: 'cache.miss' }).waitFor();
    assert.match((await event.filter({ hasText: 'cache.miss' }).textContent()) ?? '', /cart:17/, 'the event attribute shows');
    await details.locator(tid('log')).filter({ hasText: 'checkout started for cart 17' }).waitFor();
    assert.equal(shop.logs.length, 1);
    assert.equal(shop.logs[0].spanContext?.spanId, root.spanContext().spanId, 'the SDK tied the log record to the root span');
    await screenshot(page, 'details');

    // Another span: the details follow the selection.
    const select = shop.byName('SELECT stock');
    await page.locator(spanRow(select.spanContext().spanId)).click();
    await details.locator(`${tid('attr-row')}[data-key="db.system"]`).waitFor();
    assert.equal((await attrRows(page, 'resource-attributes'))['service.name'], 'inventory');
    assert.equal(await details.locator(tid('log')).count(), 0, 'the root span\'s log is not shown for another span');
  });

  it('jump to code: the link carries the file and line (code.file.path/code.line.number and the old code.filepath/code.lineno)', async () => {
    const root = shop.byName('GET /checkout');
    await openTrace(page, shop.traceId, root.spanContext().spanId);
    const link = page.locator(`${tid('span-details')} ${tid('code-link')}`);
    for (const [name, file, line] of [
      ['GET /checkout', shop.codeFile, shop.codeLine],
      ['GET /stock', shop.legacyCodeFile, shop.legacyCodeLine],
    ] as const) {
      await page.locator(spanRow(shop.byName(name).spanContext().spanId)).click();
      await page.locator(`${tid('span-details')} ${tid('code-link')}[data-file="${file}"]`).waitFor();
      assert.equal(await link.getAttribute('data-file'), file, name);
      assert.equal(await link.getAttribute('data-line'), String(line), name);
      // An absolute POSIX path is the URL's path: vscode://file/work/x.ts:3 (no doubled slash).
      assert.equal(await link.getAttribute('href'), `vscode://file${encodeURI(file)}:${line}`, name);
    }
    await page.locator(spanRow(shop.byName('SELECT stock').spanContext().spanId)).click();
    await page.locator(`${tid('span-details')} ${tid('attr-row')}[data-key="db.system"]`).waitFor();
    assert.equal(await link.count(), 0, 'no code link for a span without code attributes');
  });

  it(`virtualised rows: a ${WIDE_CHILDREN + 1}-span trace renders a window; scrolling reaches every row`, async () => {
    const want = expectedRows(wide.spans);
    await openTrace(page, wide.traceId, want[0][0]);
    const rendered = await page.locator(tid('span-row')).count();
    assert.ok(rendered < want.length / 2, `only the visible rows are in the DOM (${rendered} of ${want.length})`);
    assert.deepEqual((await allWaterfallRows(page)).map((r) => [r.spanId, r.depth]), want);
    const last = await revealSpanRow(page, want[want.length - 1][0]);
    await last.click();
    await page.locator(`${tid('span-details')}`).getByText(`row ${WIDE_CHILDREN - 1}`).first().waitFor();
  });

  it('live: a new trace appears without a reload; pause holds new traces back until resumed', async () => {
    await waitForListed(page, fedIds());
    const live = await feedWideTrace(serve!.otlpHttp, 2, Date.now());
    noteFed(live.spans);
    await page.locator(traceRow(live.traceId)).waitFor();
    assert.deepEqual(await waitForListed(page, fedIds()), fedIds(), 'the new trace is listed first');

    const pause = page.locator(tid('pause'));
    await pause.click();
    await page.locator(`${tid('pause')}[aria-pressed="true"]`).waitFor();
    // A stream of our own in the page: once it has seen the server's change event, so has the viewer's.
    await page.evaluate(() => {
      const w = window as unknown as { __changes: number; __es: EventSource };
      w.__changes = 0;
      w.__es = new EventSource('/api/stream');
      w.__es.addEventListener('changed', () => (w.__changes += 1));
      return new Promise<void>((resolve) => w.__es.addEventListener('open', () => resolve(), { once: true }));
    });
    const held = await feedWideTrace(serve!.otlpHttp, 2, Date.now());
    noteFed(held.spans);
    await page.waitForFunction(() => (window as unknown as { __changes: number }).__changes > 0);
    await nextFrames(page);
    assert.equal(await page.locator(traceRow(held.traceId)).count(), 0, 'paused: the new trace is not listed yet');
    await page.evaluate(() => (window as unknown as { __es: EventSource }).__es.close());

    await pause.click();
    await page.locator(`${tid('pause')}[aria-pressed="false"]`).waitFor();
    await page.locator(traceRow(held.traceId)).waitFor();
    assert.deepEqual(await listedTraceIds(page), fedIds());
  });
});
