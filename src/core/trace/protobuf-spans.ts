// The hot path of ingest: ExportTraceServiceRequest bytes straight to normalised spans, read with
// protobufjs' wire Reader but without its reflection messages. The reflection decoder builds a
// full object tree of the request (a message per span, per attribute, per value, a Buffer per id)
// that lives just long enough to be promoted by the garbage collector and then dies; at 1,000 spans
// per request that tree, not the wire format, was most of the cost (bench:ingest). Here each field
// goes once from the buffer into the model: ids to hex from the bytes in place, times to bigint
// from two 32-bit halves, attributes into their Map.
//
// It accepts exactly what the reflection decoder accepted (field numbers from otlp-schema.ts;
// unknown fields skipped; for a repeated scalar field the last value wins) and gives the same
// spans, errors and paths; test/unit/trace/protobuf.test.ts checks both against the JSON decoder.
// Error paths are spelled out only when an error happens: building them per span is a cost paid
// by every valid request.
import { Reader } from 'protobufjs/light';
import type { AttrValue, Resource, Scope, Span, SpanEvent, SpanKind, SpanLink, SpanStatus, StatusCode } from './model';
import { OtlpDecodeError } from './errors';
import { hexOf } from './ids';
import { makeResource, makeScope, makeSpan, EMPTY_ATTRS } from './build';
import { Collected, type DecodedTraces } from './json';

const MAX_DEPTH = 32;
const UNSET: SpanStatus = Object.freeze({ code: 0 as StatusCode, message: '' });
const NONE: never[] = Object.freeze([]) as unknown as never[];

// Wire types.
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** Thrown inside; turned into an OtlpDecodeError with the path where it happened. */
class Bad extends Error {}

/** Where the reader is, for error paths. */
interface At {
  ri: number;
  si: number;
  ki: number;
}

function spanPath(at: At): string {
  return `resourceSpans[${at.ri}].scopeSpans[${at.si}].spans[${at.ki}]`;
}

export function decodeTracesProtobufFast(bytes: Uint8Array): DecodedTraces {
  const r = Reader.create(bytes);
  const out = new Collected<Span>();
  const ranges: number[] = [];
  const at: At = { ri: -1, si: -1, ki: -1 };
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) {
        expect(tag, LEN, 'ExportTraceServiceRequest', 1);
        at.ri++;
        at.si = -1;
        at.ki = -1;
        resourceSpans(r, end(r), at, out, ranges);
      } else skip(r, tag);
    }
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw e;
    const msg = e instanceof RangeError && /call stack/.test(e.message) ? 'nested too deeply' : (e as Error).message;
    throw new OtlpDecodeError('', `invalid protobuf ExportTraceServiceRequest: ${msg}`);
  }
  return { spans: out.items, rejected: out.rejected, rejectMessage: out.rejectMessage, packed: { bytes: r.buf, ranges } };
}

/** One span again, from where the decoder found it (PackedSource); the bytes decoded before. */
export function decodeSpanAt(bytes: Uint8Array, from: number, to: number, resource: Resource, scope: Scope): Span {
  const r = Reader.create(bytes);
  r.pos = from;
  const span = readSpan(r, to, { ri: 0, si: 0, ki: 0 }, resource, scope);
  if (typeof span === 'string') throw new Error(`a stored span no longer decodes: ${span}`);
  return span;
}

function resourceSpans(r: Reader, stop: number, at: At, out: Collected<Span>, ranges: number[]): void {
  // Resource and schema URL may come after the spans on the wire: remember where the spans are.
  let resource: Resource | undefined;
  let schemaUrl = '';
  const scopes: [number, number][] = [];
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'ResourceSpans', 1);
        resource = readResource(r, end(r), at);
        break;
      case 2: {
        expect(tag, LEN, 'ResourceSpans', 2);
        const e = end(r);
        scopes.push([r.pos, e]);
        r.pos = e;
        break;
      }
      case 3:
        expect(tag, LEN, 'ResourceSpans', 3);
        schemaUrl = str(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  const res = resource ? makeResource(resource.attributes, resource.droppedAttributesCount, schemaUrl) : makeResource(EMPTY_ATTRS, 0, schemaUrl);
  for (const [from, to] of scopes) {
    r.pos = from;
    at.si++;
    at.ki = -1;
    scopeSpans(r, to, at, res, out, ranges);
  }
  r.pos = stop;
}

