// Shared by the interop tests: a small trace recorded with the real OpenTelemetry JS SDK, and a
// field-by-field comparison of what the SDK recorded with what arrived in the store.
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { context, SpanKind as ApiSpanKind, SpanStatusCode, type Span as ApiSpan } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { AttrValue, Attributes, Resource, Scope, Span, TraceStore } from '../../../src/core/trace';

export type Cfg = NonNullable<ConstructorParameters<typeof JsonExporter>[0]>;
export const GZIP = 'gzip' as Cfg['compression'];

export function hrNanos(t: readonly [number, number]): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

/** The store keeps OTLP kinds (int64 as bigint, kvlist as Map); the SDK has plain JS values. */
export function plain(v: AttrValue | undefined): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((x) => plain(x as AttrValue));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  return v;
}
export function attrs(a: Attributes): Record<string, unknown> {
  return Object.fromEntries([...a].map(([k, v]) => [k, plain(v)]));
}

export function sdkAttrs(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}

export function compareSpan(got: Span, want: ReadableSpan): void {
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
  compareOrigin(got, want, where);
}

/** Resource and instrumentation scope, the same for spans and log records. */
export function compareOrigin(got: { resource: Resource; scope: Scope }, want: Pick<ReadableSpan, 'resource' | 'instrumentationScope'>, where: string): void {
  assert.deepEqual(attrs(got.resource.attributes), sdkAttrs(want.resource.attributes as Record<string, unknown>), `${where} resource`);
  assert.equal(got.resource.serviceName, want.resource.attributes['service.name']);
  assert.equal(got.scope.name, want.instrumentationScope.name, `${where} scope`);
  assert.equal(got.scope.version, want.instrumentationScope.version ?? '');
}

// As in an instrumented Node app: the active span follows async calls (AsyncLocalStorage), which
// sdk-trace-node's provider relies on. Once per process: the API keeps the first manager.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/**
 * A small instrumented request handler: a server span with an error, and across an `await` a
 * client child (parented through the active context) linking to another trace's span.
 */
export async function record(provider: NodeTracerProvider): Promise<void> {
  const tracer = provider.getTracer('meshlens-interop', '1.2.3');
  const other = tracer.startSpan('background-job', { kind: ApiSpanKind.CONSUMER });
  other.end();
  await tracer.startActiveSpan(
    'GET /cart',
    { kind: ApiSpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500, ratio: 0.25, cached: false, tags: ['a', 'b'], sizes: [1, 2, 3] } },
    async (root: ApiSpan) => {
      root.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'upstream took 3s' });
      await Promise.resolve();
      await tracer.startActiveSpan(
        'SELECT carts',
        { kind: ApiSpanKind.CLIENT, attributes: { 'db.system': 'postgresql' }, links: [{ context: other.spanContext(), attributes: { 'link.reason': 'triggered' } }] },
        async (child: ApiSpan) => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          child.setStatus({ code: SpanStatusCode.OK });
          child.end();
        },
      );
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout' });
      root.end();
    },
  );
}

/**
 * Records the small trace through `exporter` and an in-memory exporter side by side, flushed (the
 * exporter's callbacks have run when this resolves); returns what the SDK recorded.
 */
export async function exportRecorded(exporter: SpanExporter): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment.name': 'dev', 'service.instance.id': 7 }),
    spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
  });
  try {
    await record(provider);
    await provider.forceFlush();
    // Before shutdown: shutting the in-memory exporter down empties it.
    const spans = [...memory.getFinishedSpans()];
    const byName = new Map(spans.map((x) => [x.name, x]));
    // The sample is what it claims: the child found its parent through the active context.
    assert.equal(byName.get('SELECT carts')?.parentSpanContext?.spanId, byName.get('GET /cart')?.spanContext().spanId, 'context followed the await');
    return spans;
  } finally {
    await provider.shutdown();
  }
}

/** Every recorded span is in the store, field for field. */
export function assertSpansStored(store: TraceStore, recorded: readonly ReadableSpan[]): void {
  assert.equal(store.stats().spans, recorded.length);
  for (const want of recorded) {
    const view = store.getTrace(want.spanContext().traceId);
    assert.ok(view, `trace of ${want.name} stored`);
    const node = view.spans.find((n) => n.span.spanId === want.spanContext().spanId);
    assert.ok(node, `${want.name} stored`);
    compareSpan(node.span, want);
  }
}

export interface GrpcCallSeen {
  path: string;
  encoding: string | undefined;
  /** The gRPC message frame's compressed flag. */
  compressed: boolean;
}

/**
 * A bare HTTP/2 server that answers every gRPC call with OK and an empty message, and notes how it
 * was sent. grpc-js hides the request's compression from a server's handlers, so this is how a
 * test learns that an exporter configured for gzip really compresses.
 */
export async function startGrpcSniffer(): Promise<{ url: string; seen: GrpcCallSeen[]; close(): Promise<void> }> {
  const seen: GrpcCallSeen[] = [];
  const server = http2.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const grpcEncoding = req.headers['grpc-encoding'];
      seen.push({ path: req.url, encoding: typeof grpcEncoding === 'string' ? grpcEncoding : undefined, compressed: Buffer.concat(chunks)[0] === 1 });
      res.writeHead(200, { 'content-type': 'application/grpc' });
      res.addTrailers({ 'grpc-status': '0' });
      res.end(Buffer.alloc(5));
    });
  });
  // Exporters keep their channel open; close() must not wait for them.
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };
}
