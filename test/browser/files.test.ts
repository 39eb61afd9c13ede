// Trace files and code links in the browser viewer (`meshlens serve`), with traces recorded by the
// real OpenTelemetry JS SDK: Export downloads the open trace's OTLP/JSON (which imports back to the
// SDK's spans), Open takes a file the SDK's own OTLP/JSON serializer wrote and shows its trace, a
// broken file is refused naming the file and the line, and the frames of exception stack traces
// render as links with the right file and line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Browser, Page } from 'playwright-core';
import type { TraceFileImportDto, ViewerResponse } from '../../src/shared/protocol';
import { importTraceFile } from '../../src/core/trace';
import { ensureBuilt } from './lib/build';
import { assertNoPageErrors, launchBrowser, openTrace, openViewer, screenshot, spanRow, tid, traceRow, vscodeApiStub, type ViewerPage } from './lib/browser';
import { tracesRequest } from '../unit/trace/helpers';
import { hr, hrNanos, Sdk, span } from './lib/feed';
import { startServe, type Serve } from './lib/serve';

/** A Node stack as V8 prints it, from a container: absolute frames, a file:// frame, runtime frames. */
const NODE_STACK = [
  'Error: cart 17 is locked',
  '    at lockCart (/app/services/cart/src/handlers.ts:42:11)',
  '    at Array.map (<anonymous>)',
  '    at async checkout (file:///app/services/cart/src/main.mjs:8:3)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
].join('\n');
const JAVA_STACK = ['java.lang.IllegalStateException: stock row locked', '\tat com.shop.stock.StockDao.reserve(StockDao.java:88)', '\tat java.base/java.lang.Thread.run(Thread.java:833)'].join('\n');

/** One trace: checkout (SERVER) -> reserve stock (CLIENT, an exception with a Node stack, and one with a Java stack). */
async function feedExceptionTrace(otlpHttp: string, t0: number): Promise<{ traceId: string; spans: ReadableSpan[]; failing: ReadableSpan }> {
  const sdk = new Sdk(otlpHttp, { 'service.name': 'cart' });
  try {
    const tracer = sdk.tracer('cart-http', '1.0.0');
    const root = span(tracer, 'POST /checkout', undefined, t0, { kind: SpanKind.SERVER, attributes: { 'http.route': '/checkout' } });
    const reserve = span(tracer, 'reserve stock', root, t0 + 5, { kind: SpanKind.CLIENT, attributes: { 'code.file.path': '/app/services/cart/src/handlers.ts', 'code.line.number': 40 } });
    const err = new Error('cart 17 is locked');
    err.stack = NODE_STACK;
    reserve.recordException(err, hr(t0 + 9));
    reserve.addEvent('exception', { 'exception.type': 'java.lang.IllegalStateException', 'exception.stacktrace': JAVA_STACK }, hr(t0 + 10));
    reserve.setStatus({ code: SpanStatusCode.ERROR, message: 'cart 17 is locked' });
    reserve.end(hr(t0 + 12));
    root.end(hr(t0 + 20));
    const { spans } = await sdk.flush();
    return { traceId: root.spanContext().traceId, spans, failing: spans.find((s) => s.name === 'reserve stock')! };
  } finally {
    await sdk.shutdown();
  }
}

/** A trace recorded by the SDK but never sent: the file is the SDK's own OTLP/JSON serialization. */
async function sdkTraceFile(dir: string, t0: number): Promise<{ file: string; traceId: string; spans: ReadableSpan[] }> {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'billing' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  try {
    const tracer = provider.getTracer('billing-jobs');
    const root = span(tracer, 'nightly invoices', undefined, t0, { kind: SpanKind.INTERNAL, attributes: { 'job.id': 'inv-2026-11' } });
    span(tracer, 'render invoice', root, t0 + 3).end(hr(t0 + 40));
    root.end(hr(t0 + 50));
    await provider.forceFlush();
    const spans = [...memory.getFinishedSpans()];
    const file = path.join(dir, 'billing-trace.json');
    fs.writeFileSync(file, new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));
    return { file, traceId: root.spanContext().traceId, spans };
  } finally {
    await provider.shutdown();
  }
}

