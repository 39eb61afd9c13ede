// OTLP/JSON decoding (ExportTraceServiceRequest, ExportLogsServiceRequest) into the normalised
// model. Follows the OTLP/JSON rules: ids are hex (not base64 as plain proto3 JSON would have them),
// 64-bit integers are decimal strings or numbers, enums are numbers or their names, `bytesValue`
// is base64. A malformed payload is an OtlpDecodeError naming the field and the whole request is
// rejected, as the collector does for a payload it cannot unmarshal; a well-formed span or log
// record that lacks a required id (absent or all zeros) is left out alone and counted, for OTLP's
// `partial_success`.
import type { AttrValue, Attributes, LogRecord, Resource, Scope, Span, SpanEvent, SpanHead, SpanKind, SpanLink, StatusCode } from './model';
import { OtlpDecodeError } from './errors';
import { hexId, SPAN_ID_HEX, TRACE_ID_HEX, typeName } from './ids';
import { EMPTY_ATTRS, makeResource, makeScope, makeSpan } from './build';

export type Obj = Record<string, unknown>;

const MAX_DEPTH = 32;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const DECIMAL = /^-?\d+$/;

const SPAN_KINDS: Record<string, SpanKind> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, StatusCode> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/**
 * Where each decoded span lies in the protobuf request: `ranges[2i]`..`ranges[2i + 1]` are the
 * byte offsets of `spans[i]` in `bytes`. The store keeps these instead of the span objects and
 * decodes a span again when it is shown (see store.ts: PackedSpan).
 */
export interface PackedSource {
  readonly bytes: Uint8Array;
  readonly ranges: readonly number[];
}

export interface DecodedTraces {
  readonly spans: Span[];
  /** Only from the protobuf decoder. */
  readonly packed?: PackedSource;
  /** Spans left out because an id they need is absent or all zeros (OTLP `partial_success`). */
  readonly rejected: number;
  /** Why the first of them was left out, with its path; '' when none was. */
  readonly rejectMessage: string;
}
/** The protobuf decoder's `heads` mode: what the store keeps, with where each span's bytes are. */
export interface DecodedHeads {
  readonly heads: SpanHead[];
  readonly packed: PackedSource;
  readonly rejected: number;
  readonly rejectMessage: string;
}
export interface DecodedLogs {
  readonly logs: LogRecord[];
  readonly rejected: number;
  readonly rejectMessage: string;
}

/**
 * Collects the items of a request and the ones left out. Only an `itemOnly` decode error drops
 * one item; anything else still fails the whole request.
 */
export class Collected<T> {
  readonly items: T[] = [];
  rejected = 0;
  rejectMessage = '';

  /** Called from a catch around one item: rethrows what is not about that item alone. */
  reject(e: unknown): void {
    if (!(e instanceof OtlpDecodeError) || !e.itemOnly) throw e;
    if (this.rejected++ === 0) this.rejectMessage = e.message;
  }
}

/** Text, UTF-8 bytes or an already parsed value. */
export type JsonInput = string | Uint8Array | unknown;

export function decodeTracesJson(input: JsonInput): DecodedTraces {
  const root = parseRoot(input);
  const spans = new Collected<Span>();
  const rss = arr(root.resourceSpans, 'resourceSpans');
  for (let i = 0; i < rss.length; i++) {
    const rp = `resourceSpans[${i}]`;
    const rs = obj(rss[i], rp);
    const resource = readResource(rs.resource, `${rp}.resource`, str(rs.schemaUrl, `${rp}.schemaUrl`));
    const sss = arr(rs.scopeSpans, `${rp}.scopeSpans`);
    for (let j = 0; j < sss.length; j++) {
      const sp = `${rp}.scopeSpans[${j}]`;
      const ss = obj(sss[j], sp);
      const scope = readScope(ss.scope, `${sp}.scope`, str(ss.schemaUrl, `${sp}.schemaUrl`));
      const list = arr(ss.spans, `${sp}.spans`);
      for (let k = 0; k < list.length; k++) {
        try {
          spans.items.push(readSpan(list[k], `${sp}.spans[${k}]`, resource, scope));
        } catch (e) {
          spans.reject(e);
        }
      }
    }
  }
  return { spans: spans.items, rejected: spans.rejected, rejectMessage: spans.rejectMessage };
}

