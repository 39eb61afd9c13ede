// Every string from spans is rendered as text: span names, attribute keys and values, event names,
// log bodies, the service name and a code path hold classic XSS payloads. Nothing may execute (no
// dialog, window.__xss never set, no element injected, no console error such as a CSP refusal), and
// each payload must show literally in the list, the waterfall and the details.
import * as assert from 'node:assert/strict';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { Browser, Page } from 'playwright-core';
import type { TraceDto, TraceListDto } from '../../src/shared/protocol';
import { ensureBuilt } from './lib/build';
import { allWaterfallRows, assertNoPageErrors, launchBrowser, openTrace, openViewer, revealSpanRow, screenshot, spanRow, tid, traceRow, waitForListed, type ViewerPage } from './lib/browser';
import { expectedRows, hr, Sdk, span } from './lib/feed';
import { getJson, startServe, type Serve } from './lib/serve';

const X = 'window.__xss=1';
/** Classic payloads: tags with handlers, javascript: URLs, attribute and context breakers, template and entity tricks. */
export const PAYLOADS: readonly string[] = [
  `<script>${X};alert(1)</script>`,
  `<img src=x data-xss onerror="${X};alert(1)">`,
  `<svg data-xss onload="${X};alert(1)">`,
  `<svg><script>${X};alert(1)</script></svg>`,
  `javascript:${X};alert(1)`,
  `JaVaScRiPt:alert(document.domain)`,
  `"><script>${X}</script>`,
  `'><img src=x data-xss onerror=alert(1)>`,
  `" onmouseover="${X}" data-xss="`,
  `' autofocus onfocus='${X}' data-xss='`,
  '${alert(1)}',
  '`;window.__xss=1;`',
  `{{constructor.constructor('${X}')()}}`,
  `&lt;script&gt;${X}&lt;/script&gt;`,
  '&#60;img src=x onerror=alert(1)&#62;',
  '<img src=x data-xss onerror=&#97;&#108;&#101;&#114;&#116;(1)>',
  `<iframe data-xss src="javascript:${X}"></iframe>`,
  `<iframe data-xss srcdoc="<script>parent.${X}</script>"></iframe>`,
  `<a data-xss href="javascript:${X}">click me</a>`,
  `<body data-xss onload="${X}">`,
  `<details data-xss open ontoggle="${X}">`,
  `<input data-xss autofocus onfocus="${X}">`,
  `<video data-xss><source onerror="${X}"></video>`,
  `<object data-xss data="javascript:${X}"></object>`,
  `<embed data-xss src="javascript:${X}">`,
  `<marquee data-xss onstart="${X}">x</marquee>`,
  `<div data-xss style="background:url(javascript:${X})">`,
  `<style>@import 'javascript:alert(1)';</style>`,
  `</textarea><script>${X}</script>`,
  `</title><script>${X}</script>`,
  `<!--<img src=x data-xss onerror=alert(1)>-->`,
  `<scr<script>ipt>${X}</scr</script>ipt>`,
  '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e',
  '%3Cscript%3Ealert(1)%3C/script%3E',
  `data:text/html,<script>${X}</script>`,
  `<meta data-xss http-equiv="refresh" content="0;url=javascript:${X}">`,
  `<base data-xss href="javascript:alert(1)//">`,
  `<math><mtext></p><img src=x data-xss onerror=alert(1)></mtext></math>`,
  `<template><img src=x data-xss onerror=alert(1)></template>`,
];

const SERVICE = `xss-svc<img src=x data-xss onerror="${X}">`;
const ROOT = `<script>${X}</script> root`;
const CODE_FILE = `/tmp/"><img src=x data-xss onerror=alert(1)>.ts`;

