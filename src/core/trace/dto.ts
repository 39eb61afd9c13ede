// The core model as the protocol's JSON (src/shared/protocol.ts documents the encoding). Pure and
// lossless: every bigint becomes a decimal string, bytes base64, Maps lists of {key, value}.
import type {
  AttrValueDto,
  AttributeDto,
  ChangedMessage,
  IngestCountersDto,
  LogDto,
  ReceiverStatsDto,
  ResourceDto,
  ScopeDto,
  SpanDto,
  StatsDto,
  StoreStatsDto,
  TraceDto,
  TraceLayoutDto,
  TraceQueryDto,
  TraceSummaryDto,
  ViewerMethod,
  ViewerMethods,
} from '../../shared/protocol';
import type { AttrValue, Attributes, LogRecord, Resource, Scope } from './model';
import { LAYOUT_ERROR, LAYOUT_HAS_LOGS, LAYOUT_ORPHAN, MAX_SEARCH_MATCHES } from '../../shared/protocol';
import { isError, nanoToMs, SPAN_KIND_NAMES } from './model';
import type { StoreChange, StoreStats, TraceLayout, TraceQuery, TraceStore, TraceSummary, TraceView } from './store';

export function toAttrValueDto(v: AttrValue): AttrValueDto {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { double: 'NaN' };
    if (v === Infinity) return { double: 'Infinity' };
    if (v === -Infinity) return { double: '-Infinity' };
    if (Object.is(v, -0)) return { double: '-0' };
    return v;
  }
  if (typeof v === 'bigint') return { int: v.toString() };
  if (v instanceof Uint8Array) return { bytes: toBase64(v) };
  if (Array.isArray(v)) return v.map((x: AttrValue) => toAttrValueDto(x));
  return { kvlist: toAttributesDto(v as Attributes) };
}

export function toAttributesDto(attrs: Attributes): AttributeDto[] {
  const out: AttributeDto[] = [];
  for (const [key, value] of attrs) out.push({ key, value: toAttrValueDto(value) });
  return out;
}

/** Standard base64 with padding; btoa exists in browsers and in Node 16+. */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  // Chunked: String.fromCharCode with a huge argument list overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function toSummaryDto(s: TraceSummary): TraceSummaryDto {
  return { ...s, services: [...s.services], startUnixNano: s.startUnixNano.toString(), durationNs: s.durationNs.toString() };
}

export function toStoreStatsDto(s: StoreStats): StoreStatsDto {
  return { ...s };
}

export function toStatsDto(store: StoreStats, ingest?: IngestCountersDto, receivers?: Readonly<Record<string, ReceiverStatsDto>>): StatsDto {
  return { store: toStoreStatsDto(store), ...(ingest && { ingest: { ...ingest } }), ...(receivers && { receivers }) };
}

export function toChangedMessage(c: Pick<StoreChange, 'added' | 'updated' | 'evicted' | 'stats'>): ChangedMessage {
  return { type: 'changed', added: [...c.added], updated: [...c.updated], evicted: [...c.evicted], stats: toStoreStatsDto(c.stats) };
}