function scopeSpans(r: Reader, stop: number, at: At, resource: Resource, out: Collected<Span>, ranges: number[]): void {
  let scope: Scope | undefined;
  let schemaUrl = '';
  const spans: [number, number][] = [];
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'ScopeSpans', 1);
        scope = readScope(r, end(r), at);
        break;
      case 2: {
        expect(tag, LEN, 'ScopeSpans', 2);
        const e = end(r);
        spans.push([r.pos, e]);
        r.pos = e;
        break;
      }
      case 3:
        expect(tag, LEN, 'ScopeSpans', 3);
        schemaUrl = str(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  const sc = scope ? makeScope(scope.name, scope.version, scope.attributes, scope.droppedAttributesCount, schemaUrl) : makeScope('', '', EMPTY_ATTRS, 0, schemaUrl);
  for (const [from, to] of spans) {
    r.pos = from;
    at.ki++;
    const span = readSpan(r, to, at, resource, sc);
    if (typeof span === 'string') out.reject(new OtlpDecodeError(`${spanPath(at)}.${span.slice(0, span.indexOf(':'))}`, span.slice(span.indexOf(':') + 2), true));
    else {
      out.items.push(span);
      ranges.push(from, to);
    }
  }
}

/** A span, or for a span that is well-formed but lacks a required id, "field: problem". */
function readSpan(r: Reader, stop: number, at: At, resource: Resource, scope: Scope): Span | string {
  let traceId: string | undefined | null = null;
  let spanId: string | undefined | null = null;
  let parentSpanId: string | undefined;
  let traceState = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let start = 0n;
  let finish = 0n;
  let attributes: Map<string, AttrValue> | undefined;
  let droppedAttributesCount = 0;
  let events: SpanEvent[] = NONE;
  let droppedEventsCount = 0;
  let links: SpanLink[] = NONE;
  let droppedLinksCount = 0;
  let status = UNSET;
  let linkProblem: string | undefined;
  while (r.pos < stop) {
    const tag = r.uint32();
    const field = tag >>> 3;
    switch (field) {
      case 1:
        expect(tag, LEN, 'Span', 1);
        traceId = id(r, 16, at, 'traceId');
        break;
      case 2:
        expect(tag, LEN, 'Span', 2);
        spanId = id(r, 8, at, 'spanId');
        break;
      case 3:
        expect(tag, LEN, 'Span', 3);
        traceState = str(r);
        break;
      case 4:
        expect(tag, LEN, 'Span', 4);
        parentSpanId = id(r, 8, at, 'parentSpanId') ?? undefined;
        break;
      case 5:
        expect(tag, LEN, 'Span', 5);
        name = intern(str(r));
        break;
      case 6:
        expect(tag, VARINT, 'Span', 6);
        kind = r.int32();
        if (kind < 0 || kind > 5) throw new OtlpDecodeError(`${spanPath(at)}.kind`, `must be 0..5, got ${kind}`);
        break;
      case 7:
        expect(tag, I64, 'Span', 7);
        start = fixed64(r);
        break;
      case 8:
        expect(tag, I64, 'Span', 8);
        finish = fixed64(r);
        break;
      case 9:
        expect(tag, LEN, 'Span', 9);
        keyValue(r, end(r), (attributes ??= new Map()), 0, at, 'attributes');
        break;
      case 10:
        expect(tag, VARINT, 'Span', 10);
        droppedAttributesCount = r.uint32();
        break;
      case 11:
        expect(tag, LEN, 'Span', 11);
        if (events === NONE) events = [];
        events.push(readEvent(r, end(r), at, events.length));
        break;
      case 12:
        expect(tag, VARINT, 'Span', 12);
        droppedEventsCount = r.uint32();
        break;
      case 13: {
        expect(tag, LEN, 'Span', 13);
        if (links === NONE) links = [];
        const link = readLink(r, end(r), at, links.length);
        if (typeof link === 'string') linkProblem ??= link;
        else links.push(link);
        break;
      }
      case 14:
        expect(tag, VARINT, 'Span', 14);
        droppedLinksCount = r.uint32();
        break;
      case 15:
        expect(tag, LEN, 'Span', 15);
        status = readStatus(r, end(r), at);
        break;
      case 16:
        expect(tag, I32, 'Span', 16);
        flags = r.fixed32();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  // Same order of checks as the reflection decoder: trace id, span id, then the links.
  if (!traceId) return traceId === null ? 'traceId: is required' : 'traceId: is all zeros (an invalid id)';
  if (!spanId) return spanId === null ? 'spanId: is required' : 'spanId: is all zeros (an invalid id)';
  if (linkProblem !== undefined) return linkProblem;
  return makeSpan({
    traceId,
    spanId,
    parentSpanId,
    traceState,
    flags,
    name,
    kind: kind as SpanKind,
    startUnixNano: start,
    endUnixNano: finish,
    attributes: attributes ?? EMPTY_ATTRS,
    droppedAttributesCount,
    events,
    droppedEventsCount,
    links,
    droppedLinksCount,
    status,
    resource,
    scope,
  });
}

function readEvent(r: Reader, stop: number, at: At, index: number): SpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  let attributes: Map<string, AttrValue> | undefined;
  let droppedAttributesCount = 0;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, I64, 'Span.Event', 1);
        timeUnixNano = fixed64(r);
        break;
      case 2:
        expect(tag, LEN, 'Span.Event', 2);
        name = str(r);
        break;
      case 3:
        expect(tag, LEN, 'Span.Event', 3);
        keyValue(r, end(r), (attributes ??= new Map()), 0, at, `events[${index}].attributes`);
        break;
      case 4:
        expect(tag, VARINT, 'Span.Event', 4);
        droppedAttributesCount = r.uint32();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  return { name, timeUnixNano, attributes: attributes ?? EMPTY_ATTRS, droppedAttributesCount };
}

