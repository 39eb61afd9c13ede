// Normalised spans and logs back to OTLP/JSON (ExportTraceServiceRequest, ExportLogsServiceRequest):
// what "save these traces" writes, readable by the collector, by Jaeger's OTLP import and by our
// own decoders, which read it back to the same values (the round trip is tested). The model keeps
// each attribute's OTLP kind, so nothing has to be guessed here: bigint is intValue, number is
// doubleValue.
import type { AttrValue, Attributes, LogRecord, Resource, Scope, Span } from './model';
import { toBase64 } from './dto';

type Json = Record<string, unknown>;

export function encodeTracesJson(spans: readonly Span[]): string {
  return JSON.stringify({
    resourceSpans: group(spans).map(([resource, scopes]) => ({
      resource: resourceJson(resource),
      scopeSpans: scopes.map(([scope, list]) => ({ scope: scopeJson(scope), spans: list.map(spanJson), schemaUrl: scope.schemaUrl })),
      schemaUrl: resource.schemaUrl,
    })),
  });
}

export function encodeLogsJson(logs: readonly LogRecord[]): string {
  return JSON.stringify({
    resourceLogs: group(logs).map(([resource, scopes]) => ({
      resource: resourceJson(resource),
      scopeLogs: scopes.map(([scope, list]) => ({ scope: scopeJson(scope), logRecords: list.map(logJson), schemaUrl: scope.schemaUrl })),
      schemaUrl: resource.schemaUrl,
    })),
  });
}

/**
 * Items under their Resource and Scope, by object identity (the model shares one object per
 * resourceSpans/scopeSpans), in first-seen order, so a decoded request encodes to the same shape.
 */
function group<T extends { resource: Resource; scope: Scope }>(items: readonly T[]): [Resource, [Scope, T[]][]][] {
  const byResource = new Map<Resource, Map<Scope, T[]>>();
  for (const item of items) {
    let scopes = byResource.get(item.resource);
    if (!scopes) byResource.set(item.resource, (scopes = new Map()));
    let list = scopes.get(item.scope);
    if (!list) scopes.set(item.scope, (list = []));
    list.push(item);
  }
  return [...byResource].map(([r, scopes]) => [r, [...scopes]]);
}

function resourceJson(r: Resource): Json {
  return { attributes: attrsJson(r.attributes), droppedAttributesCount: r.droppedAttributesCount };
}

function scopeJson(s: Scope): Json {
  return { name: s.name, version: s.version, attributes: attrsJson(s.attributes), droppedAttributesCount: s.droppedAttributesCount };
}

function spanJson(s: Span): Json {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    traceState: s.traceState,
    flags: s.flags,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: String(s.startUnixNano),
    endTimeUnixNano: String(s.endUnixNano),
    attributes: attrsJson(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({
      timeUnixNano: String(e.timeUnixNano),
      name: e.name,
      attributes: attrsJson(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount,
    })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      traceState: l.traceState,
      attributes: attrsJson(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount,
      flags: l.flags,
    })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: s.status.code, message: s.status.message },
  };
}

function logJson(r: LogRecord): Json {
  return {
    timeUnixNano: String(r.timeUnixNano),
    observedTimeUnixNano: String(r.observedTimeUnixNano),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    ...(r.body === null ? {} : { body: anyValueJson(r.body) }),
    attributes: attrsJson(r.attributes),
    droppedAttributesCount: r.droppedAttributesCount,
    flags: r.flags,
    ...(r.traceId ? { traceId: r.traceId } : {}),
    ...(r.spanId ? { spanId: r.spanId } : {}),
    eventName: r.eventName,
  };
}

function attrsJson(attrs: Attributes): Json[] {
  const out: Json[] = [];
  for (const [key, value] of attrs) out.push({ key, value: anyValueJson(value) });
  return out;
}

function anyValueJson(v: AttrValue): Json {
  if (v === null) return {}; // an empty AnyValue, which the decoders read as null
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'bigint') return { intValue: String(v) };
  // JSON has no NaN, Infinity nor -0: proto3 JSON writes such doubles as strings.
  if (typeof v === 'number') return { doubleValue: Number.isFinite(v) && !Object.is(v, -0) ? v : Object.is(v, -0) ? '-0' : String(v) };
  if (v instanceof Uint8Array) return { bytesValue: toBase64(v) };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x: AttrValue) => anyValueJson(x)) } };
  return { kvlistValue: { values: attrsJson(v as Attributes) } };
}