export function decodeLogsJson(input: JsonInput): DecodedLogs {
  const root = parseRoot(input);
  const logs = new Collected<LogRecord>();
  const rls = arr(root.resourceLogs, 'resourceLogs');
  for (let i = 0; i < rls.length; i++) {
    const rp = `resourceLogs[${i}]`;
    const rl = obj(rls[i], rp);
    const resource = readResource(rl.resource, `${rp}.resource`, str(rl.schemaUrl, `${rp}.schemaUrl`));
    const sls = arr(rl.scopeLogs, `${rp}.scopeLogs`);
    for (let j = 0; j < sls.length; j++) {
      const sp = `${rp}.scopeLogs[${j}]`;
      const sl = obj(sls[j], sp);
      const scope = readScope(sl.scope, `${sp}.scope`, str(sl.schemaUrl, `${sp}.schemaUrl`));
      const list = arr(sl.logRecords, `${sp}.logRecords`);
      for (let k = 0; k < list.length; k++) {
        try {
          logs.items.push(readLog(list[k], `${sp}.logRecords[${k}]`, resource, scope));
        } catch (e) {
          logs.reject(e);
        }
      }
    }
  }
  return { logs: logs.items, rejected: logs.rejected, rejectMessage: logs.rejectMessage };
}

function parseRoot(input: JsonInput): Obj {
  const value = parseJson(input);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OtlpDecodeError('', `request must be a JSON object, got ${typeName(value)}`);
  }
  return value as Obj;
}

/** Text or UTF-8 bytes parsed; anything else passed through. Shared with the Zipkin and file decoders. */
export function parseJson(input: JsonInput): unknown {
  let value: unknown = input;
  if (input instanceof Uint8Array) {
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new OtlpDecodeError('', 'body is not valid UTF-8');
    }
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (e) {
      throw new OtlpDecodeError('', `invalid JSON: ${(e as Error).message}`);
    }
  }
  return value;
}

function readSpan(raw: unknown, p: string, resource: Resource, scope: Scope): Span {
  const s = obj(raw, p);
  const status = s.status === undefined || s.status === null ? undefined : obj(s.status, `${p}.status`);
  return makeSpan({
    traceId: hexId(s.traceId, TRACE_ID_HEX, `${p}.traceId`, false)!,
    spanId: hexId(s.spanId, SPAN_ID_HEX, `${p}.spanId`, false)!,
    parentSpanId: hexId(s.parentSpanId, SPAN_ID_HEX, `${p}.parentSpanId`, true),
    traceState: str(s.traceState, `${p}.traceState`),
    flags: u32(s.flags, `${p}.flags`),
    name: str(s.name, `${p}.name`),
    kind: enumValue(s.kind, SPAN_KINDS, 5, `${p}.kind`) as SpanKind,
    startUnixNano: u64(s.startTimeUnixNano, `${p}.startTimeUnixNano`),
    endUnixNano: u64(s.endTimeUnixNano, `${p}.endTimeUnixNano`),
    attributes: attrs(s.attributes, `${p}.attributes`),
    droppedAttributesCount: u32(s.droppedAttributesCount, `${p}.droppedAttributesCount`),
    events: arr(s.events, `${p}.events`).map((e, i) => readEvent(e, `${p}.events[${i}]`)),
    droppedEventsCount: u32(s.droppedEventsCount, `${p}.droppedEventsCount`),
    links: arr(s.links, `${p}.links`).map((l, i) => readLink(l, `${p}.links[${i}]`)),
    droppedLinksCount: u32(s.droppedLinksCount, `${p}.droppedLinksCount`),
    status: status
      ? {
          code: enumValue(status.code, STATUS_CODES, 2, `${p}.status.code`) as StatusCode,
          message: str(status.message, `${p}.status.message`),
        }
      : { code: 0, message: '' },
    resource,
    scope,
  });
}