function readLink(r: Reader, stop: number, at: At, index: number): SpanLink | string {
  let traceId: string | undefined | null = null;
  let spanId: string | undefined | null = null;
  let traceState = '';
  let attributes: Map<string, AttrValue> | undefined;
  let droppedAttributesCount = 0;
  let flags = 0;
  const p = `links[${index}]`;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'Span.Link', 1);
        traceId = id(r, 16, at, `${p}.traceId`);
        break;
      case 2:
        expect(tag, LEN, 'Span.Link', 2);
        spanId = id(r, 8, at, `${p}.spanId`);
        break;
      case 3:
        expect(tag, LEN, 'Span.Link', 3);
        traceState = str(r);
        break;
      case 4:
        expect(tag, LEN, 'Span.Link', 4);
        keyValue(r, end(r), (attributes ??= new Map()), 0, at, `${p}.attributes`);
        break;
      case 5:
        expect(tag, VARINT, 'Span.Link', 5);
        droppedAttributesCount = r.uint32();
        break;
      case 6:
        expect(tag, I32, 'Span.Link', 6);
        flags = r.fixed32();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  if (!traceId) return `${p}.traceId: ${traceId === null ? 'is required' : 'is all zeros (an invalid id)'}`;
  if (!spanId) return `${p}.spanId: ${spanId === null ? 'is required' : 'is all zeros (an invalid id)'}`;
  return { traceId, spanId, traceState, attributes: attributes ?? EMPTY_ATTRS, droppedAttributesCount, flags };
}

function readStatus(r: Reader, stop: number, at: At): SpanStatus {
  let code = 0;
  let message = '';
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 2:
        expect(tag, LEN, 'Status', 2);
        message = str(r);
        break;
      case 3:
        expect(tag, VARINT, 'Status', 3);
        code = r.int32();
        if (code < 0 || code > 2) throw new OtlpDecodeError(`${spanPath(at)}.status.code`, `must be 0..2, got ${code}`);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  return code === 0 && message === '' ? UNSET : { code: code as StatusCode, message };
}

function readResource(r: Reader, stop: number, at: At): Resource {
  let attributes: Map<string, AttrValue> | undefined;
  let dropped = 0;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'Resource', 1);
        keyValue(r, end(r), (attributes ??= new Map()), 0, at, 'resource.attributes');
        break;
      case 2:
        expect(tag, VARINT, 'Resource', 2);
        dropped = r.uint32();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  return makeResource(attributes ?? EMPTY_ATTRS, dropped, '');
}

function readScope(r: Reader, stop: number, at: At): Scope {
  let name = '';
  let version = '';
  let attributes: Map<string, AttrValue> | undefined;
  let dropped = 0;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'InstrumentationScope', 1);
        name = str(r);
        break;
      case 2:
        expect(tag, LEN, 'InstrumentationScope', 2);
        version = str(r);
        break;
      case 3:
        expect(tag, LEN, 'InstrumentationScope', 3);
        keyValue(r, end(r), (attributes ??= new Map()), 0, at, 'scope.attributes');
        break;
      case 4:
        expect(tag, VARINT, 'InstrumentationScope', 4);
        dropped = r.uint32();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  return makeScope(name, version, attributes ?? EMPTY_ATTRS, dropped, '');
}

/** One KeyValue into `into` (a repeated key keeps the last value, as in the model). */
function keyValue(r: Reader, stop: number, into: Map<string, AttrValue>, depth: number, at: At, field: string): void {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'KeyValue', 1);
        key = str(r);
        break;
      case 2:
        expect(tag, LEN, 'KeyValue', 2);
        value = anyValue(r, end(r), depth, at, field);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  into.set(key, value);
}