export function toTraceDto(view: TraceView): TraceDto {
  // Resources and scopes are shared objects in the model (one per resourceSpans/scopeSpans), so
  // identity is the right key for listing each once.
  const resources: ResourceDto[] = [];
  const scopes: ScopeDto[] = [];
  const resourceIndex = new Map<Resource, number>();
  const scopeIndex = new Map<Scope, number>();
  const resourceOf = (r: Resource): number => {
    let i = resourceIndex.get(r);
    if (i === undefined) {
      i = resources.push({ serviceName: r.serviceName, attributes: toAttributesDto(r.attributes), droppedAttributesCount: r.droppedAttributesCount, schemaUrl: r.schemaUrl }) - 1;
      resourceIndex.set(r, i);
    }
    return i;
  };
  const scopeOf = (s: Scope): number => {
    let i = scopeIndex.get(s);
    if (i === undefined) {
      i = scopes.push({ name: s.name, version: s.version, attributes: toAttributesDto(s.attributes), droppedAttributesCount: s.droppedAttributesCount, schemaUrl: s.schemaUrl }) - 1;
      scopeIndex.set(s, i);
    }
    return i;
  };
  const log = (l: LogRecord): LogDto => ({
    timeUnixNano: l.timeUnixNano.toString(),
    timeUnixMs: nanoToMs(l.timeUnixNano),
    observedTimeUnixNano: l.observedTimeUnixNano.toString(),
    severityNumber: l.severityNumber,
    severityText: l.severityText,
    body: toAttrValueDto(l.body),
    attributes: toAttributesDto(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount,
    flags: l.flags,
    ...(l.traceId !== undefined && { traceId: l.traceId }),
    ...(l.spanId !== undefined && { spanId: l.spanId }),
    eventName: l.eventName,
    resource: resourceOf(l.resource),
    scope: scopeOf(l.scope),
  });
  const spans = view.spans.map(({ span: s, depth, orphan, logs, skewNs, skewMs, adjustedStartUnixNano, adjustedStartUnixMs }): SpanDto => ({
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId !== undefined && { parentSpanId: s.parentSpanId }),
    traceState: s.traceState,
    flags: s.flags,
    name: s.name,
    kind: s.kind,
    kindName: SPAN_KIND_NAMES[s.kind] ?? String(s.kind),
    startUnixNano: s.startUnixNano.toString(),
    endUnixNano: s.endUnixNano.toString(),
    durationNs: s.durationNs.toString(),
    startUnixMs: s.startUnixMs,
    durationMs: s.durationMs,
    attributes: toAttributesDto(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({
      name: e.name,
      timeUnixNano: e.timeUnixNano.toString(),
      timeUnixMs: nanoToMs(e.timeUnixNano),
      attributes: toAttributesDto(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount,
    })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: toAttributesDto(l.attributes), droppedAttributesCount: l.droppedAttributesCount, flags: l.flags })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: s.status.code, message: s.status.message },
    serviceName: s.resource.serviceName,
    resource: resourceOf(s.resource),
    scope: scopeOf(s.scope),
    depth,
    orphan,
    logs: logs.map(log),
    skewNs: skewNs.toString(),
    skewMs,
    adjustedStartUnixNano: adjustedStartUnixNano.toString(),
    adjustedStartUnixMs,
  }));
  return { summary: toSummaryDto(view.summary), spans, unattachedLogs: view.unattachedLogs.map(log), resources, scopes, warnings: [...view.warnings] };
}

/**
 * The waterfall's arrays. Times become ns offsets from the earliest adjusted start as numbers:
 * exact below 2^53 ns, and a tenth of the size of the decimal strings TraceDto carries.
 */
export function toLayoutDto(layout: TraceLayout): TraceLayoutDto {
  const n = layout.spans.length;
  let origin: bigint | undefined;
  for (const p of layout.spans) {
    const start = p.span.startUnixNano + p.skewNs;
    if (origin === undefined || start < origin) origin = start;
  }
  origin ??= layout.summary.startUnixNano;
  const services: string[] = [];
  const names: string[] = [];
  const serviceAt = new Map<string, number>();
  const nameAt = new Map<string, number>();
  const indexIn = (table: string[], at: Map<string, number>, v: string): number => {
    let i = at.get(v);
    if (i === undefined) {
      i = table.push(v) - 1;
      at.set(v, i);
    }
    return i;
  };
  const spanIds = new Array<string>(n);
  const depths = new Array<number>(n);
  const serviceIndex = new Array<number>(n);
  const nameIndex = new Array<number>(n);
  const startNs = new Array<number>(n);
  const durationNs = new Array<number>(n);
  const kinds = new Array<number>(n);
  const flags = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const { span: s, depth, orphan, skewNs } = layout.spans[i];
    spanIds[i] = s.spanId;
    depths[i] = depth;
    serviceIndex[i] = indexIn(services, serviceAt, s.resource.serviceName);
    nameIndex[i] = indexIn(names, nameAt, s.name);
    startNs[i] = Number(s.startUnixNano + skewNs - origin);
    const d = s.endUnixNano - s.startUnixNano;
    durationNs[i] = d > 0n ? Number(d) : 0;
    kinds[i] = s.kind;
    flags[i] = (isError(s) ? LAYOUT_ERROR : 0) | (orphan ? LAYOUT_ORPHAN : 0) | (layout.hasLogs(s.spanId) ? LAYOUT_HAS_LOGS : 0);
  }
  const m = layout.events.length;
  const eventSpan = new Array<number>(m);
  const eventNs = new Array<number>(m);
  const eventName = new Array<string>(m);
  for (let k = 0; k < m; k++) {
    const ev = layout.events[k];
    eventSpan[k] = ev.index;
    eventNs[k] = Number(ev.timeUnixNano - origin);
    eventName[k] = ev.name;
  }
  return {
    summary: toSummaryDto(layout.summary),
    startUnixNano: origin.toString(),
    startUnixMs: nanoToMs(origin),
    services,
    names,
    spanIds,
    depths,
    serviceIndex,
    nameIndex,
    startNs,
    durationNs,
    kinds,
    flags,
    eventSpan,
    eventNs,
    eventName,
    warnings: [...layout.warnings],
  };
}

