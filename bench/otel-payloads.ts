// Trace payloads for the benches, as the OpenTelemetry JS SDK sends them: spans recorded by real
// tracer providers (five services of a sample mesh, each with its own resource) and serialised by
// @opentelemetry/otlp-transformer, as exporter-trace-otlp-proto does. Trace ids carry a marker so
// that a client can give every request fresh trace ids (a store must grow and evict, not overwrite
// the same spans). Used by bench:ingest and bench:editor-load.

/** The first 4 bytes of every generated trace id; withFreshIds overwrites the next 4 with a counter. */
export const MARKER = [0x6d, 0x65, 0x73, 0x68];
/**
 * The first 2 bytes of every generated span id; withFreshIds overwrites the next 2 with the same
 * counter (mod 2^16), so a resent payload does not repeat span ids either (a real SDK's are random).
 * The last 4 bytes are random.
 */
export const SPAN_MARKER = [0xfe, 0xed];

/**
 * `requests` OTLP/protobuf ExportTraceServiceRequests of `spansPerRequest` spans each, the same bytes
 * on every run (seeded). Every trace id starts with MARKER.
 */
export async function makePayloads(spansPerRequest: number, requests: number, liveWindowMs?: number): Promise<Buffer[]> {
  const api = await import('@opentelemetry/api');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  // mulberry32: seeded, so every run sends the same shapes; Math.imul keeps it exact in 32 bits.
  let seed = 7;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('');
  const idGenerator = {
    generateTraceId: () => MARKER.map((b) => b.toString(16)).join('') + hex(12),
    generateSpanId: () => SPAN_MARKER.map((b) => b.toString(16)).join('') + '0000' + hex(4),
  };
  const exporter = new InMemorySpanExporter();
  const services = ['frontend', 'cart', 'checkout', 'payment', 'inventory'];
  const tracers = new Map(
    services.map((name) => {
      const provider = new BasicTracerProvider({
        idGenerator,
        resource: resourceFromAttributes({
          'service.name': name,
          'service.version': '1.4.2',
          'service.namespace': 'shop',
          'k8s.namespace.name': 'shop',
          'k8s.pod.name': `${name}-7d9f8b6c5-x2x7q`,
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.name': 'opentelemetry',
        }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      return [name, provider.getTracer(`@shop/${name}`, '1.4.2')] as const;
    }),
  );
  const t0 = Date.now() - 60_000;
  const call = (from: string, to: string, route: string, parent: import('@opentelemetry/api').Context, at: number, depth: number): number => {
    const clientSpan = tracers.get(from)!.startSpan(
      `GET ${route}`,
      { kind: api.SpanKind.CLIENT, startTime: at, attributes: { 'http.request.method': 'GET', 'url.full': `http://${to}:8080${route}`, 'server.address': to, 'server.port': 8080, 'network.protocol.version': '1.1' } },
      parent,
    );
    const serverCtx = api.trace.setSpan(parent, clientSpan);
    const server = tracers.get(to)!.startSpan(
      `GET ${route}`,
      { kind: api.SpanKind.SERVER, startTime: at + 1, attributes: { 'http.request.method': 'GET', 'http.route': route, 'url.path': route, 'url.scheme': 'http', 'user_agent.original': 'node-fetch/3', 'client.address': '10.0.3.17' } },
      serverCtx,
    );
    let end = at + 2;
    const inner = api.trace.setSpan(serverCtx, server);
    if (depth < 2) {
      for (const next of services.filter((s) => s !== to && s !== from).slice(0, 2)) {
        if (rand() < 0.6) end = call(to, next, `/api/${next}/${Math.floor(rand() * 100)}`, inner, end + 1, depth + 1);
      }
    }
    const db = tracers.get(to)!.startSpan('SELECT items', { kind: api.SpanKind.CLIENT, startTime: end, attributes: { 'db.system': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT * FROM items WHERE id = $1' } }, inner);
    db.end(end + 3);
    end += 4;
    const failed = rand() < 0.05;
    server.setAttribute('http.response.status_code', failed ? 503 : 200);
    if (failed) {
      server.addEvent('exception', { 'exception.type': 'UpstreamError', 'exception.message': 'connection reset by peer' }, end);
      server.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream failed' });
    }
    server.end(end);
    clientSpan.setAttribute('http.response.status_code', failed ? 503 : 200);
    clientSpan.end(end + 1);
    return end + 1;
  };
  while (exporter.getFinishedSpans().length < spansPerRequest * requests) {
    // Scattered: every request's traces start anywhere in 50 s. Live: in the `liveWindowMs` after
    // the previous request's, as a batch span processor sends what ended since its last export.
    const start = liveWindowMs === undefined ? t0 + Math.floor(rand() * 50_000) : t0 + Math.floor(exporter.getFinishedSpans().length / spansPerRequest) * liveWindowMs + Math.floor(rand() * liveWindowMs);
    const root = tracers.get('frontend')!.startSpan('GET /checkout', { kind: api.SpanKind.SERVER, startTime: start, attributes: { 'http.request.method': 'GET', 'http.route': '/checkout' } }, api.ROOT_CONTEXT);
    const end = call('frontend', 'checkout', '/api/checkout', api.trace.setSpan(api.ROOT_CONTEXT, root), start + 1, 0);
    root.setAttribute('http.response.status_code', 200);
    root.end(end + 1);
  }
  const all = exporter.getFinishedSpans().slice(0, spansPerRequest * requests);
  const out: Buffer[] = [];
  for (let i = 0; i < requests; i++) {
    out.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(all.slice(i * spansPerRequest, (i + 1) * spansPerRequest))!));
  }
  return out;
}

export interface IdOffsets {
  /** The 4 bytes after each trace id's MARKER. */
  readonly trace: readonly number[];
  /** The 2 bytes after each span id's SPAN_MARKER (span ids, parent span ids and links' span ids). */
  readonly span: readonly number[];
}

/** Where, in a payload, the counters of its ids are. */
export function markerOffsets(buf: Buffer): IdOffsets {
  const trace: number[] = [];
  const marker = Buffer.from(MARKER);
  for (let i = buf.indexOf(marker); i >= 0; i = buf.indexOf(marker, i + 1)) trace.push(i + MARKER.length);
  // A span id is a length-delimited field of 8 bytes: its length byte before the marker makes a
  // match inside other bytes (a timestamp, a trace id) as good as impossible.
  const span: number[] = [];
  const spanMarker = Buffer.from([8, ...SPAN_MARKER]);
  for (let i = buf.indexOf(spanMarker); i >= 0; i = buf.indexOf(spanMarker, i + 1)) span.push(i + spanMarker.length);
  return { trace, span };
}

/** A copy of `payload` with fresh trace and span ids: `n` written after every marker (`offsets` from markerOffsets). */
export function withFreshIds(payload: Buffer, offsets: IdOffsets, n: number): Buffer {
  const body = Buffer.from(payload);
  for (const at of offsets.trace) body.writeUInt32BE(n >>> 0, at);
  for (const at of offsets.span) body.writeUInt16BE(n & 0xffff, at);
  return body;
}
