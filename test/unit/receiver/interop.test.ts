// Interoperability with the real OpenTelemetry JS SDK and its OTLP/HTTP exporters (JSON and
// protobuf, gzip on and off): what the SDK recorded must arrive in the store field by field.
import * as assert from 'node:assert/strict';
import { context, trace, SpanKind as ApiSpanKind, SpanStatusCode, type Span as ApiSpan } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { TraceStore, type AttrValue, type Attributes, type Span } from '../../../src/core/trace';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';

type Cfg = NonNullable<ConstructorParameters<typeof JsonExporter>[0]>;
const GZIP = 'gzip' as Cfg['compression'];

function hrNanos(t: readonly [number, number]): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

/** The store keeps OTLP kinds (int64 as bigint, kvlist as Map); the SDK has plain JS values. */
function plain(v: AttrValue | undefined): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((x) => plain(x as AttrValue));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  return v;
}
function attrs(a: Attributes): Record<string, unknown> {
  return Object.fromEntries([...a].map(([k, v]) => [k, plain(v)]));
}

function sdkAttrs(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}

function compare(got: Span, want: ReadableSpan): void {
  const ctx = want.spanContext();
  const where = `span ${want.name}`;
  assert.equal(got.traceId, ctx.traceId, where);
  assert.equal(got.spanId, ctx.spanId, where);
  assert.equal(got.parentSpanId, want.parentSpanContext?.spanId, where);
  assert.equal(got.name, want.name);
  assert.equal(got.kind, want.kind + 1, `${where}: OTLP kind is the API kind + 1`);
  assert.equal(got.startUnixNano, hrNanos(want.startTime), where);
  assert.equal(got.endUnixNano, hrNanos(want.endTime), where);
  assert.deepEqual(attrs(got.attributes), sdkAttrs(want.attributes), `${where} attributes`);
  assert.equal(got.droppedAttributesCount, want.droppedAttributesCount);
  assert.equal(got.events.length, want.events.length, `${where} events`);
  want.events.forEach((e, i) => {
    assert.equal(got.events[i].name, e.name);
    assert.equal(got.events[i].timeUnixNano, hrNanos(e.time));
    assert.deepEqual(attrs(got.events[i].attributes), sdkAttrs(e.attributes ?? {}));
  });
  assert.equal(got.droppedEventsCount, want.droppedEventsCount);
  assert.equal(got.links.length, want.links.length, `${where} links`);
  want.links.forEach((l, i) => {
    assert.equal(got.links[i].traceId, l.context.traceId);
    assert.equal(got.links[i].spanId, l.context.spanId);
    assert.deepEqual(attrs(got.links[i].attributes), sdkAttrs(l.attributes ?? {}));
  });
  assert.equal(got.droppedLinksCount, want.droppedLinksCount);
  assert.equal(got.status.code, want.status.code, `${where} status`);
  assert.equal(got.status.message, want.status.message ?? '');
  assert.deepEqual(attrs(got.resource.attributes), sdkAttrs(want.resource.attributes as Record<string, unknown>), `${where} resource`);
  assert.equal(got.resource.serviceName, want.resource.attributes['service.name']);
  assert.equal(got.scope.name, want.instrumentationScope.name);
  assert.equal(got.scope.version, want.instrumentationScope.version ?? '');
}

/** A small request: a server span with an error, a client child linking to another trace's span. */
function record(provider: BasicTracerProvider): void {
  const tracer = provider.getTracer('meshlens-interop', '1.2.3');
  const other = tracer.startSpan('background-job', { kind: ApiSpanKind.CONSUMER });
  other.end();
  const root: ApiSpan = tracer.startSpan('GET /cart', {
    kind: ApiSpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500, ratio: 0.25, cached: false, tags: ['a', 'b'], sizes: [1, 2, 3] },
  });
  root.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'upstream took 3s' });
  const child = tracer.startSpan(
    'SELECT carts',
    { kind: ApiSpanKind.CLIENT, attributes: { 'db.system': 'postgresql' }, links: [{ context: other.spanContext(), attributes: { 'link.reason': 'triggered' } }] },
    trace.setSpan(context.active(), root),
  );
  child.setStatus({ code: SpanStatusCode.OK });
  child.end();
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout' });
  root.end();
}

const CASES = [
  { name: 'exporter-trace-otlp-http (JSON)', gzip: false, make: (url: string) => new JsonExporter({ url }) },
  { name: 'exporter-trace-otlp-http (JSON, gzip)', gzip: true, make: (url: string) => new JsonExporter({ url, compression: GZIP }) },
  { name: 'exporter-trace-otlp-proto (protobuf)', gzip: false, make: (url: string) => new ProtoExporter({ url }) },
  { name: 'exporter-trace-otlp-proto (protobuf, gzip)', gzip: true, make: (url: string) => new ProtoExporter({ url, compression: GZIP }) },
];

describe('OTLP/HTTP receiver with the OpenTelemetry JS SDK', () => {
  let rx: HttpReceiver;
  let store: TraceStore;
  beforeEach(async () => {
    store = new TraceStore();
    rx = await startHttpReceiver({ port: 0, ingest: store });
  });
  afterEach(async () => {
    await rx.close();
  });

  for (const c of CASES) {
    it(`${c.name}: every span arrives intact`, async () => {
      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment.name': 'dev', 'service.instance.id': 7 }),
        spanProcessors: [new SimpleSpanProcessor(c.make(`http://127.0.0.1:${rx.port}/v1/traces`)), new SimpleSpanProcessor(memory)],
      });
      let recorded: ReadableSpan[];
      try {
        record(provider);
        await provider.forceFlush();
        // Before shutdown: shutting the in-memory exporter down empties it.
        recorded = [...memory.getFinishedSpans()];
      } finally {
        await provider.shutdown();
      }
      assert.equal(recorded.length, 3);
      assert.equal(store.stats().spans, 3, `stats: ${JSON.stringify(rx.stats)}`);
      assert.deepEqual(rx.stats.rejected, {});
      assert.equal(rx.stats.gzipped > 0, c.gzip, 'the exporter compressed as configured');
      for (const want of recorded) {
        const view = store.getTrace(want.spanContext().traceId);
        assert.ok(view, `trace of ${want.name} stored`);
        const node = view.spans.find((n) => n.span.spanId === want.spanContext().spanId);
        assert.ok(node, `${want.name} stored`);
        compare(node.span, want);
      }
    });
  }
});
