// The fuzzer's seeds: real payloads, mutated from there. OTLP requests as the OpenTelemetry JS SDK
// serialises them (bench/otel-payloads.ts, and spans and log records recorded here with events,
// links, errors, array attributes and map bodies), the specification's examples from the shared
// corpus (read at run time, never copied; skipped when the folder is absent), Zipkin v2 and Jaeger
// JSON of the same spans, viewer protocol messages for every method, and YAML manifests from
// examples/ and the corpus.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makePayloads } from '../../../bench/otel-payloads';
import { encodeLogs, encodeTraces } from '../trace/pb';

export const ROOT = path.resolve(__dirname, '../../..');
export const CORPUS = path.resolve(ROOT, '../shared/corpus');

export interface Seeds {
  readonly protobufTraces: Uint8Array[];
  readonly protobufLogs: Uint8Array[];
  /** Parsed JSON documents (mutated as values). */
  readonly jsonTraces: unknown[];
  readonly jsonLogs: unknown[];
  readonly zipkin: unknown[];
  /** Trace files: OTLP/JSON, Jaeger and Zipkin as values; JSON Lines as text. */
  readonly importJson: unknown[];
  readonly importJsonl: string[];
  readonly viewer: unknown[];
  readonly yaml: { readonly name: string; readonly text: string }[];
  /** Where the seeds came from, for the report. */
  readonly corpus: boolean;
}

const dec = new TextDecoder();

interface Recorded {
  spans: import('@opentelemetry/sdk-trace-base').ReadableSpan[];
  logs: import('@opentelemetry/sdk-logs').ReadableLogRecord[];
}

/** A checkout request through three services, with what real spans and log records carry. */
async function record(): Promise<Recorded> {
  const api = await import('@opentelemetry/api');
  const { SeverityNumber } = await import('@opentelemetry/api-logs');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  let n = 1;
  const hex = (len: number): string => (n++).toString(16).padStart(len, '0');
  const idGenerator = { generateTraceId: () => 'f0f1' + hex(28), generateSpanId: () => 'a1' + hex(14) };
  const t0 = 1_700_000_000_000;
  const providers = ['frontend', 'checkout', 'payment'].map((service) => {
    const resource = resourceFromAttributes({ 'service.name': service, 'service.version': '2.1.0', 'k8s.namespace.name': 'shop', 'host.name': `${service}-0` });
    const tp = new BasicTracerProvider({ idGenerator, resource, spanProcessors: [new SimpleSpanProcessor(spans)] });
    const lp = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
    return { tracer: tp.getTracer(`@shop/${service}`, '2.1.0'), logger: lp.getLogger(`@shop/${service}`, '2.1.0') };
  });
  for (let trace = 0; trace < 3; trace++) {
    const at = t0 + trace * 1000;
    const root = providers[0].tracer.startSpan('GET /checkout', { kind: api.SpanKind.SERVER, startTime: at, attributes: { 'http.request.method': 'GET', 'http.route': '/checkout', 'url.path': '/checkout' } }, api.ROOT_CONTEXT);
    const rootCtx = api.trace.setSpan(api.ROOT_CONTEXT, root);
    const client = providers[0].tracer.startSpan('POST', { kind: api.SpanKind.CLIENT, startTime: at + 1, attributes: { 'server.address': 'checkout', 'server.port': 8080, 'http.request.method': 'POST' } }, rootCtx);
    const clientCtx = api.trace.setSpan(rootCtx, client);
    const server = providers[1].tracer.startSpan(
      'POST /orders',
      {
        kind: api.SpanKind.SERVER,
        startTime: at + 2,
        attributes: { 'http.route': '/orders', 'code.filepath': '/src/orders.ts', 'code.lineno': 42, 'code.function': 'placeOrder', tags: ['a', 'b'], sizes: [1, 2, 3], flags: [true, false], ratio: 0.25 },
        links: [{ context: root.spanContext(), attributes: { 'link.kind': 'follows' } }],
      },
      clientCtx,
    );
    const serverCtx = api.trace.setSpan(clientCtx, server);
    providers[1].logger.emit({ context: serverCtx, timestamp: at + 3, severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'order placed', attributes: { 'order.id': `o-${trace}`, total: 12.5 } });
    providers[1].logger.emit({ context: serverCtx, timestamp: at + 4, severityNumber: SeverityNumber.ERROR, body: { reason: 'card declined', codes: [51, 5], nested: { retry: false } }, eventName: 'payment.failed' });
    const db = providers[2].tracer.startSpan('SELECT cards', { kind: api.SpanKind.CLIENT, startTime: at + 5, attributes: { 'db.system': 'postgresql', 'db.query.text': 'SELECT * FROM cards WHERE id = $1' } }, serverCtx);
    db.addEvent('exception', { 'exception.type': 'DeclinedError', 'exception.message': 'card declined', 'exception.stacktrace': 'DeclinedError: card declined\n    at pay (/src/pay.ts:17:9)' }, at + 6);
    db.setStatus({ code: api.SpanStatusCode.ERROR, message: 'declined' });
    db.end(at + 7);
    server.setStatus({ code: api.SpanStatusCode.ERROR });
    server.end(at + 8);
    client.setAttribute('http.response.status_code', 402);
    client.end(at + 9);
    root.end(at + 10);
    providers[0].logger.emit({ timestamp: at + 11, severityNumber: SeverityNumber.WARN, body: 'outside any span' });
  }
  return { spans: spans.getFinishedSpans(), logs: logs.getFinishedLogRecords() };
}

