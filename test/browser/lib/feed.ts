// Traces for the viewer, recorded with the real OpenTelemetry JS SDK (NodeTracerProvider, the OTLP
// protobuf exporters, the logs SDK) and sent to `meshlens serve`; each helper returns what the SDK
// recorded, so the tests compare the page with the SDK's own view of the trace.
import { context, trace, SpanKind, SpanStatusCode, type Attributes, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
// The interop tests' SDK helpers (importing them also installs the AsyncLocalStorage context manager).
import { hrNanos, record } from '../../unit/receiver/sdk';

export { hrNanos };

/** One service's SDK: a tracer provider and a logger provider, both exporting OTLP/protobuf to `otlpHttp`. */
export class Sdk {
  readonly tracing: NodeTracerProvider;
  readonly logs: LoggerProvider;
  private readonly spans = new InMemorySpanExporter();
  private readonly records = new InMemoryLogRecordExporter();

  constructor(otlpHttp: string, resource: Attributes) {
    const res = resourceFromAttributes(resource);
    this.tracing = new NodeTracerProvider({
      resource: res,
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttp}/v1/traces` }), { maxExportBatchSize: 1000, maxQueueSize: 10_000 }), new SimpleSpanProcessor(this.spans)],
    });
    // Batched: the OTLP exporters drop exports beyond 30 in flight, which one request per record would hit.
    this.logs = new LoggerProvider({
      resource: res,
      processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${otlpHttp}/v1/logs` }), maxExportBatchSize: 1000, maxQueueSize: 10_000 }), new SimpleLogRecordProcessor({ exporter: this.records })],
    });
  }

  tracer(name: string, version?: string): Tracer {
    return this.tracing.getTracer(name, version);
  }

  /** Sends everything recorded so far; resolves once the receiver has answered. */
  async flush(): Promise<{ spans: ReadableSpan[]; logs: ReadableLogRecord[] }> {
    await this.tracing.forceFlush();
    await this.logs.forceFlush();
    return { spans: [...this.spans.getFinishedSpans()], logs: [...this.records.getFinishedLogRecords()] };
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.tracing.shutdown(), this.logs.shutdown()]);
  }
}

/** Epoch milliseconds (fractions allowed) as the SDK's HrTime. */
export function hr(ms: number): HrTime {
  const ns = BigInt(Math.round(ms * 1e6));
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** A span with explicit times, under `parent` (or a root when undefined). */
export function span(tracer: Tracer, name: string, parent: Span | undefined, startMs: number, opts: { kind?: SpanKind; attributes?: Attributes } = {}): Span {
  const ctx: Context = parent ? trace.setSpan(context.active(), parent) : trace.deleteSpan(context.active());
  return tracer.startSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes, startTime: hr(startMs) }, ctx);
}

/** The small trace of the interop tests (service "checkout": GET /cart -> SELECT carts, plus background-job). */
export async function feedInteropTrace(otlpHttp: string): Promise<ReadableSpan[]> {
  const sdk = new Sdk(otlpHttp, { 'service.name': 'checkout', 'deployment.environment.name': 'dev' });
  try {
    await record(sdk.tracing);
    return (await sdk.flush()).spans;
  } finally {
    await sdk.shutdown();
  }
}

export interface ShopTrace {
  traceId: string;
  spans: ReadableSpan[];
  logs: ReadableLogRecord[];
  byName(name: string): ReadableSpan;
  codeFile: string;
  codeLine: number;
  legacyCodeFile: string;
  legacyCodeLine: number;
}

/**
 * Two services in one trace, 250 ms long, with a known shape:
 *
 *   GET /checkout (frontend; fruit=kiwi, code.file.path, event cache.miss, a log record)
 *     render cart (fruit=kiwi)
 *       load template
 *       format prices (fruit=kiwi)
 *     call inventory
 *       GET /stock (inventory; code.filepath/code.lineno, the old semconv names)
 *         SELECT stock   ERROR
 *     call payment       ERROR
 */