/** The protocol's query (ms names, as the viewer's controls have them) as the store's. */
export function fromTraceQueryDto(q: TraceQueryDto): TraceQuery {
  return {
    service: q.service,
    operation: q.operation,
    minDurationMs: q.minMs,
    maxDurationMs: q.maxMs,
    error: q.error,
    attributes: q.attributes,
    text: q.text,
    limit: q.limit,
    debugSession: q.debugSession,
  };
}

/** The viewer methods answerFromStore answers (the others are the graph's, or the host's own). */
export const STORE_METHODS = ['query', 'trace', 'layout', 'span', 'search', 'services', 'stats', 'debugSessionCounts', 'traceAt'] as const satisfies readonly ViewerMethod[];
export type StoreMethod = (typeof STORE_METHODS)[number];
const STORE_METHOD_SET: ReadonlySet<string> = new Set(STORE_METHODS);

export function isStoreMethod(method: string): method is StoreMethod {
  return STORE_METHOD_SET.has(method);
}

/**
 * A viewer request answered from a store: the one place that turns `query`, `trace` and `services`
 * into DTOs, for the trace worker (extension) and the API server (meshlens serve) alike. `stats`
 * is the caller's, since only it knows its receivers and forwarder.
 */
export function answerFromStore<M extends ViewerMethod>(store: TraceStore, method: M, params: ViewerMethods[M]['params'], stats: () => StatsDto): ViewerMethods[M]['result'] {
  type R = ViewerMethods[M]['result'];
  switch (method) {
    case 'query':
      return { traces: store.query(fromTraceQueryDto(params as ViewerMethods['query']['params'])).map(toSummaryDto) } as R;
    case 'trace': {
      const view = store.getTrace((params as ViewerMethods['trace']['params']).traceId);
      return (view ? toTraceDto(view) : null) as R;
    }
    case 'layout': {
      const layout = store.getLayout((params as ViewerMethods['layout']['params']).traceId);
      return (layout ? toLayoutDto(layout) : null) as R;
    }
    case 'span': {
      const { traceId, spanId } = params as ViewerMethods['span']['params'];
      const found = store.getSpan(traceId, spanId);
      return (found ? toTraceDto({ summary: found.summary, spans: [found.node], unattachedLogs: [], warnings: [] }) : null) as R;
    }
    case 'search': {
      const { traceId, text } = params as ViewerMethods['search']['params'];
      return (store.searchTrace(traceId, text, MAX_SEARCH_MATCHES) ?? null) as R;
    }
    case 'services':
      return { services: store.services() } as R;
    case 'stats':
      return stats() as R;
    case 'debugSessionCounts':
      return { counts: store.debugSessionCounts((params as ViewerMethods['debugSessionCounts']['params']).ids) } as R;
    case 'traceAt':
      return store.traceAt(params as ViewerMethods['traceAt']['params']) as R;
  }
  throw new Error(`unknown method ${String(method)}`);
}