function anyValue(r: Reader, stop: number, depth: number, at: At, field: string): AttrValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(errorPath(at, field), `a value is nested deeper than ${MAX_DEPTH} levels`);
  let value: AttrValue = null;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'AnyValue', 1);
        value = str(r);
        break;
      case 2:
        expect(tag, VARINT, 'AnyValue', 2);
        value = r.bool();
        break;
      case 3:
        expect(tag, VARINT, 'AnyValue', 3);
        value = BigInt.asIntN(64, long(r.int64()));
        break;
      case 4:
        expect(tag, I64, 'AnyValue', 4);
        value = r.double();
        break;
      case 5: {
        expect(tag, LEN, 'AnyValue', 5);
        const e = end(r);
        const list: AttrValue[] = [];
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 1) {
            expect(t, LEN, 'ArrayValue', 1);
            list.push(anyValue(r, end(r), depth + 1, at, field));
          } else skip(r, t);
        }
        done(r, e);
        value = list;
        break;
      }
      case 6: {
        expect(tag, LEN, 'AnyValue', 6);
        const e = end(r);
        const map = new Map<string, AttrValue>();
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 1) {
            expect(t, LEN, 'KeyValueList', 1);
            keyValue(r, end(r), map, depth + 1, at, field);
          } else skip(r, t);
        }
        done(r, e);
        value = map.size === 0 ? EMPTY_ATTRS : map;
        break;
      }
      case 7:
        expect(tag, LEN, 'AnyValue', 7);
        // A copy: the request buffer is not ours to keep.
        value = new Uint8Array(r.bytes());
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  return value;
}

function errorPath(at: At, field: string): string {
  if (field === 'resource.attributes') return `resourceSpans[${at.ri}].resource.attributes`;
  if (field === 'scope.attributes') return `resourceSpans[${at.ri}].scopeSpans[${at.si}].scope.attributes`;
  return `${spanPath(at)}.${field}`;
}

/**
 * An id as lowercase hex: `undefined` for all zeros, `null` for absent (empty). A length other
 * than the id's is malformed (the whole request fails), as in the reflection decoder.
 */
function id(r: Reader, size: 8 | 16, at: At, field: string): string | undefined | null {
  const len = r.uint32();
  if (len === 0) return null;
  const start = r.pos;
  if (start + len > r.len) throw new Bad(`index out of range: ${start} + ${len} > ${r.len}`);
  r.pos = start + len;
  if (len !== size) throw new OtlpDecodeError(`${spanPath(at)}.${field}`, `must be ${size} bytes, got ${len}`);
  const buf = r.buf;
  if (size === 16 && lastTraceHex !== undefined && sameBytes(buf, start, lastTrace)) return lastTraceHex;
  let any = 0;
  for (let i = start; i < start + len; i++) any |= buf[i];
  if (any === 0) return undefined;
  const hex = hexOf(buf, start, size);
  if (size === 16) {
    lastTrace.set(buf.subarray(start, start + 16));
    lastTraceHex = hex;
  }
  return hex;
}

// The spans of a trace are mostly next to each other in a request: the previous trace id's bytes
// and text, so a run of them shares one string instead of making (and collecting) one per span.
const lastTrace = new Uint8Array(16);
let lastTraceHex: string | undefined;

function sameBytes(buf: Uint8Array, start: number, ref: Uint8Array): boolean {
  for (let i = 0; i < ref.length; i++) if (buf[start + i] !== ref[i]) return false;
  return true;
}

function fixed64(r: Reader): bigint {
  const lo = r.fixed32();
  const hi = r.fixed32();
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** protobufjs gives a Long when `long` is installed, a number otherwise. */
function long(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  const l = v as { high: number; low: number };
  return (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
}

// Span names repeat across spans ("GET /cart"); each read makes a fresh copy that the store would
// keep for every span (a PackedSpan keeps its name). One shared copy per distinct name keeps the
// store smaller. Attribute keys and values are not interned: the store does not keep them (it
// decodes a packed span again to show it), so sharing them would cost a hash lookup per attribute
// for nothing. Bounded: when full it is cleared, which costs only sharing, never correctness.
const INTERN_MAX = 8192;
const INTERN_MAX_LENGTH = 64;
let interned = new Map<string, string>();

function intern(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_MAX) interned = new Map();
  interned.set(s, s);
  return s;
}

/** Strings must be UTF-8; the fast read replaces bad bytes with U+FFFD, so only then check strictly. */
function str(r: Reader): string {
  const from = r.pos;
  const s = r.string();
  if (s.indexOf('\uFFFD') >= 0) {
    r.pos = from;
    r.stringVerify();
  }
  return s;
}

function end(r: Reader): number {
  const len = r.uint32();
  const e = r.pos + len;
  if (e > r.len) throw new Bad(`index out of range: ${r.pos} + ${len} > ${r.len}`);
  return e;
}

function done(r: Reader, stop: number): void {
  if (r.pos !== stop) throw new Bad(`a field runs past the end of its message (${r.pos} > ${stop})`);
}

function skip(r: Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new Bad('illegal tag: field number 0');
  r.skipType(tag & 7);
}

function expect(tag: number, wireType: number, message: string, field: number): void {
  if ((tag & 7) !== wireType) throw new Bad(`invalid wire type ${tag & 7} for ${message} field ${field}`);
}