function readEvent(raw: unknown, p: string): SpanEvent {
  const e = obj(raw, p);
  return {
    name: str(e.name, `${p}.name`),
    timeUnixNano: u64(e.timeUnixNano, `${p}.timeUnixNano`),
    attributes: attrs(e.attributes, `${p}.attributes`),
    droppedAttributesCount: u32(e.droppedAttributesCount, `${p}.droppedAttributesCount`),
  };
}

function readLink(raw: unknown, p: string): SpanLink {
  const l = obj(raw, p);
  return {
    traceId: hexId(l.traceId, TRACE_ID_HEX, `${p}.traceId`, false)!,
    spanId: hexId(l.spanId, SPAN_ID_HEX, `${p}.spanId`, false)!,
    traceState: str(l.traceState, `${p}.traceState`),
    attributes: attrs(l.attributes, `${p}.attributes`),
    droppedAttributesCount: u32(l.droppedAttributesCount, `${p}.droppedAttributesCount`),
    flags: u32(l.flags, `${p}.flags`),
  };
}

function readLog(raw: unknown, p: string, resource: Resource, scope: Scope): LogRecord {
  const r = obj(raw, p);
  return {
    timeUnixNano: u64(r.timeUnixNano, `${p}.timeUnixNano`),
    observedTimeUnixNano: u64(r.observedTimeUnixNano, `${p}.observedTimeUnixNano`),
    severityNumber: enumValue(r.severityNumber, SEVERITY_NUMBERS, 24, `${p}.severityNumber`),
    severityText: str(r.severityText, `${p}.severityText`),
    body: r.body === undefined || r.body === null ? null : anyValue(r.body, `${p}.body`, 0),
    attributes: attrs(r.attributes, `${p}.attributes`),
    droppedAttributesCount: u32(r.droppedAttributesCount, `${p}.droppedAttributesCount`),
    flags: u32(r.flags, `${p}.flags`),
    traceId: hexId(r.traceId, TRACE_ID_HEX, `${p}.traceId`, true),
    spanId: hexId(r.spanId, SPAN_ID_HEX, `${p}.spanId`, true),
    eventName: str(r.eventName, `${p}.eventName`),
    resource,
    scope,
  };
}

const SEVERITY_NUMBERS: Record<string, number> = (() => {
  const names = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  const out: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
  names.forEach((n, i) => {
    out[`SEVERITY_NUMBER_${n}`] = i * 4 + 1;
    for (let k = 2; k <= 4; k++) out[`SEVERITY_NUMBER_${n}${k}`] = i * 4 + k;
  });
  return out;
})();

function readResource(raw: unknown, p: string, schemaUrl: string): Resource {
  if (raw === undefined || raw === null) return makeResource(EMPTY_ATTRS, 0, schemaUrl);
  const r = obj(raw, p);
  return makeResource(attrs(r.attributes, `${p}.attributes`), u32(r.droppedAttributesCount, `${p}.droppedAttributesCount`), schemaUrl);
}

function readScope(raw: unknown, p: string, schemaUrl: string): Scope {
  if (raw === undefined || raw === null) return makeScope('', '', EMPTY_ATTRS, 0, schemaUrl);
  const s = obj(raw, p);
  return makeScope(
    str(s.name, `${p}.name`),
    str(s.version, `${p}.version`),
    attrs(s.attributes, `${p}.attributes`),
    u32(s.droppedAttributesCount, `${p}.droppedAttributesCount`),
    schemaUrl,
  );
}

function attrs(raw: unknown, p: string, depth = 0): Attributes {
  const list = arr(raw, p);
  if (list.length === 0) return EMPTY_ATTRS;
  const out = new Map<string, AttrValue>();
  for (let i = 0; i < list.length; i++) {
    const kp = `${p}[${i}]`;
    const kv = obj(list[i], kp);
    if (typeof kv.key !== 'string') throw new OtlpDecodeError(`${kp}.key`, `must be a string, got ${typeName(kv.key)}`);
    out.set(kv.key, kv.value === undefined || kv.value === null ? null : anyValue(kv.value, `${kp}.value`, depth));
  }
  return out;
}

