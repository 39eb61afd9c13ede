// The trace list in Chromium against `meshlens serve`, fed by the OpenTelemetry JS SDK: the operation
// and attribute filters (and the message for a malformed one, with no query sent), the duration
// scatter (one point per listed trace, placed by start and duration, a click opens the trace), the
// keyboard (one tab stop, arrows, Home/End, Enter, `/`, Esc), accessible names, and the toolkit's
// controls in the browser's light and dark schemes.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Browser, Page } from 'playwright-core';
import type { TraceListDto, TraceQueryDto } from '../../src/shared/protocol';
import { ensureBuilt, REPO } from './lib/build';
import { assertNoPageErrors, launchBrowser, listedTraceIds, openViewer, screenshot, spanRow, tid, traceRow, waitForListed, setToolkitCheckbox, type ViewerPage } from './lib/browser';
import { feedInteropTrace, feedShopTrace, feedWideTrace, hr, hrNanos, Sdk, span, type ShopTrace } from './lib/feed';
import { getJson, startServe, type Serve } from './lib/serve';

interface Fed {
  traceId: string;
  rootSpanId: string;
  startNs: bigint;
}

/** `count` one-span traces of service "api", spread over the 10 minutes before the other traces, 1 to 400 ms, every fifth an error. */
async function feedApiTraces(otlpHttp: string, count: number): Promise<ReadableSpan[]> {
  const sdk = new Sdk(otlpHttp, { 'service.name': 'api' });
  try {
    const tracer = sdk.tracer('api-http', '2.0.0');
    const t0 = Date.now() - 12 * 60_000;
    for (let i = 0; i < count; i++) {
      const start = t0 + i * (8 * 60_000 / count);
      const ms = Math.round(1 + (399 * ((i * 7) % count)) / (count - 1));
      const s = span(tracer, 'GET /items/{id}', undefined, start, { kind: SpanKind.SERVER, attributes: { tenant: i % 2 ? 'globex' : 'acme', 'http.route': '/items/{id}' } });
      if (i % 5 === 4) s.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      s.end(hr(start + ms));
    }
    return (await sdk.flush()).spans;
  } finally {
    await sdk.shutdown();
  }
}