const hr = (t: readonly [number, number]): number => t[0] * 1e6 + Math.floor(t[1] / 1e3);

/** The recorded spans as a Zipkin v2 JSON array (what a Zipkin exporter sends). */
function zipkinOf(spans: Recorded['spans']): unknown[] {
  const kinds = ['', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
  return spans.map((s) => ({
    traceId: s.spanContext().traceId,
    id: s.spanContext().spanId,
    ...(s.parentSpanContext && { parentId: s.parentSpanContext.spanId }),
    name: s.name.toLowerCase(),
    ...(kinds[s.kind] && { kind: kinds[s.kind] }),
    timestamp: hr(s.startTime),
    duration: Math.max(1, hr(s.endTime) - hr(s.startTime)),
    localEndpoint: { serviceName: String(s.resource.attributes['service.name']), ipv4: '10.0.0.7', port: 8080 },
    ...(s.kind === 2 && { remoteEndpoint: { serviceName: 'checkout', ipv6: '::1' } }),
    annotations: s.events.map((e) => ({ timestamp: hr(e.time), value: e.name })),
    tags: Object.fromEntries(Object.entries(s.attributes).map(([k, v]) => [k, String(v)])),
    ...(s.status.code === 2 && { debug: false, shared: false }),
  }));
}

/** The recorded spans as Jaeger UI's "Download JSON" gives them. */
function jaegerOf(spans: Recorded['spans']): unknown {
  const byTrace = new Map<string, Recorded['spans']>();
  for (const s of spans) byTrace.set(s.spanContext().traceId, [...(byTrace.get(s.spanContext().traceId) ?? []), s]);
  const tag = (key: string, v: unknown) =>
    typeof v === 'number' ? { key, type: Number.isInteger(v) ? 'int64' : 'float64', value: v } : typeof v === 'boolean' ? { key, type: 'bool', value: v } : { key, type: 'string', value: String(v) };
  return {
    data: [...byTrace].map(([traceID, list]) => {
      const services = [...new Set(list.map((s) => String(s.resource.attributes['service.name'])))];
      return {
        traceID,
        spans: list.map((s) => ({
          traceID,
          spanID: s.spanContext().spanId,
          operationName: s.name,
          references: s.parentSpanContext ? [{ refType: 'CHILD_OF', traceID, spanID: s.parentSpanContext.spanId }] : [],
          startTime: hr(s.startTime),
          duration: hr(s.endTime) - hr(s.startTime),
          tags: [...Object.entries(s.attributes).map(([k, v]) => tag(k, v)), tag('span.kind', ['internal', 'server', 'client'][s.kind] ?? 'internal')],
          logs: s.events.map((e) => ({ timestamp: hr(e.time), fields: [tag('event', e.name), ...Object.entries(e.attributes ?? {}).map(([k, v]) => tag(k, v))] })),
          processID: `p${services.indexOf(String(s.resource.attributes['service.name'])) + 1}`,
          warnings: null,
        })),
        processes: Object.fromEntries(services.map((service, i) => [`p${i + 1}`, { serviceName: service, tags: [tag('hostname', `${service}-0`)] }])),
        warnings: null,
      };
    }),
    total: 0,
    limit: 0,
    offset: 0,
    errors: null,
  };
}

/** One well-formed message per viewer method (and the handshake), as the viewer sends them. */
function viewerMessages(traceId: string, spanId: string): unknown[] {
  let id = 1;
  const req = (method: string, params?: unknown) => ({ type: 'request', id: id++, method, ...(params !== undefined && { params }) });
  return [
    { type: 'ready' },
    req('query'),
    req('query', { service: 'checkout', operation: 'POST /orders', minMs: 1, maxMs: 5000, error: true, attributes: [{ key: 'http.route', value: '/orders' }], text: 'declined', limit: 50 }),
    req('trace', { traceId }),
    req('layout', { traceId }),
    req('span', { traceId, spanId }),
    req('search', { traceId, text: 'card' }),
    req('services', {}),
    req('stats'),
    req('query', { debugSession: 'dbg-1', limit: 20 }),
    req('debugSessionCounts', { ids: ['dbg-1', 'dbg-2'] }),
    req('debugSessionCounts', {}),
    req('traceAt', { debugSession: 'dbg-1', file: '/src/orders.ts', line: 42, atUnixMs: 1_700_000_000_000 }),
    req('traceAt', { file: 'file:///C:/src/pay.ts', line: 7, atUnixMs: 1_700_000_000_500 }),
    req('graph', { window: '5m', versioned: true }),
    req('graphTraces', { window: 'all', nodeId: 'svc:shop/checkout', limit: 20 }),
    req('graphTraces', { window: '1m', edgeId: 'svc:shop/frontend->svc:shop/checkout' }),
    req('openCode', { file: '/src/orders.ts', line: 42 }),
    req('resolveCode', { files: ['/src/orders.ts', 'src/pay.ts'] }),
    req('openTraceFile', {}),
    req('exportTrace', { traceId }),
    req('nextTraceToOpen'),
    req('serviceManifests', {}),
    req('nextMapReveal'),
  ];
}

function listYaml(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    // CRD definitions are schema references, not manifests, and each is over 500 KB: every input
    // made from one would cost half a second of rules for no new paths (bench:bad-input times
    // large files).
    if (e.isDirectory()) {
      if (e.name !== 'crds') listYaml(p, out);
    }
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
}

function corpusJson(name: string): unknown | undefined {
  const p = path.join(CORPUS, 'otlp', name);
  return fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')) : undefined;
}

export async function loadSeeds(): Promise<Seeds> {
  const { ProtobufTraceSerializer, ProtobufLogsSerializer, JsonTraceSerializer, JsonLogsSerializer } = await import('@opentelemetry/otlp-transformer');
  const rec = await record();
  const bench = await makePayloads(12, 2);
  const corpus = fs.existsSync(path.join(CORPUS, 'otlp'));
  const specTraces = [corpusJson('trace.json'), corpusJson('events.json')].filter((x) => x !== undefined);
  const specLogs = [corpusJson('logs.json')].filter((x) => x !== undefined);

  const jsonTraces = [JSON.parse(dec.decode(JsonTraceSerializer.serializeRequest(rec.spans)!)), JSON.parse(dec.decode(JsonTraceSerializer.serializeRequest(rec.spans.slice(0, 2))!)), ...specTraces];
  const jsonLogs = [JSON.parse(dec.decode(JsonLogsSerializer.serializeRequest(rec.logs)!)), ...specLogs];
  const zipkin = [zipkinOf(rec.spans), zipkinOf(rec.spans.slice(0, 1))];
  const jaeger = jaegerOf(rec.spans);

  const yamlFiles: string[] = [];
  listYaml(path.join(ROOT, 'examples'), yamlFiles);
  const fromExamples = yamlFiles.length;
  listYaml(CORPUS, yamlFiles);
  const yaml = yamlFiles.map((f) => ({ name: path.relative(path.dirname(ROOT), f), text: fs.readFileSync(f, 'utf8') }));
  if (fromExamples === 0) throw new Error('no YAML seeds in examples/');

  const first = rec.spans[rec.spans.length - 1].spanContext();
  return {
    protobufTraces: [
      ...bench.map((b) => new Uint8Array(b)),
      ProtobufTraceSerializer.serializeRequest(rec.spans)!,
      ...specTraces.map((j) => encodeTraces(j)),
    ],
    protobufLogs: [ProtobufLogsSerializer.serializeRequest(rec.logs)!, ...specLogs.map((j) => encodeLogs(j))],
    jsonTraces,
    jsonLogs,
    zipkin,
    importJson: [jsonTraces[0], jsonLogs[0], jaeger, zipkin[0], ...specTraces],
    importJsonl: [[jsonTraces[0], jsonLogs[0], jsonTraces[1]].map((j) => JSON.stringify(j)).join('\n') + '\n'],
    viewer: viewerMessages(first.traceId, first.spanId),
    yaml,
    corpus,
  };
}