describe('trace viewer: strings from spans are text, never HTML (XSS)', function () {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let view: ViewerPage | undefined;
  let page: Page;
  let traceId: string;
  let rootId: string;
  /** [spanId, depth] in display order. */
  let rows: [string, number][];
  const payloadOf = new Map<string, string>();

  before(async function () {
    this.timeout(600_000);
    assert.ok(PAYLOADS.length >= 30);
    await ensureBuilt();
    serve = await startServe();
    const sdk = new Sdk(serve.otlpHttp, { 'service.name': SERVICE, [PAYLOADS[6]]: PAYLOADS[1] });
    const t0 = Date.now() - 10_000;
    const tracer = sdk.tracer(`scope ${PAYLOADS[2]}`, '1.0.0');
    const logger = sdk.logs.getLogger('xss-logs');
    const root = span(tracer, ROOT, undefined, t0, { kind: SpanKind.SERVER, attributes: { 'code.file.path': CODE_FILE, 'code.line.number': 1 } });
    traceId = root.spanContext().traceId;
    rootId = root.spanContext().spanId;
    payloadOf.set(rootId, ROOT);
    PAYLOADS.forEach((p, i) => {
      const s = span(tracer, p, root, t0 + 1 + i, { attributes: { [p]: p, 'xss.index': i } });
      s.addEvent(p, { [`event ${p}`]: p }, hr(t0 + 1.2 + i));
      logger.emit({ context: trace.setSpan(context.active(), s), timestamp: hr(t0 + 1.3 + i), severityNumber: SeverityNumber.WARN, body: p, attributes: { [p]: p } });
      s.end(hr(t0 + 1.9 + i));
      payloadOf.set(s.spanContext().spanId, p);
    });
    root.end(hr(t0 + PAYLOADS.length + 5));
    const { spans, logs } = await sdk.flush();
    await sdk.shutdown();
    rows = expectedRows(spans);
    assert.equal(logs.length, PAYLOADS.length);
    const list = await getJson<TraceListDto>(serve, '/api/traces');
    assert.deepEqual(list.traces.map((t) => [t.traceId, t.rootName, t.rootServiceName, t.spanCount]), [[traceId, ROOT, SERVICE, PAYLOADS.length + 1]]);
    const stored = await getJson<TraceDto>(serve, `/api/traces/${traceId}`);
    assert.equal(stored.spans.reduce((n, s) => n + s.logs.length, 0), PAYLOADS.length, 'every log record arrived, tied to its span');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  beforeEach(async () => {
    view = await openViewer(browser!, serve!.viewer);
    page = view.page;
  });

  afterEach(async () => {
    const v = view;
    view = undefined;
    try {
      if (v) {
        await assertNothingRan(v);
        assertNoPageErrors(v);
      }
    } finally {
      await v?.page.close();
    }
  });

  async function assertNothingRan(v: ViewerPage): Promise<void> {
    assert.deepEqual(v.dialogs, [], 'no alert/confirm/prompt was opened');
    const state = await v.page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      injected: Array.from(document.querySelectorAll('[data-xss], script:not([src]), iframe, object, embed, meta[http-equiv="refresh"], base')).map((e) => e.outerHTML.slice(0, 120)),
      url: location.href,
    }));
    assert.equal(state.xss, undefined, 'window.__xss was never set');
    assert.deepEqual(state.injected, [], 'no element came from span data');
    assert.equal(state.url.startsWith(serve!.viewer), true, `the page did not navigate: ${state.url}`);
  }

  it('the list shows the root name and service literally', async () => {
    await waitForListed(page, [traceId]);
    const row = page.locator(traceRow(traceId));
    const text = (await row.textContent()) ?? '';
    assert.ok(text.includes(ROOT), `root name literally in ${JSON.stringify(text)}`);
    assert.ok(text.includes(SERVICE), `service literally in ${JSON.stringify(text)}`);
    const options = await page.locator(`${tid('filter-service')} [role="option"]`).evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    assert.ok(options.includes(SERVICE), 'the service filter offers the service by its literal name');
    await screenshot(page, 'xss-list');
  });

  it(`the waterfall shows all ${PAYLOADS.length} payload span names literally`, async () => {
    await openTrace(page, traceId, rootId);
    const got = await allWaterfallRows(page);
    assert.deepEqual(got.map((r) => [r.spanId, r.depth]), rows);
    for (const r of got) {
      const p = payloadOf.get(r.spanId)!;
      assert.ok(r.text.includes(p), `row shows ${JSON.stringify(p)} literally: ${JSON.stringify(r.text)}`);
    }
    await screenshot(page, 'xss-waterfall');
  });

  it('the details show attribute keys and values, event names and log bodies literally; the code link stays vscode://', async () => {
    await openTrace(page, traceId, rootId);
    const details = page.locator(tid('span-details'));
    for (const [spanId] of rows.slice(1)) {
      const p = payloadOf.get(spanId)!;
      await (await revealSpanRow(page, spanId)).click();
      // The details are for this span once its own attribute row is there.
      await page.waitForFunction(
        ({ sel, key }) => Array.from(document.querySelectorAll(sel)).some((e) => e.getAttribute('data-key') === key),
        { sel: `${tid('span-details')} ${tid('span-attributes')} ${tid('attr-row')}`, key: p },
      );
      const seen = await details.evaluate(
        (el, { key }) => {
          const attr = Array.from(el.querySelectorAll('[data-testid="span-attributes"] [data-testid="attr-row"]')).find((e) => e.getAttribute('data-key') === key);
          return {
            value: attr?.querySelector('.value')?.textContent ?? null,
            attrText: attr?.textContent ?? '',
            events: Array.from(el.querySelectorAll('[data-testid="event"]')).map((e) => e.textContent ?? ''),
            logs: Array.from(el.querySelectorAll('[data-testid="log"]')).map((e) => e.textContent ?? ''),
          };
        },
        { key: p },
      );
      const where = JSON.stringify(p);
      assert.equal(seen.value, p, `attribute value ${where}`);
      assert.ok(seen.attrText.includes(p), `attribute key ${where} shows`);
      assert.equal(seen.events.length, 1, where);
      assert.ok(seen.events[0].includes(p), `event name ${where}: ${JSON.stringify(seen.events[0])}`);
      assert.ok(seen.events[0].includes(`event ${p}`), `event attribute key ${where}`);
      assert.equal(seen.logs.length, 1, where);
      assert.ok(seen.logs[0].includes(p), `log body ${where}: ${JSON.stringify(seen.logs[0])}`);
      if (spanId === rows[3][0]) await screenshot(page, 'xss-details');
    }
    await (await revealSpanRow(page, rootId)).click();
    const link = details.locator(tid('code-link'));
    await link.waitFor();
    assert.equal(await link.getAttribute('data-file'), CODE_FILE);
    const href = (await link.getAttribute('href')) ?? '';
    assert.ok(href.startsWith('vscode://file/'), `code link scheme: ${href}`);
    await page.locator(spanRow(rootId)).waitFor();
  });
});