describe('trace list: filters, scatter and keyboard (meshlens serve + OpenTelemetry JS SDK)', function () {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let view: ViewerPage | undefined;
  let page: Page;
  let shop: ShopTrace;
  let interop: ReadableSpan[];
  let wide: { traceId: string; spans: ReadableSpan[] };
  let api: ReadableSpan[];
  /** Every trace fed, newest first. */
  let fed: Fed[] = [];
  /** The `query` params the page sent, in order. */
  let queries: TraceQueryDto[] = [];

  const note = (spans: readonly ReadableSpan[]) => {
    const ids = new Set(spans.map((s) => s.spanContext().spanId));
    for (const s of spans) {
      if (s.parentSpanContext && ids.has(s.parentSpanContext.spanId)) continue;
      fed.push({ traceId: s.spanContext().traceId, rootSpanId: s.spanContext().spanId, startNs: hrNanos(s.startTime) });
    }
    fed = fed.sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0));
  };
  const fedIds = () => fed.map((f) => f.traceId);
  const traceOfSpan = (spans: readonly ReadableSpan[], name: string) => spans.find((s) => s.name === name)!.spanContext().traceId;
  const field = (id: string) => page.locator(`${tid(id)} input`);

  before(async function () {
    this.timeout(600_000);
    await ensureBuilt();
    serve = await startServe();
    api = await feedApiTraces(serve.otlpHttp, 20);
    interop = await feedInteropTrace(serve.otlpHttp);
    shop = await feedShopTrace(serve.otlpHttp, path.join(REPO, 'src', 'cli', 'main.ts'), path.join(REPO, 'src', 'server', 'api.ts'));
    wide = await feedWideTrace(serve.otlpHttp, 3);
    for (const spans of [api, interop, shop.spans, wide.spans]) note(spans);
    const list = await getJson<TraceListDto>(serve, '/api/traces');
    assert.deepEqual(list.traces.map((t) => t.traceId), fedIds(), 'the server holds what the SDK sent');
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
    queries = [];
    page.on('request', (r) => {
      if (!r.url().endsWith('/api/rpc')) return;
      const body = JSON.parse(r.postData() ?? '{}') as { method?: string; params?: TraceQueryDto };
      if (body.method === 'query') queries.push(body.params ?? {});
    });
    await waitForListed(page, fedIds());
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

  it('the operation filter lists the traces with a span of that exact name, root or not', async () => {
    const op = field('filter-operation');
    await op.fill('GET /stock');
    await waitForListed(page, [shop.traceId]);
    await op.fill('GET /cart');
    await waitForListed(page, [traceOfSpan(interop, 'GET /cart')]);
    await op.fill('GET /item');
    await waitForListed(page, []);
    await op.fill('GET /items/{id}');
    await waitForListed(page, [...new Set(api.map((s) => s.spanContext().traceId))]);
    await op.fill('');
    await waitForListed(page, fedIds());
    assert.equal(queries.at(-1)?.operation, undefined, 'an empty field is no filter');
  });

  it('the attribute filter takes space-separated key=value pairs (span or resource attributes, all must match)', async () => {
    const attrs = field('filter-attributes');
    await attrs.fill('fruit=kiwi');
    await waitForListed(page, [shop.traceId]);
    await attrs.fill('fruit=kiwi db.system=mysql');
    await waitForListed(page, []);
    await attrs.fill('fruit=kiwi db.system=postgresql');
    await waitForListed(page, [shop.traceId]);
    assert.deepEqual(queries.at(-1)?.attributes, [
      { key: 'fruit', value: 'kiwi' },
      { key: 'db.system', value: 'postgresql' },
    ]);
    // A resource attribute: the service name.
    await attrs.fill('service.name=batch');
    await waitForListed(page, [wide.traceId]);
    const acme = fed.filter((f) => api.some((s) => s.spanContext().traceId === f.traceId && s.attributes.tenant === 'acme')).map((f) => f.traceId);
    assert.equal(acme.length, 10);
    await attrs.fill('tenant="acme"');
    await waitForListed(page, acme);
    await attrs.fill('');
    await waitForListed(page, fedIds());
  });

  it('a malformed attribute filter shows a message next to the field and sends no query until it is fixed', async () => {
    const attrs = field('filter-attributes');
    const problem = page.locator(tid('filter-error'));
    assert.equal(await problem.isVisible(), false, 'no message to begin with');
    await attrs.fill('fruit');
    await problem.getByText('"fruit" is not key=value').waitFor();
    assert.equal(await page.locator(tid('filter-attributes')).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator(tid('filter-attributes')).getAttribute('aria-describedby'), await problem.getAttribute('id'));
    const sent = queries.length;
    // Any other change would query at once; with a malformed field it must not.
    await setToolkitCheckbox(page, 'filter-errors', true);
    await attrs.fill('fruit=');
    await problem.getByText('"fruit=" has no value').waitFor();
    await screenshot(page, 'list-filter-error');
    assert.deepEqual(await listedTraceIds(page), fedIds(), 'the list still shows the last good query');

    await attrs.fill('fruit=kiwi');
    await problem.waitFor({ state: 'hidden' });
    await waitForListed(page, [shop.traceId]);
    assert.equal(await page.locator(tid('filter-attributes')).getAttribute('aria-invalid'), null);
    const after = queries.slice(sent);
    assert.ok(after.length > 0, 'the fix was queried');
    for (const q of after) assert.deepEqual({ attributes: q.attributes, error: q.error }, { attributes: [{ key: 'fruit', value: 'kiwi' }], error: true }, 'no query went out while the field was malformed');

    // The duration fields say so too.
    await field('filter-min-ms').fill('fast');
    await problem.getByText('"fast" is not a duration').waitFor();
    await field('filter-min-ms').fill('1s');
    await field('filter-max-ms').fill('10ms');
    await problem.getByText('Min duration is above max duration').waitFor();
    await field('filter-min-ms').fill('');
    await problem.waitFor({ state: 'hidden' });
  });

  it('the scatter has one point per listed trace, placed by start time and duration, errors marked; a click opens the trace', async () => {
    const summaries = (await getJson<TraceListDto>(serve!, '/api/traces')).traces;
    const points = page.locator(tid('scatter-point'));
    const pointInfo = () =>
      points.evaluateAll((els) =>
        els.map((e) => ({ id: e.getAttribute('data-trace-id')!, cx: Number(e.getAttribute('cx')), cy: Number(e.getAttribute('cy')), error: e.classList.contains('error'), title: e.querySelector('title')?.textContent ?? '' })),
      );
    let info = await pointInfo();
    assert.deepEqual(info.map((p) => p.id).sort(), fedIds().sort(), 'a point per trace in the list');
    // 0.3 ms to 400 ms: the duration axis is logarithmic.
    assert.equal(await page.locator(tid('scatter')).getAttribute('data-y-scale'), 'log');
    const byId = new Map(summaries.map((t) => [t.traceId, t]));
    for (const p of info) {
      const t = byId.get(p.id)!;
      assert.equal(p.error, t.hasError, `${p.id} error colour`);
      assert.ok(p.title.includes(t.rootName) && p.title.includes(t.rootServiceName), `title names the trace: ${JSON.stringify(p.title)}`);
    }
    // Later is further right; longer is higher (smaller y), as the SDK recorded them.
    const byStart = [...summaries].sort((a, b) => a.startUnixMs - b.startUnixMs).map((t) => info.find((p) => p.id === t.traceId)!.cx);
    assert.deepEqual(byStart, [...byStart].sort((a, b) => a - b), 'x follows the start time');
    const byDuration = [...summaries].sort((a, b) => a.durationMs - b.durationMs).map((t) => info.find((p) => p.id === t.traceId)!.cy);
    assert.deepEqual(byDuration, [...byDuration].sort((a, b) => b - a), 'y follows the duration');
    await screenshot(page, 'list-scatter');

    // The points follow the list's filters.
    await setToolkitCheckbox(page, 'filter-errors', true);
    const errorIds = summaries.filter((t) => t.hasError).map((t) => t.traceId);
    await waitForListed(page, errorIds);
    await page.waitForFunction(({ sel, n }) => document.querySelectorAll(sel).length === n, { sel: tid('scatter-point'), n: errorIds.length });
    info = await pointInfo();
    assert.deepEqual(info.map((p) => p.id).sort(), [...errorIds].sort());
    assert.ok(info.every((p) => p.error));

    await page.locator(`${tid('scatter-point')}[data-trace-id="${shop.traceId}"]`).click();
    await page.locator(spanRow(shop.byName('GET /checkout').spanContext().spanId)).waitFor();
    await page.locator(`${traceRow(shop.traceId)}[aria-selected="true"]`).waitFor();
    await page.locator(`${tid('scatter-point')}.selected[data-trace-id="${shop.traceId}"]`).waitFor();
  });

  it('keyboard: the rows are one tab stop; arrows, Home and End move; Enter opens the trace', async () => {
    const ids = await listedTraceIds(page);
    const focusedRow = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('data-trace-id') ?? null);
    // From the last column header, Tab lands on the first row ...
    await page.locator('th[data-column="duration"] button').focus();
    await page.keyboard.press('Tab');
    assert.equal(await focusedRow(), ids[0]);
    assert.equal(await page.locator(`${tid('trace-row')}[tabindex="0"]`).count(), 1, 'one row in the tab order');
    // ... and the next Tab leaves the table instead of walking the rows.
    await page.keyboard.press('Tab');
    assert.equal(await focusedRow(), null);
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focusedRow(), ids[0], 'Shift+Tab comes back to the same row');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedRow(), ids[2]);
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedRow(), ids[1]);
    await page.keyboard.press('End');
    assert.equal(await focusedRow(), ids[ids.length - 1]);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedRow(), ids[ids.length - 1], 'the last row stays');
    await page.keyboard.press('Home');
    assert.equal(await focusedRow(), ids[0]);
    assert.equal(await page.locator(`${tid('trace-row')}[tabindex="0"]`).getAttribute('data-trace-id'), ids[0], 'the tab stop moves with the focus');

    const target = ids.indexOf(shop.traceId);
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await focusedRow(), shop.traceId);
    await page.keyboard.press('Enter');
    await page.locator(spanRow(shop.byName('GET /checkout').spanContext().spanId)).waitFor();
    await page.locator(`${traceRow(shop.traceId)}[aria-selected="true"]`).waitFor();
    assert.equal(await page.locator(`${tid('trace-row')}[aria-selected="true"]`).count(), 1);
  });

  it('keyboard: a live update keeps the focus on the same trace; the new trace gets a point', async () => {
    const ids = await listedTraceIds(page);
    await page.locator(traceRow(ids[2])).focus();
    await page.keyboard.press('ArrowDown');
    // Not another "nightly import": the other tests look that one up by name.
    const sdk = new Sdk(serve!.otlpHttp, { 'service.name': 'late' });
    const tracer = sdk.tracer('late', '1.0.0');
    const t0 = Date.now();
    span(tracer, 'late arrival', undefined, t0).end(hr(t0 + 3));
    const spans = (await sdk.flush()).spans;
    await sdk.shutdown();
    const live = { traceId: spans[0].spanContext().traceId };
    note(spans);
    await waitForListed(page, fedIds());
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-trace-id')), ids[3], 'still on the row it was on');
    assert.equal(await page.locator(`${tid('trace-row')}[tabindex="0"]`).getAttribute('data-trace-id'), ids[3]);
    await page.locator(`${tid('scatter-point')}[data-trace-id="${live.traceId}"]`).waitFor();
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-trace-id')), live.traceId, 'the new trace is first');
  });

  it('keyboard: / goes to the search field (not while typing in a field), Esc in a field returns to the list', async () => {
    const ids = await listedTraceIds(page);
    const activeTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    await page.locator(traceRow(ids[1])).focus();
    await page.keyboard.press('/');
    assert.equal(await activeTestId(), 'filter-text');
    await page.keyboard.type('nightly');
    await waitForListed(page, [wide.traceId]);
    assert.equal(await field('filter-text').inputValue(), 'nightly', 'the / itself was not typed');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-trace-id')), wide.traceId, 'Esc: back to the list');

    // In a field, / is a character.
    await field('filter-text').fill('');
    await waitForListed(page, fedIds());
    await field('filter-operation').focus();
    await page.keyboard.type('GET /cart');
    assert.equal(await field('filter-operation').inputValue(), 'GET /cart');
    assert.equal(await activeTestId(), 'filter-operation');
    await waitForListed(page, [traceOfSpan(interop, 'GET /cart')]);
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-trace-id')), traceOfSpan(interop, 'GET /cart'));
  });

  it('the filters survive a reload (the saved state shows in the controls and is queried again)', async () => {
    await page.locator(tid('filter-service')).click();
    await page.locator(`${tid('filter-service')} [role="option"][value="inventory"]`).click();
    await waitForListed(page, [shop.traceId]);
    await field('filter-operation').fill('SELECT stock');
    await field('filter-attributes').fill('db.system=postgresql note="a \\"b\\" c"');
    await waitForListed(page, []);
    await field('filter-attributes').fill('db.system="postgresql"');
    await field('filter-min-ms').fill('300ms');
    await waitForListed(page, []);
    // A change of the list shows the last query was answered (the state is saved with its answer).
    await field('filter-min-ms').fill('0.2s');
    await waitForListed(page, [shop.traceId]);
    const before = queries.length;
    await page.reload();
    await waitForListed(page, [shop.traceId]);
    assert.ok(queries.length > before);
    assert.deepEqual(queries[before], { service: 'inventory', operation: 'SELECT stock', attributes: [{ key: 'db.system', value: 'postgresql' }], minMs: 200, limit: 500 }, 'the first query after the reload has every filter');
    const shown = await page.evaluate(() =>
      ['filter-service', 'filter-operation', 'filter-attributes', 'filter-min-ms'].map((id) => (document.querySelector(`[data-testid="${id}"]`) as unknown as { value: string }).value),
    );
    assert.deepEqual(shown, ['inventory', 'SELECT stock', 'db.system=postgresql', '200']);
    assert.equal(await page.locator(tid('filter-service')).evaluate((e) => e.shadowRoot?.querySelector('.selected-value')?.textContent?.trim()), 'inventory', 'the dropdown shows the restored service');
    await field('filter-min-ms').fill('300ms');
    await waitForListed(page, []);
  });

  it('every control has an accessible name', async () => {
    const named: [Parameters<Page['getByRole']>[0], string][] = [
      ['combobox', 'Service'],
      ['textbox', 'Operation (exact span name)'],
      ['textbox', 'Attributes: key=value pairs separated by spaces; quote values with spaces'],
      ['textbox', 'Minimum duration (ms, or with a unit: 500us, 1.5s)'],
      ['textbox', 'Maximum duration (ms, or with a unit: 500us, 1.5s)'],
      ['checkbox', 'Errors only'],
      ['textbox', 'Search traces (text, trace id, operation; press / to come here)'],
      ['button', 'Pause'],
      ['grid', 'Traces'],
      ['img', `Duration over start time of the ${fed.length} listed traces`],
    ];
    for (const [role, name] of named) assert.equal(await page.getByRole(role, { name, exact: true }).count(), 1, `${role} "${name}"`);
    for (const title of ['Start', 'Service', 'Operation', 'Spans', 'Services', 'Errors', 'Duration']) {
      assert.equal(await page.locator('thead').getByRole('button', { name: title, exact: true }).count(), 1, `sort button ${title}`);
    }
  });

  it('the toolkit controls take the browser theme: light and dark fallbacks for the VS Code colours', async () => {
    const colours = () =>
      page.evaluate(() => {
        // No named functions in here: the test runner's compiler would wrap them in a helper the page lacks.
        const [text, service, pause] = ['filter-text', 'filter-service', 'pause'].map((id) => document.querySelector(`[data-testid="${id}"]`)!);
        const fieldBox = text.shadowRoot!.querySelector('.root')!;
        return {
          field: getComputedStyle(fieldBox).backgroundColor,
          fieldText: getComputedStyle(fieldBox).color,
          dropdown: getComputedStyle(service).backgroundColor,
          button: getComputedStyle(pause).backgroundColor,
        };
      });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid="filter-text"]')!.shadowRoot!.querySelector('.root')!).backgroundColor === 'rgb(255, 255, 255)');
    assert.deepEqual(await colours(), { field: 'rgb(255, 255, 255)', fieldText: 'rgb(59, 59, 59)', dropdown: 'rgb(255, 255, 255)', button: 'rgb(229, 229, 229)' });
    await page.emulateMedia({ colorScheme: 'dark' });
    // The toolkit reads the variables again when the scheme flips.
    await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid="filter-text"]')!.shadowRoot!.querySelector('.root')!).backgroundColor === 'rgb(49, 49, 49)');
    assert.deepEqual(await colours(), { field: 'rgb(49, 49, 49)', fieldText: 'rgb(204, 204, 204)', dropdown: 'rgb(49, 49, 49)', button: 'rgb(49, 49, 49)' });
    await screenshot(page, 'list-scatter-dark');
  });
});
