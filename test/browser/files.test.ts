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
import { importTraceFile } from '../../src/core/trace';
import { ensureBuilt } from './lib/build';
import { assertNoPageErrors, launchBrowser, openTrace, openViewer, screenshot, spanRow, tid, traceRow, type ViewerPage } from './lib/browser';
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
    const reserve = span(tracer, 'reserve stock', root, t0 + 5, { kind: SpanKind.CLIENT });
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
});