describe('trace files and code links in the browser (meshlens serve)', function () {
  let serve: Serve | undefined;
  let browser: Browser | undefined;
  let view: ViewerPage | undefined;
  let page: Page;
  let dir: string;
  let failing: Awaited<ReturnType<typeof feedExceptionTrace>>;
  /** Console lines the browser itself writes for a 4xx answer; a test that expects one removes it. */
  const expectHttpError = (status: number, pathPart: string) => {
    const i = view!.errors.findIndex((e) => e.includes(`status of ${status}`) && e.includes(pathPart));
    assert.ok(i >= 0, `the browser logged the ${status} of ${pathPart}; logged: ${view!.errors.join(' | ')}`);
    view!.errors.splice(i, 1);
  };

  before(async function () {
    this.timeout(600_000);
    await ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-files-'));
    serve = await startServe();
    failing = await feedExceptionTrace(serve.otlpHttp, Date.now() - 30_000);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    const code = await serve?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
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

  it('Export is disabled until a trace is open, then downloads its OTLP/JSON, which imports back to the SDK spans', async () => {
    const exportButton = page.getByRole('button', { name: 'Export trace' });
    assert.equal(await exportButton.isDisabled(), true, 'nothing to export before a trace is open');
    const root = failing.spans.find((s) => s.name === 'POST /checkout')!;
    await openTrace(page, failing.traceId, root.spanContext().spanId);
    await page.waitForFunction((sel) => !(document.querySelector(sel) as HTMLButtonElement).disabled, tid('export-trace'));
    const [download] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
    assert.equal(download.suggestedFilename(), `trace-${failing.traceId}.json`);
    const saved = path.join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    const back = importTraceFile(fs.readFileSync(saved, 'utf8'), saved);
    assert.equal(back.format, 'otlp-json');
    const key = (traceId: string, spanId: string, parent: string | undefined, name: string, startNs: bigint) => `${traceId} ${spanId} ${parent ?? '-'} ${name} ${startNs}`;
    assert.deepEqual(
      back.spans.map((s) => key(s.traceId, s.spanId, s.parentSpanId, s.name, s.startUnixNano)).sort(),
      failing.spans.map((s) => key(s.spanContext().traceId, s.spanContext().spanId, s.parentSpanContext?.spanId, s.name, hrNanos(s.startTime))).sort(),
    );
    const events = back.spans.find((s) => s.name === 'reserve stock')!.events;
    assert.equal(events[0].attributes.get('exception.stacktrace'), NODE_STACK, 'the stack trace survives the round trip');
  });

  it('Open trace file while the list is paused: the trace opens though the list does not show it yet', async () => {
    await page.locator(tid('pause')).click();
    const made = await sdkTraceFile(dir, Date.now() - 5_000);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Open trace file' }).click()]);
    await chooser.setFiles(made.file);
    const root = made.spans.find((s) => s.name === 'nightly invoices')!;
    await page.locator(`${tid('waterfall')} ${spanRow(root.spanContext().spanId)}`).waitFor();
    assert.equal(await page.locator(traceRow(made.traceId)).count(), 0, 'Pause holds the list back');
    assert.equal(await page.locator(tid('export-trace')).isDisabled(), false, 'the opened trace can be exported');
    await page.locator(tid('pause')).click();
    await page.locator(traceRow(made.traceId)).waitFor();
  });

  it('Open trace file: a file the SDK serialized is imported, listed by the live update and opened', async () => {
    const made = await sdkTraceFile(dir, Date.now() - 10_000);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Open trace file' }).click()]);
    await chooser.setFiles(made.file);
    const root = made.spans.find((s) => s.name === 'nightly invoices')!;
    await page.locator(`${tid('waterfall')} ${spanRow(root.spanContext().spanId)}`).waitFor();
    await page.locator(`${tid('waterfall')} ${spanRow(made.spans.find((s) => s.name === 'render invoice')!.spanContext().spanId)}`).waitFor();
    assert.equal(await page.locator(traceRow(made.traceId)).getAttribute('aria-selected'), 'true', 'the imported trace is the open one in the list');
    assert.equal(await page.locator(tid('file-status')).textContent(), 'Imported billing-trace.json: 1 trace, 2 spans, 0 logs.');
    await screenshot(page, 'files-opened');
  });

  it('Open trace file: a broken file is refused with its name and line, and nothing is imported', async () => {
    const bad = path.join(dir, 'broken.json');
    fs.writeFileSync(bad, '{\n  "resourceSpans": [\n    {"resource": }\n  ]\n}\n');
    const before = await page.locator(tid('trace-row')).count();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Open trace file' }).click()]);
    await chooser.setFiles(bad);
    const status = page.locator(`${tid('file-status')}.error`);
    await status.waitFor();
    assert.match((await status.textContent()) ?? '', /^Cannot open broken\.json: broken\.json: line 3, column 18: invalid JSON/);
    assert.equal(await page.locator(tid('trace-row')).count(), before);
    expectHttpError(400, 'api/import');
  });

  it('exception stack traces: line by line, absolute frames as vscode:// links with their file and line, runtime and relative frames as text', async () => {
    const root = failing.spans.find((s) => s.name === 'POST /checkout')!;
    await openTrace(page, failing.traceId, root.spanContext().spanId);
    await page.locator(spanRow(failing.failing.spanContext().spanId)).click();
    const stacks = page.locator(`${tid('span-details')} ${tid('stacktrace')}`);
    await stacks.first().waitFor();
    assert.equal(await stacks.count(), 2);
    // The text is the stack trace as recorded, line for line.
    const lines = await stacks.nth(0).locator('.stack-line').allTextContents();
    assert.deepEqual(lines, NODE_STACK.split('\n'));
    const links = await stacks.nth(0).locator(tid('stack-frame')).evaluateAll((as) => as.map((a) => ({ file: a.getAttribute('data-file'), line: a.getAttribute('data-line'), href: a.getAttribute('href'), text: a.textContent })));
    assert.deepEqual(links, [
      { file: '/app/services/cart/src/handlers.ts', line: '42', href: 'vscode://file/app/services/cart/src/handlers.ts:42', text: '/app/services/cart/src/handlers.ts:42:11' },
      { file: '/app/services/cart/src/main.mjs', line: '8', href: 'vscode://file/app/services/cart/src/main.mjs:8', text: 'file:///app/services/cart/src/main.mjs:8:3' },
    ]);
    // The Java frames name no folder a browser could open: text, with their location marked.
    assert.equal(await stacks.nth(1).locator(tid('stack-frame')).count(), 0);
    assert.deepEqual(await stacks.nth(1).locator('.frame-location').evaluateAll((s) => s.map((e) => `${e.getAttribute('data-file')}:${e.getAttribute('data-line')}`)), ['com/shop/stock/StockDao.java:88', 'java/lang/Thread.java:833']);
    await screenshot(page, 'stack-frames');
  });
  // The same bundle as a VS Code webview: acquireVsCodeApi is stubbed before the page's script runs,
  // like the webview frame provides it, and answers the viewer's requests as the panel would: the
  // host's own methods here in the test (recorded), the store's through serve's /api/rpc, live
  // changes from its stream. What is checked is what the page asks the host, and what it then shows.
  describe('as a VS Code webview (the panel host stubbed)', () => {
    // What reaches the window: VS Code's webview frame hands such link clicks to the OS opener.
    const STUB_VSCODE_API = vscodeApiStub(`
      const reached = [];
      window.linkClicksAtWindow = reached;
      window.addEventListener('click', (e) => {
        const a = e.composedPath().find((n) => n.tagName === 'A');
        if (a) reached.push(a.getAttribute('href') || '');
      });`);
    let calls: { method: string; params: unknown }[];
    /** Resolves once the host got `n` requests of `method` (each request wakes the waiters). */
    let wake: (() => void)[] = [];
    const untilCalls = async (method: string, n: number) => {
      while (calls.filter((c) => c.method === method).length < n) await new Promise<void>((resolve) => wake.push(resolve));
    };
    let pushTrace: ((traceId: string) => void) | undefined;
    let nextImport: TraceFileImportDto | undefined;

    const postImport = async (name: string, body: object): Promise<TraceFileImportDto> => {
      const res = await fetch(`${serve!.api}/api/import?name=${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 200);
      return (await res.json()) as TraceFileImportDto;
    };

    beforeEach(async () => {
      // Replace the plain page the outer beforeEach opened.
      await view!.page.close();
      calls = [];
      wake = [];
      pushTrace = undefined;
      const p = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      const dialogs: string[] = [];
      p.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      p.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
      p.on('dialog', (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss().catch(() => undefined);
      });
      p.setDefaultTimeout(15_000);
      await p.exposeFunction('meshlensTestHost', async (msg: { id: number; method: string; params: unknown }): Promise<ViewerResponse> => {
        calls.push({ method: msg.method, params: msg.params });
        for (const w of wake.splice(0)) w();
        const ok = (result: unknown) => ({ type: 'response', id: msg.id, result }) as ViewerResponse;
        switch (msg.method) {
          case 'openCode':
            return ok({ opened: true });
          case 'resolveCode':
            // This host's workspace has the cart service only.
            return ok({ resolved: (msg.params as { files: string[] }).files.map((f) => f.startsWith('/app/services/cart/')) });
          case 'exportTrace':
            return ok({ file: '/home/me/shop/trace.json', spans: 2 });
          case 'openTraceFile':
            return ok(nextImport ?? null);
          case 'nextTraceToOpen':
            return new Promise((resolve) => (pushTrace = (traceId) => resolve(ok({ traceId }))));
        }
        return { type: 'response', id: msg.id, error: `unexpected ${msg.method}` };
      });
      // Plain JavaScript text: a function would be serialised with tsx's helpers, which the page lacks.
      await p.addInitScript({ content: STUB_VSCODE_API });
      await p.goto(serve!.viewer, { waitUntil: 'load' });
      await p.locator(tid('trace-list')).waitFor();
      view = { page: p, errors, dialogs };
      page = p;
    });

    const callsOf = (method: string) => calls.filter((c) => c.method === method).map((c) => c.params);

    it('code links and stack frames ask the host to open the file at the line; frames are links where the host resolves them (one request)', async () => {
      const root = failing.spans.find((s) => s.name === 'POST /checkout')!;
      await openTrace(page, failing.traceId, root.spanContext().spanId);
      await page.locator(spanRow(failing.failing.spanContext().spanId)).click();
      const frames = page.locator(`${tid('span-details')} ${tid('stack-frame')}`);
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, `${tid('span-details')} ${tid('stack-frame')}`);
      assert.deepEqual(callsOf('resolveCode'), [{ files: ['/app/services/cart/src/handlers.ts', '/app/services/cart/src/main.mjs', 'com/shop/stock/StockDao.java', 'java/lang/Thread.java'] }]);
      assert.deepEqual(await frames.evaluateAll((as) => as.map((a) => `${a.getAttribute('data-file')}:${a.getAttribute('data-line')}`)), ['/app/services/cart/src/handlers.ts:42', '/app/services/cart/src/main.mjs:8']);

      const url = page.url();
      await page.locator(`${tid('span-details')} ${tid('code-link')}`).click();
      await frames.first().click();
      await untilCalls('openCode', 2);
      assert.deepEqual(callsOf('openCode'), [
        { file: '/app/services/cart/src/handlers.ts', line: 40 },
        { file: '/app/services/cart/src/handlers.ts', line: 42 },
      ]);
      assert.equal(page.url(), url, 'the page did not navigate');
      assert.deepEqual(await page.evaluate(() => (window as unknown as { linkClicksAtWindow: string[] }).linkClicksAtWindow), [], 'no link click reached the window');
    });

    it('Export asks the host for the open trace; Open shows the trace the host imported; the host can push a trace to show', async () => {
      const root = failing.spans.find((s) => s.name === 'POST /checkout')!;
      await openTrace(page, failing.traceId, root.spanContext().spanId);
      await page.waitForFunction((sel) => !(document.querySelector(sel) as HTMLButtonElement).disabled, tid('export-trace'));
      await page.getByRole('button', { name: 'Export trace' }).click();
      await page.locator(tid('file-status')).filter({ hasText: 'Saved 2 spans to /home/me/shop/trace.json.' }).waitFor();
      assert.deepEqual(callsOf('exportTrace'), [{ traceId: failing.traceId }]);

      // Open: the host's dialog and import (here: the file posted to serve), then the viewer opens it.
      const t1 = 'f11e1'.padStart(32, '0');
      nextImport = await postImport('orders.json', tracesRequest([{ traceId: t1, spanId: '00000000000f11e1', service: 'orders', name: 'GET /orders', startMs: Date.now() - 5_000, durationMs: 12 }]));
      await page.getByRole('button', { name: 'Open trace file' }).click();
      await page.locator(`${tid('waterfall')} ${spanRow('00000000000f11e1')}`).waitFor();
      assert.equal(await page.locator(traceRow(t1)).getAttribute('aria-selected'), 'true');
      assert.deepEqual(callsOf('openTraceFile'), [{}]);

      // The Explorer's Open Trace File: the host answers the waiting request, the viewer opens the trace and waits again.
      const t2 = 'f11e2'.padStart(32, '0');
      await postImport('billing.json', tracesRequest([{ traceId: t2, spanId: '00000000000f11e2', service: 'billing', name: 'charge', startMs: Date.now() - 4_000, durationMs: 7 }]));
      await untilCalls('nextTraceToOpen', 1);
      assert.ok(pushTrace, 'the viewer waits for a trace to show');
      pushTrace(t2);
      await page.locator(`${tid('waterfall')} ${spanRow('00000000000f11e2')}`).waitFor();
      assert.equal(await page.locator(traceRow(t2)).getAttribute('aria-selected'), 'true');
      await untilCalls('nextTraceToOpen', 2);
      await screenshot(page, 'files-vscode-mode');
    });
  });
});
