// Jaeger JSON, as Jaeger UI's "Download JSON" and the query API (`/api/traces`) give it:
// `{data: [{traceID, spans, processes}]}`. The mapping follows the OpenTelemetry collector's Jaeger
// translator (contrib pkg/translator/jaeger, jaegerproto_to_traces.go), so an imported trace reads
// like one that went through the collector.
import type { AttrValue, Resource, Scope, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from './model';
import { OtlpDecodeError } from './errors';
import { paddedHexId, SPAN_ID_HEX, TRACE_ID_HEX, typeName } from './ids';
import { EMPTY_ATTRS, makeResource, makeScope, makeSpan } from './build';
import { arr, base64, Collected, obj, str, type DecodedTraces, type Obj } from './json';
import { micros } from './zipkin';

// The OpenTracing `span.kind` tag; the collector drops it and reads anything else as UNSPECIFIED.
const KINDS: Record<string, SpanKind> = { client: 3, server: 2, producer: 4, consumer: 5, internal: 1 };
const STATUS: Record<string, StatusCode> = { OK: 1, ERROR: 2 };
const SCOPE_NAME = ['otel.scope.name', 'otel.library.name'];
const SCOPE_VERSION = ['otel.scope.version', 'otel.library.version'];

/** `root` is the parsed file: `{data: [...]}` or one trace object `{traceID, spans, processes}`. */
export function decodeJaegerJson(root: Obj): DecodedTraces {
  const spans = new Collected<Span>();
  const traces = Array.isArray(root.data) ? root.data : [root];
  const base = Array.isArray(root.data) ? 'data' : '';
  for (let i = 0; i < traces.length; i++) {
    const tp = base ? `${base}[${i}]` : '';
    const t = obj(traces[i], tp || 'trace');
    const processes = obj(t.processes, join(tp, 'processes'));
    // One Resource per process and one Scope per library within it, shared by their spans.
    const resources = new Map<string, { resource: Resource; scopes: Map<string, Scope> }>();
    const list = arr(t.spans, join(tp, 'spans'));
    for (let k = 0; k < list.length; k++) {
      try {
        spans.items.push(readSpan(list[k], join(tp, `spans[${k}]`), processes, join(tp, 'processes'), resources));
      } catch (e) {
        spans.reject(e);
      }
    }
  }
  return { spans: spans.items, rejected: spans.rejected, rejectMessage: spans.rejectMessage };
}

function join(base: string, field: string): string {
  return base ? `${base}.${field}` : field;
}

function readSpan(
  raw: unknown,
  p: string,
  processes: Obj,
  pp: string,
  resources: Map<string, { resource: Resource; scopes: Map<string, Scope> }>,
): Span {
  const s = obj(raw, p);
  const tags = readTags(s.tags, `${p}.tags`);
  const startUs = micros(s.startTime, `${p}.startTime`) ?? 0n;
  const durationUs = micros(s.duration, `${p}.duration`) ?? 0n;
  const name = str(s.operationName, `${p}.operationName`);
  const events = arr(s.logs, `${p}.logs`).map((l, j) => readLog(l, `${p}.logs[${j}]`));
  const refs = arr(s.references, `${p}.references`).map((r, j) => readRef(r, `${p}.references[${j}]`));
  const processId = str(s.processID, `${p}.processID`);
  let group = resources.get(processId);
  if (!group) {
    group = { resource: readProcess(s.process ?? processes[processId], processId, s.process ? `${p}.process` : `${pp}.${processId}`, p), scopes: new Map() };
    resources.set(processId, group);
  }
  const traceId = paddedHexId(s.traceID, TRACE_ID_HEX, `${p}.traceID`, false)!;
  const spanId = paddedHexId(s.spanID, SPAN_ID_HEX, `${p}.spanID`, false)!;

  const scopeName = take(tags, SCOPE_NAME);
  const scopeVersion = take(tags, SCOPE_VERSION);
  const scopeKey = `${String(scopeName ?? '')}\u0000${String(scopeVersion ?? '')}`;
  let scope = group.scopes.get(scopeKey);
  if (!scope) {
    scope = makeScope(String(scopeName ?? ''), String(scopeVersion ?? ''), EMPTY_ATTRS, 0, '');
    group.scopes.set(scopeKey, scope);
  }

  const kindTag = take(tags, ['span.kind']);
  const kind: SpanKind = typeof kindTag === 'string' && Object.prototype.hasOwnProperty.call(KINDS, kindTag) ? KINDS[kindTag] : 0;
  const traceState = take(tags, ['w3c.tracestate']);

  // The collector: a true `error` tag is "the ultimate truth" and wins; otherwise `otel.status_code`.
  let code: StatusCode = 0;
  const codeTag = take(tags, ['otel.status_code']);
  const message = take(tags, ['otel.status_description']);
  const error = tags.get('error');
  if (error === true || error === 'true') {
    code = 2;
    tags.delete('error');
  } else if (typeof codeTag === 'string' && Object.prototype.hasOwnProperty.call(STATUS, codeTag)) {
    code = STATUS[codeTag];
  }

  // The span's parent is its first CHILD_OF reference within the trace (Jaeger's ParentSpanID());
  // every other reference, FOLLOWS_FROM above all, becomes a link, as the collector makes them.
  const parentIndex = refs.findIndex((r) => r.type === 'CHILD_OF' && r.link.traceId === traceId);
  const legacyParent = paddedHexId(s.parentSpanID, SPAN_ID_HEX, `${p}.parentSpanID`, true);
  const links = refs.filter((_, j) => j !== parentIndex).map((r) => r.link);

  return makeSpan({
    traceId,
    spanId,
    parentSpanId: parentIndex >= 0 ? refs[parentIndex].link.spanId : legacyParent,
    traceState: typeof traceState === 'string' ? traceState : '',
    flags: 0,
    name,
    kind,
    startUnixNano: startUs * 1000n,
    endUnixNano: (startUs + durationUs) * 1000n,
    attributes: tags.size ? tags : EMPTY_ATTRS,
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    status: { code, message: code !== 0 && typeof message === 'string' ? message : '' },
    resource: group.resource,
    scope,
  });
}

function readProcess(raw: unknown, id: string, p: string, spanPath: string): Resource {
  if (raw === undefined || raw === null) throw new OtlpDecodeError(`${spanPath}.processID`, `"${id}" is not one of the trace's processes`);
  const pr = obj(raw, p);
  const attrs = new Map<string, AttrValue>();
  const service = str(pr.serviceName, `${p}.serviceName`);
  if (service !== '') attrs.set('service.name', service);
  for (const [k, v] of readTags(pr.tags, `${p}.tags`)) attrs.set(k, v);
  return makeResource(attrs.size ? attrs : EMPTY_ATTRS, 0, '');
}

function readRef(raw: unknown, p: string): { type: string; link: SpanLink } {
  const r = obj(raw, p);
  const type = str(r.refType, `${p}.refType`);
  if (type !== 'CHILD_OF' && type !== 'FOLLOWS_FROM') throw new OtlpDecodeError(`${p}.refType`, `must be CHILD_OF or FOLLOWS_FROM, got "${type}"`);
  return {
    type,
    link: {
      traceId: paddedHexId(r.traceID, TRACE_ID_HEX, `${p}.traceID`, false)!,
      spanId: paddedHexId(r.spanID, SPAN_ID_HEX, `${p}.spanID`, false)!,
      traceState: '',
      // The collector's attribute for the kind of reference a link came from.
      attributes: new Map([['opentracing.ref_type', type.toLowerCase()]]),
      droppedAttributesCount: 0,
      flags: 0,
    },
  };
}

/** A log becomes an event; its `event` field is the event's name, as the collector reads it. */
function readLog(raw: unknown, p: string): SpanEvent {
  const l = obj(raw, p);
  const fields = readTags(l.fields, `${p}.fields`);
  const name = take(fields, ['event']);
  return {
    name: typeof name === 'string' ? name : '',
    timeUnixNano: (micros(l.timestamp, `${p}.timestamp`) ?? 0n) * 1000n,
    attributes: fields.size ? fields : EMPTY_ATTRS,
    droppedAttributesCount: 0,
  };
}

/** Removes and returns the first of the names present. */
function take(m: Map<string, AttrValue>, names: readonly string[]): AttrValue | undefined {
  for (const n of names) {
    if (m.has(n)) {
      const v = m.get(n);
      m.delete(n);
      return v;
    }
  }
  return undefined;
}

/** Jaeger key/value tags `{key, type, value}`; without `type`, the JSON type decides. */
function readTags(raw: unknown, p: string): Map<string, AttrValue> {
  const out = new Map<string, AttrValue>();
  const list = arr(raw, p);
  for (let i = 0; i < list.length; i++) {
    const kp = `${p}[${i}]`;
    const kv = obj(list[i], kp);
    if (typeof kv.key !== 'string') throw new OtlpDecodeError(`${kp}.key`, `must be a string, got ${typeName(kv.key)}`);
    out.set(kv.key, tagValue(kv.value, str(kv.type, `${kp}.type`).toLowerCase(), `${kp}.value`));
  }
  return out;
}

function tagValue(v: unknown, type: string, p: string): AttrValue {
  const bad = (what: string): OtlpDecodeError => new OtlpDecodeError(p, `must be ${what}, got ${typeName(v)}`);
  switch (type === '' ? typeof v : type) {
    case 'string':
      if (typeof v !== 'string') throw bad('a string');
      return v;
    case 'bool':
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw bad('a boolean');
    case 'int64':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      throw bad('an integer');
    case 'number':
      // Untyped: an integral JSON number is int64 and anything else a double, as jsonMapToAttributeMap does.
      return Number.isSafeInteger(v) ? BigInt(v as number) : (v as number);
    case 'float64':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
      throw bad('a number');
    case 'binary':
      return base64(v, p);
    default:
      throw new OtlpDecodeError(p.replace(/\.value$/, '.type'), `must be one of string, bool, int64, float64, binary, got "${type || typeof v}"`);
  }
}