export async function feedShopTrace(otlpHttp: string, codeFile: string, legacyCodeFile: string, t0 = Date.now() - 60_000): Promise<ShopTrace> {
  const frontend = new Sdk(otlpHttp, { 'service.name': 'frontend', 'service.version': '3.1.0', 'deployment.environment.name': 'dev' });
  const inventory = new Sdk(otlpHttp, { 'service.name': 'inventory', 'service.version': '0.9.2' });
  const codeLine = 142;
  const legacyCodeLine = 7;
  try {
    const web = frontend.tracer('shop-web', '3.1.0');
    const inv = inventory.tracer('inventory-http', '0.9.2');
    const root = span(web, 'GET /checkout', undefined, t0, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': '/checkout', fruit: 'kiwi', 'code.file.path': codeFile, 'code.line.number': codeLine },
    });
    root.addEvent('cache.miss', { 'cache.key': 'cart:17' }, hr(t0 + 5));
    frontend.logs.getLogger('shop-web', '3.1.0').emit({
      context: trace.setSpan(context.active(), root),
      timestamp: hr(t0 + 6),
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: 'checkout started for cart 17',
      attributes: { 'cart.id': 17 },
    });
    const render = span(web, 'render cart', root, t0 + 10, { attributes: { fruit: 'kiwi' } });
    span(web, 'load template', render, t0 + 12).end(hr(t0 + 30));
    span(web, 'format prices', render, t0 + 32, { attributes: { fruit: 'kiwi' } }).end(hr(t0 + 58));
    render.end(hr(t0 + 60));
    const callInv = span(web, 'call inventory', root, t0 + 70, { kind: SpanKind.CLIENT, attributes: { 'server.address': 'inventory' } });
    const stock = span(inv, 'GET /stock', callInv, t0 + 75, { kind: SpanKind.SERVER, attributes: { 'code.filepath': legacyCodeFile, 'code.lineno': legacyCodeLine } });
    const select = span(inv, 'SELECT stock', stock, t0 + 80, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } });
    select.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock detected' });
    select.end(hr(t0 + 140));
    stock.end(hr(t0 + 145));
    callInv.end(hr(t0 + 150));
    const pay = span(web, 'call payment', root, t0 + 160, { kind: SpanKind.CLIENT });
    pay.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    pay.end(hr(t0 + 240));
    root.end(hr(t0 + 250));
    const a = await frontend.flush();
    const b = await inventory.flush();
    const spans = [...a.spans, ...b.spans];
    return {
      traceId: root.spanContext().traceId,
      spans,
      logs: a.logs,
      byName: (name) => {
        const s = spans.find((x) => x.name === name);
        if (!s) throw new Error(`no span ${name}`);
        return s;
      },
      codeFile,
      codeLine,
      legacyCodeFile,
      legacyCodeLine,
    };
  } finally {
    await Promise.all([frontend.shutdown(), inventory.shutdown()]);
  }
}

/** One root ("nightly import", service "batch", 80 ms) with `children` sequential children: more rows than a screen. */
export async function feedWideTrace(otlpHttp: string, children: number, t0 = Date.now() - 120_000): Promise<{ traceId: string; spans: ReadableSpan[] }> {
  const sdk = new Sdk(otlpHttp, { 'service.name': 'batch' });
  try {
    const tracer = sdk.tracer('importer', '1.0.0');
    const root = span(tracer, 'nightly import', undefined, t0);
    const step = 78 / children;
    for (let i = 0; i < children; i++) span(tracer, `row ${i}`, root, t0 + 1 + i * step).end(hr(t0 + 1 + (i + 0.5) * step));
    root.end(hr(t0 + 80));
    return { traceId: root.spanContext().traceId, spans: (await sdk.flush()).spans };
  } finally {
    await sdk.shutdown();
  }
}

/** [spanId, depth] in display order: depth-first, siblings by start time, as the SDK recorded them. */
export function expectedRows(spans: readonly ReadableSpan[]): [string, number][] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const kids = new Map<string | undefined, ReadableSpan[]>();
  for (const s of spans) {
    const p = s.parentSpanContext?.spanId;
    const key = p && ids.has(p) ? p : undefined;
    kids.set(key, [...(kids.get(key) ?? []), s]);
  }
  const byStart = (list: ReadableSpan[]) => [...list].sort((a, b) => (hrNanos(a.startTime) < hrNanos(b.startTime) ? -1 : hrNanos(a.startTime) > hrNanos(b.startTime) ? 1 : 0));
  const out: [string, number][] = [];
  const walk = (s: ReadableSpan, depth: number) => {
    out.push([s.spanContext().spanId, depth]);
    for (const k of byStart(kids.get(s.spanContext().spanId) ?? [])) walk(k, depth + 1);
  };
  for (const r of byStart(kids.get(undefined) ?? [])) walk(r, 0);
  return out;
}