function anyValue(raw: unknown, p: string, depth: number): AttrValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(p, `nested deeper than ${MAX_DEPTH} levels`);
  const v = obj(raw, p);
  if ('stringValue' in v) return str(v.stringValue, `${p}.stringValue`);
  if ('boolValue' in v) {
    if (typeof v.boolValue !== 'boolean') throw new OtlpDecodeError(`${p}.boolValue`, `must be a boolean, got ${typeName(v.boolValue)}`);
    return v.boolValue;
  }
  if ('intValue' in v) return i64(v.intValue, `${p}.intValue`);
  if ('doubleValue' in v) return double(v.doubleValue, `${p}.doubleValue`);
  if ('arrayValue' in v) {
    const a = obj(v.arrayValue, `${p}.arrayValue`);
    return arr(a.values, `${p}.arrayValue.values`).map((x, i) => anyValue(x, `${p}.arrayValue.values[${i}]`, depth + 1));
  }
  if ('kvlistValue' in v) {
    const kvl = obj(v.kvlistValue, `${p}.kvlistValue`);
    return attrs(kvl.values, `${p}.kvlistValue.values`, depth + 1);
  }
  if ('bytesValue' in v) return base64(v.bytesValue, `${p}.bytesValue`);
  return null;
}

export function obj(raw: unknown, p: string): Obj {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new OtlpDecodeError(p, `must be an object, got ${typeName(raw)}`);
  return raw as Obj;
}

export function arr(raw: unknown, p: string): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new OtlpDecodeError(p, `must be an array, got ${typeName(raw)}`);
  return raw;
}

export function str(raw: unknown, p: string): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string') throw new OtlpDecodeError(p, `must be a string, got ${typeName(raw)}`);
  return raw;
}

function u32(raw: unknown, p: string): number {
  if (raw === undefined || raw === null) return 0;
  const n = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new OtlpDecodeError(p, `must be an unsigned 32-bit integer, got ${typeName(raw)}`);
  }
  return n;
}

function int64(raw: unknown, p: string, what: string): bigint {
  if (typeof raw === 'string' && DECIMAL.test(raw)) return BigInt(raw);
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  throw new OtlpDecodeError(p, `must be ${what} as a decimal string or a safe integer, got ${typeName(raw)}`);
}

function u64(raw: unknown, p: string): bigint {
  if (raw === undefined || raw === null) return 0n;
  const n = int64(raw, p, 'an unsigned 64-bit integer');
  if (n < 0n || n > U64_MAX) throw new OtlpDecodeError(p, `is out of the unsigned 64-bit range: ${n}`);
  return n;
}

function i64(raw: unknown, p: string): bigint {
  const n = int64(raw, p, 'a 64-bit integer');
  if (n < I64_MIN || n > I64_MAX) throw new OtlpDecodeError(p, `is out of the signed 64-bit range: ${n}`);
  return n;
}

function double(raw: unknown, p: string): number {
  if (typeof raw === 'number') return raw;
  // Proto3 JSON writes non-finite doubles (and may write any double) as strings.
  if (typeof raw === 'string') {
    if (raw === 'NaN') return NaN;
    if (raw === 'Infinity') return Infinity;
    if (raw === '-Infinity') return -Infinity;
    const n = Number(raw);
    if (raw.trim() !== '' && Number.isFinite(n)) return n;
  }
  throw new OtlpDecodeError(p, `must be a number, got ${typeName(raw)}`);
}

function enumValue(raw: unknown, names: Record<string, number>, max: number, p: string): number {
  if (raw === undefined || raw === null) return 0;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= max) return raw;
  if (typeof raw === 'string' && Object.prototype.hasOwnProperty.call(names, raw)) return names[raw];
  throw new OtlpDecodeError(p, `must be one of ${Object.keys(names).join(', ')} or 0..${max}, got ${typeName(raw)}`);
}

const B64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function base64(raw: unknown, p: string): Uint8Array {
  if (typeof raw !== 'string' || !B64.test(raw)) throw new OtlpDecodeError(p, `must be base64, got ${typeName(raw)}`);
  let bin: string;
  try {
    bin = atob(raw.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new OtlpDecodeError(p, 'is not valid base64');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
