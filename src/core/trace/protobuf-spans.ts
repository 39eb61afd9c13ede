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
//
// Two modes. `full` builds Spans (what hooks and tests get). `heads` builds only the fields the
// store keeps for a packed span (SpanHead) and walks attributes, events and links without building
// them -- with every check of the full mode (wire types, UTF-8, nesting, link ids), so both accept
// and reject exactly the same bytes. Ingest uses `heads` when nothing needs the whole spans; the
// store decodes a span in full when it is shown.
//
// A heads decode may also collect a few span attributes by key (AttributeKeys: the service graph
// reads about a dozen convention names). A key is compared as bytes against the wanted keys of
// its length before any string is made; everything is walked and checked as in `heads`, so the
// spans accepted and rejected do not change. A wanted attribute is not built either: the decode
// notes where its value is (three numbers in an array shared by the request), and the value is
// read from the request's bytes when it is asked for (HeadWithAttributes). A hook reads a few
// attributes of most spans and keeps fewer: a Map, strings and bigints per span for them were a
// third of what the service graph added to ingest (bench:graph). A port or a status code is read
// as a number without making any value at all.
import { Reader } from 'protobufjs/light';
import { attrNumber, type AttrValue, type Attributes, type Resource, type Scope, type Span, type SpanEvent, type SpanHead, type SpanKind, type SpanLink, type SpanStatus, type StatusCode } from './model';
import { OtlpDecodeError } from './errors';
import { hexOf } from './ids';
import { makeResource, makeScope, makeSpan, EMPTY_ATTRS } from './build';
import { Collected, type DecodedHeads, type DecodedTraces, type PackedSource } from './json';

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
  return decodeInMode(bytes, true) as DecodedTraces;
}

/**
 * A span head with some of its attributes: from a heads decode with AttributeKeys (only those
 * keys), or a whole Span (all of them), so a reader of a few attributes takes either.
 */
export type SpanHeadWithAttributes = SpanHead & { readonly attributes: Attributes };

/**
 * Span attribute keys a heads decode collects (see the header). Made once per set of keys: it
 * holds the keys' UTF-8 bytes grouped by length.
 */
export class AttributeKeys {
  readonly names: readonly string[];
  /** By byte length: the keys of that length, as bytes, as the string handed out, and its index in `names`. */
  readonly byLength: ({ bytes: Uint8Array; name: string; index: number }[] | undefined)[] = [];

  constructor(names: Iterable<string>) {
    this.names = [...new Set(names)].sort();
    this.names.forEach((name, index) => {
      const bytes = utf8(name);
      (this.byLength[bytes.length] ??= []).push({ bytes, name, index });
    });
  }
}

/**
 * What a heads decode with AttributeKeys noted of a request's spans, as numbers in one array
 * (`slots`), per span (RECORD numbers, then three per attribute): its place in `times`; the end of
 * its record; its span id and its parent span id as two 32-bit words each (big-endian halves, as
 * int32; 0 when absent); then per wanted attribute found (in the order of the wire) the key's
 * index in `keys.names` and the start and end of its AnyValue (-1, -1: no value). Numbers here
 * instead of fields on each head keep the heads small. The bytes were checked by the decode, so
 * reading them again cannot fail.
 */
class FoundAttributes {
  private reader: Reader | undefined;
  /** Set when the decode is over (see foundSlots). */
  slots: Int32Array = NO_SLOTS;
  /**
   * Per span, Number(startUnixNano) and Number(endUnixNano) (0 when not sent), read while the
   * decode had the bytes at hand: a hook reading them later from the request's bytes found them
   * out of the processor's caches. Set when the decode is over.
   */
  times: Float64Array = NO_TIMES;

  constructor(
    readonly bytes: Uint8Array,
    readonly keys: AttributeKeys,
  ) {}

  /** A reader over the value at a slot, or undefined for a key without a value. */
  readerAt(slot: number): Reader | undefined {
    const from = this.slots[slot + 1];
    if (from < 0) return undefined;
    // One reader per request, not per read (reads do not interleave).
    const r = (this.reader ??= Reader.create(this.bytes));
    r.pos = from;
    r.len = this.slots[slot + 2];
    return r;
  }
}

/**
 * A span head from a heads decode with AttributeKeys. `attributes` is made when asked for (a Map
 * of the wanted attributes found, as the full decode would have them); indexOf, valueAt and
 * numberAt read one attribute without it. It holds the request's bytes: keep what it says, not it.
 */
export class HeadWithAttributes implements SpanHeadWithAttributes {
  constructor(
    readonly traceId: string,
    readonly spanId: string,
    readonly parentSpanId: string | undefined,
    readonly name: string,
    readonly kind: SpanKind,
    readonly startUnixNano: bigint,
    readonly endUnixNano: bigint,
    readonly status: SpanStatus,
    readonly resource: Resource,
    readonly scope: Scope,
    private readonly found: FoundAttributes,
    /** Where this span's record starts in found.slots. */
    private readonly at: number,
  ) {}

  /**
   * Number(startUnixNano), as the decode read it from the bytes: the same double (the high half
   * times 2^32 is exact, and adding the low half rounds once, as the conversion does) without a
   * bigint conversion per span, which was a fifth of the service graph's own time.
   */
  startNs(): number {
    return this.found.times[2 * this.found.slots[this.at]];
  }

  /** Number(endUnixNano), as startNs. */
  endNs(): number {
    return this.found.times[2 * this.found.slots[this.at] + 1];
  }

  get attributes(): Attributes {
    const { slots, keys } = this.found;
    const to = slots[this.at + 1];
    if (to === this.at + RECORD) return EMPTY_ATTRS;
    const out = new Map<string, AttrValue>();
    // In wire order, so a repeated key is where it first was with the last value, as in a full decode.
    for (let i = this.at + RECORD; i < to; i += 3) out.set(keys.names[slots[i]], this.valueAt(i));
    return out;
  }

  /**
   * A 32-bit half of the span id (`word` 0: its first four bytes, big-endian, as an int32; 1: the
   * last four), or of the parent span id (0 when there is none): what the service graph pairs
   * halves by, without reading the hex strings.
   */
  idWord(parent: boolean, word: 0 | 1): number {
    return this.found.slots[this.at + (parent ? 4 : 2) + word];
  }

  /** The slot of the attribute `name` (its last occurrence), or -1 when the span has none. */
  indexOf(name: string): number {
    const { slots, keys } = this.found;
    const from = this.at + RECORD;
    for (let i = slots[this.at + 1] - 3; i >= from; i -= 3) if (keys.names[slots[i]] === name) return i;
    return -1;
  }

  /**
   * The value at a slot when it is a string and nothing else (one string field: what every SDK
   * sends for a string attribute), else null: then valueAt says what it is. A plain ASCII string is
   * found by its bytes among the strings read before, so a name a hook reads again and again (a
   * host, a database, a messaging system) is one string, not a new one per span.
   */
  stringAt(slot: number): string | null {
    const r = this.found.readerAt(slot);
    if (r === undefined || r.pos === r.len || r.uint32() !== STRING_VALUE_TAG) return null;
    const len = r.uint32();
    const from = r.pos;
    // Another field after the string (the last one wins): valueAt reads it as the decode would.
    if (from + len !== r.len) return null;
    return knownString(r.buf, from, len) ?? rememberString(this.valueAt(slot) as string, len);
  }

  /** The value at a slot from indexOf, as `attributes` has it. */
  valueAt(slot: number): AttrValue {
    const r = this.found.readerAt(slot);
    return r === undefined ? null : anyValue(r, r.len, 0, NO_AT, 'attributes', true);
  }

  /** attrNumber(valueAt(slot)), without making a string or a bigint for an int or double value. */
  numberAt(slot: number): number | undefined {
    const r = this.found.readerAt(slot);
    if (r === undefined) return undefined;
    let n: number | undefined;
    // The last value field wins, and unknown fields leave the value alone, as in anyValue.
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          n = attrNumber(str(r));
          break;
        case 3:
          n = smallVarint(r) ? r.uint32() : Number(BigInt.asIntN(64, long(r.int64())));
          break;
        case 4:
          n = r.double();
          break;
        case 2:
        case 5:
        case 6:
        case 7:
          n = undefined;
          skip(r, tag);
          break;
        default:
          skip(r, tag);
      }
    }
    return n;
  }
}

/** AnyValue.string_value (field 1, length-delimited). */
const STRING_VALUE_TAG = (1 << 3) | LEN;

// Strings read by stringAt, by a hash of their bytes: one per hash, replaced on a clash, so a
// handful of names repeated across requests are made once. Plain ASCII up to KNOWN_MAX_LENGTH
// bytes only (a character per byte, so the string is checked against the bytes without decoding).
const KNOWN_SIZE = 1024;
const KNOWN_MAX_LENGTH = 64;
const known: (string | undefined)[] = new Array<string | undefined>(KNOWN_SIZE).fill(undefined);
let knownHash = 0;

/** The string of these bytes if it was read before; else undefined (and knownHash is where it goes). */
function knownString(bytes: Uint8Array, from: number, len: number): string | undefined {
  if (len > KNOWN_MAX_LENGTH) {
    knownHash = -1;
    return undefined;
  }
  // FNV-1a over the bytes; a byte >= 0x80 (not ASCII) is not remembered.
  let h = 0x811c9dc5;
  for (let i = from; i < from + len; i++) {
    const b = bytes[i];
    if (b >= 0x80) {
      knownHash = -1;
      return undefined;
    }
    h = Math.imul(h ^ b, 0x01000193);
  }
  knownHash = (h >>> 0) & (KNOWN_SIZE - 1);
  const s = known[knownHash];
  if (s === undefined || s.length !== len) return undefined;
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) !== bytes[from + i]) return undefined;
  return s;
}

/** Keeps the string knownString just did not find (at knownHash), and returns it. */
function rememberString(s: string, len: number): string {
  if (knownHash >= 0 && s.length === len) known[knownHash] = s;
  return s;
}

/** Values read again were checked by the decode: no error can need a path. */
const NO_AT: At = { ri: 0, si: 0, ki: 0 };

function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/**
 * The spans' heads only (see the header); `spans` of the result are SpanHeads. With `keys`, each
 * head also has `attributes`: the span's attributes with those keys (EMPTY_ATTRS when none).
 */
export function decodeTraceHeadsProtobuf(bytes: Uint8Array, keys?: AttributeKeys): DecodedHeads {
  const d = decodeInMode(bytes, false, keys);
  return { heads: d.spans as SpanHead[], packed: d.packed!, rejected: d.rejected, rejectMessage: d.rejectMessage };
}

// Where the decode in progress notes the wanted keys (found.keys) it finds, if it looks for any
// (decodes do not interleave: all of it is synchronous).
let found: FoundAttributes | undefined;
// The slots found so far, in an array kept from one decode to the next and copied to an exact
// size at the end: growing a plain array per request (three numbers per attribute, eight bytes
// each) made more garbage than the Maps it replaced.
let foundSlots = new Int32Array(3 * 1024);
let foundCount = 0;
const NO_SLOTS = new Int32Array(0);
/** The numbers of a span's record before its attributes' (see FoundAttributes). */
const RECORD = 6;
// The spans' times (FoundAttributes.times) so far, kept and copied as foundSlots.
let foundTimes = new Float64Array(2 * 1024);
let foundSpans = 0;
const NO_TIMES = new Float64Array(0);

function decodeInMode(
  bytes: Uint8Array,
  build: boolean,
  keys?: AttributeKeys,
): {
  spans: (Span | SpanHead)[];
  packed?: PackedSource;
  rejected: number;
  rejectMessage: string;
} {
  const r = Reader.create(bytes);
  const out = new Collected<Span | SpanHead>();
  const ranges: number[] = [];
  const at: At = { ri: -1, si: -1, ki: -1 };
  found = !build && keys ? new FoundAttributes(bytes, keys) : undefined;
  foundCount = 0;
  foundSpans = 0;
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) {
        expect(tag, LEN, 'ExportTraceServiceRequest', 1);
        at.ri++;
        at.si = -1;
        at.ki = -1;
        resourceSpans(r, end(r), at, out, ranges, build);
      } else skip(r, tag);
    }
    if (found) {
      // new + set: TypedArray slice() took a tenth of a millisecond per request here (measured).
      const slots = new Int32Array(foundCount);
      slots.set(foundSlots.subarray(0, foundCount));
      found.slots = slots;
      const times = new Float64Array(2 * foundSpans);
      times.set(foundTimes.subarray(0, 2 * foundSpans));
      found.times = times;
      // A request with a great many attributes or spans does not keep its scratch arrays alive for ever.
      if (foundSlots.length > 3 * 65536) foundSlots = new Int32Array(3 * 1024);
      if (foundTimes.length > 2 * 65536) foundTimes = new Float64Array(2 * 1024);
    }
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw e;
    const msg = e instanceof RangeError && /call stack/.test(e.message) ? 'nested too deeply' : (e as Error).message;
    throw new OtlpDecodeError('', `invalid protobuf ExportTraceServiceRequest: ${msg}`);
  } finally {
    found = undefined;
  }
  return { spans: out.items, rejected: out.rejected, rejectMessage: out.rejectMessage, packed: { bytes: r.buf, ranges } };
}

/** One span again, from where the decoder found it (PackedSource); the bytes decoded before. */
export function decodeSpanAt(bytes: Uint8Array, from: number, to: number, resource: Resource, scope: Scope): Span {
  const r = Reader.create(bytes);
  r.pos = from;
  const span = readSpan(r, to, { ri: 0, si: 0, ki: 0 }, resource, scope, true);
  if (typeof span === 'string') throw new Error(`a stored span no longer decodes: ${span}`);
  return span as Span;
}

/**
 * The events' times and names of a stored span (bytes the decoder took in, so well-formed),
 * skipping everything else: the waterfall marks events on the bars of spans it does not decode.
 */
export function decodeEventMarksAt(bytes: Uint8Array, from: number, to: number): { timeUnixNano: bigint; name: string }[] {
  const r = Reader.create(bytes);
  r.pos = from;
  let out: { timeUnixNano: bigint; name: string }[] = NONE;
  while (r.pos < to) {
    const tag = r.uint32();
    if (tag >>> 3 !== 11 || (tag & 7) !== LEN) {
      skip(r, tag);
      continue;
    }
    const stop = end(r);
    let timeUnixNano = 0n;
    let name = '';
    while (r.pos < stop) {
      const t = r.uint32();
      if (t >>> 3 === 1 && (t & 7) === I64) timeUnixNano = fixed64(r);
      else if (t >>> 3 === 2 && (t & 7) === LEN) name = intern(str(r));
      else skip(r, t);
    }
    if (out === NONE) out = [];
    out.push({ timeUnixNano, name });
  }
  return out;
}

function resourceSpans(r: Reader, stop: number, at: At, out: Collected<Span | SpanHead>, ranges: number[], build: boolean): void {
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
    scopeSpans(r, to, at, res, out, ranges, build);
  }
  r.pos = stop;
}

function scopeSpans(r: Reader, stop: number, at: At, resource: Resource, out: Collected<Span | SpanHead>, ranges: number[], build: boolean): void {
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
    const span = readSpan(r, to, at, resource, sc, build);
    if (typeof span === 'string') out.reject(new OtlpDecodeError(`${spanPath(at)}.${span.slice(0, span.indexOf(':'))}`, span.slice(span.indexOf(':') + 2), true));
    else {
      out.items.push(span);
      ranges.push(from, to);
    }
  }
}

/** A span (its head only unless `build`), or for a span that is well-formed but lacks a required id, "field: problem". */
function readSpan(r: Reader, stop: number, at: At, resource: Resource, scope: Scope, build: boolean): Span | SpanHead | string {
  let traceId: string | undefined | null = null;
  let spanId: string | undefined | null = null;
  let parentSpanId: string | undefined;
  let traceState = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let start = 0n;
  let finish = 0n;
  // Number(start) and Number(finish), from the same two halves (fixed64Number).
  let startNs = 0;
  let endNs = 0;
  let attributes: Map<string, AttrValue> | undefined;
  let droppedAttributesCount = 0;
  let events: SpanEvent[] = NONE;
  let droppedEventsCount = 0;
  let links: SpanLink[] = NONE;
  let droppedLinksCount = 0;
  let status = UNSET;
  let linkProblem: string | undefined;
  let eventCount = 0;
  let linkCount = 0;
  // This span's record in the found slots (see FoundAttributes), set at the end.
  const record = foundCount;
  // Where the span id's and the parent id's bytes are (0: none), for their words in the record.
  let spanWords = 0;
  let parentWords = 0;
  if (found) reserveSlots(RECORD);

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
        if (found && spanId) spanWords = r.pos - 8;
        break;
      case 3:
        expect(tag, LEN, 'Span', 3);
        traceState = build ? str(r) : checkStr(r);
        break;
      case 4:
        expect(tag, LEN, 'Span', 4);
        parentSpanId = id(r, 8, at, 'parentSpanId') ?? undefined;
        parentWords = found && parentSpanId ? r.pos - 8 : 0;
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
        startNs = fixed64Number;
        break;
      case 8:
        expect(tag, I64, 'Span', 8);
        finish = fixed64(r);
        endNs = fixed64Number;
        break;
      case 9:
        expect(tag, LEN, 'Span', 9);
        if (build) keyValue(r, end(r), (attributes ??= new Map()), 0, at, 'attributes');
        else if (found) wantedKeyValue(r, end(r), found.keys, at);
        else keyValue(r, end(r), undefined, 0, at, 'attributes');
        break;
      case 10:
        expect(tag, VARINT, 'Span', 10);
        droppedAttributesCount = r.uint32();
        break;
      case 11:
        expect(tag, LEN, 'Span', 11);
        if (build) {
          if (events === NONE) events = [];
          events.push(readEvent(r, end(r), at, eventCount, true)!);
        } else readEvent(r, end(r), at, eventCount, false);
        eventCount++;
        break;
      case 12:
        expect(tag, VARINT, 'Span', 12);
        droppedEventsCount = r.uint32();
        break;
      case 13: {
        expect(tag, LEN, 'Span', 13);
        const link = readLink(r, end(r), at, linkCount++, build);
        if (typeof link === 'string') linkProblem ??= link;
        else if (link) {
          if (links === NONE) links = [];
          links.push(link);
        }
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
  if (!traceId || !spanId || linkProblem !== undefined) {
    // A rejected span's attributes are not asked for.
    foundCount = record;
    if (!traceId) return traceId === null ? 'traceId: is required' : 'traceId: is all zeros (an invalid id)';
    if (!spanId) return spanId === null ? 'spanId: is required' : 'spanId: is all zeros (an invalid id)';
    return linkProblem!;
  }
  if (!build) {
    if (found) {
      const b = r.buf;
      if (2 * foundSpans + 2 > foundTimes.length) {
        const grown = new Float64Array(2 * foundTimes.length);
        grown.set(foundTimes);
        foundTimes = grown;
      }
      foundTimes[2 * foundSpans] = startNs;
      foundTimes[2 * foundSpans + 1] = endNs;
      foundSlots[record] = foundSpans++;
      foundSlots[record + 1] = foundCount;
      foundSlots[record + 2] = spanWords === 0 ? 0 : int32At(b, spanWords);
      foundSlots[record + 3] = spanWords === 0 ? 0 : int32At(b, spanWords + 4);
      foundSlots[record + 4] = parentWords === 0 ? 0 : int32At(b, parentWords);
      foundSlots[record + 5] = parentWords === 0 ? 0 : int32At(b, parentWords + 4);
      return new HeadWithAttributes(traceId, spanId, parentSpanId, name, kind as SpanKind, start, finish, status, resource, scope, found, record);
    }
    const head: SpanHead = { traceId, spanId, parentSpanId, name, kind: kind as SpanKind, startUnixNano: start, endUnixNano: finish, status, resource, scope };
    return head;
  }
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

function readEvent(r: Reader, stop: number, at: At, index: number, build: boolean): SpanEvent | undefined {
  let timeUnixNano = 0n;
  let name = '';
  let attributes: Map<string, AttrValue> | undefined;
  let droppedAttributesCount = 0;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, I64, 'Span.Event', 1);
        if (build) timeUnixNano = fixed64(r);
        else r.skip(8);
        break;
      case 2:
        expect(tag, LEN, 'Span.Event', 2);
        name = build ? str(r) : checkStr(r);
        break;
      case 3:
        expect(tag, LEN, 'Span.Event', 3);
        keyValue(r, end(r), build ? (attributes ??= new Map()) : undefined, 0, at, `events[${index}].attributes`);
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
  return build ? { name, timeUnixNano, attributes: attributes ?? EMPTY_ATTRS, droppedAttributesCount } : undefined;
}

function readLink(r: Reader, stop: number, at: At, index: number, build: boolean): SpanLink | string | undefined {
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
        traceState = build ? str(r) : checkStr(r);
        break;
      case 4:
        expect(tag, LEN, 'Span.Link', 4);
        keyValue(r, end(r), build ? (attributes ??= new Map()) : undefined, 0, at, `${p}.attributes`);
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
  return build ? { traceId, spanId, traceState, attributes: attributes ?? EMPTY_ATTRS, droppedAttributesCount, flags } : undefined;
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

/** One KeyValue into `into` (a repeated key keeps the last value, as in the model); checked only, without `into`. */
function keyValue(r: Reader, stop: number, into: Map<string, AttrValue> | undefined, depth: number, at: At, field: string): void {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'KeyValue', 1);
        if (into) key = str(r);
        else checkStr(r);
        break;
      case 2:
        expect(tag, LEN, 'KeyValue', 2);
        value = anyValue(r, end(r), depth, at, field, into !== undefined);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  into?.set(key, value);
}

/**
 * One KeyValue checked as keyValue() checks it; when its key is wanted, the key's index and where
 * its value is go into the found slots (see FoundAttributes). The key is matched on its bytes, so an
 * unwanted key never becomes a string, and no value is built (HeadWithAttributes reads it when asked).
 */
function wantedKeyValue(r: Reader, stop: number, keys: AttributeKeys, at: At): void {
  let index = -1;
  let valueFrom = -1;
  let valueTo = -1;
  const byLength = keys.byLength;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: {
        expect(tag, LEN, 'KeyValue', 1);
        const from = r.pos;
        const len = r.uint32();
        const start = r.pos;
        const group = len < byLength.length ? byLength[len] : undefined;
        index = -1;
        if (group !== undefined && start + len <= r.len) {
          const buf = r.buf;
          for (let g = 0; g < group.length; g++) {
            const b = group[g].bytes;
            let i = 0;
            while (i < len && buf[start + i] === b[i]) i++;
            if (i === len) {
              index = group[g].index;
              break;
            }
          }
        }
        if (index >= 0) r.pos = start + len;
        else {
          r.pos = from;
          checkStr(r);
        }
        break;
      }
      case 2: {
        expect(tag, LEN, 'KeyValue', 2);
        const e = end(r);
        valueFrom = r.pos;
        valueTo = e;
        anyValue(r, e, 0, at, 'attributes', false);
        break;
      }
      default:
        skip(r, tag);
    }
  }
  done(r, stop);
  if (index < 0) return;
  reserveSlots(3);
  foundSlots[foundCount - 3] = index;
  foundSlots[foundCount - 2] = valueFrom;
  foundSlots[foundCount - 1] = valueTo;
}

/** `n` more numbers at the end of foundSlots (foundCount moves past them). */
function reserveSlots(n: number): void {
  if (foundCount + n > foundSlots.length) {
    const grown = new Int32Array(2 * foundSlots.length);
    grown.set(foundSlots);
    foundSlots = grown;
  }
  foundCount += n;
}

/** Four bytes, big-endian, as an int32. */
function int32At(b: Uint8Array, p: number): number {
  return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
}

/** The value; with `build` false only checked (and null returned). */
function anyValue(r: Reader, stop: number, depth: number, at: At, field: string, build: boolean): AttrValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(errorPath(at, field), `a value is nested deeper than ${MAX_DEPTH} levels`);
  let value: AttrValue = null;
  while (r.pos < stop) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expect(tag, LEN, 'AnyValue', 1);
        if (build) value = str(r);
        else checkStr(r);
        break;
      case 2:
        expect(tag, VARINT, 'AnyValue', 2);
        value = r.bool();
        break;
      case 3:
        expect(tag, VARINT, 'AnyValue', 3);
        if (build) value = smallVarint(r) ? BigInt(r.uint32()) : BigInt.asIntN(64, long(r.int64()));
        else skipVarint64(r);
        break;
      case 4:
        expect(tag, I64, 'AnyValue', 4);
        if (build) value = r.double();
        else r.skip(8);
        break;
      case 5: {
        expect(tag, LEN, 'AnyValue', 5);
        const e = end(r);
        const list: AttrValue[] = [];
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 1) {
            expect(t, LEN, 'ArrayValue', 1);
            const v = anyValue(r, end(r), depth + 1, at, field, build);
            if (build) list.push(v);
          } else skip(r, t);
        }
        done(r, e);
        if (build) value = list;
        break;
      }
      case 6: {
        expect(tag, LEN, 'AnyValue', 6);
        const e = end(r);
        const map = build ? new Map<string, AttrValue>() : undefined;
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 1) {
            expect(t, LEN, 'KeyValueList', 1);
            keyValue(r, end(r), map, depth + 1, at, field);
          } else skip(r, t);
        }
        done(r, e);
        if (map) value = map.size === 0 ? EMPTY_ATTRS : map;
        break;
      }
      case 7:
        expect(tag, LEN, 'AnyValue', 7);
        // A copy: the request buffer is not ours to keep.
        if (build) value = new Uint8Array(r.bytes());
        else r.skip(r.uint32());
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

// fixed64's value as a double as well (a pair per read would be garbage): the high half times
// 2^32 is exact and adding the low half rounds once, as Number() of the bigint does.
let fixed64Number = 0;

function fixed64(r: Reader): bigint {
  const lo = r.fixed32();
  const hi = r.fixed32();
  fixed64Number = hi * 4294967296 + lo;
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

/** A string's bytes checked as str() checks them, without making the string. */
function checkStr(r: Reader): string {
  const from = r.pos;
  const len = r.uint32();
  const start = r.pos;
  if (start + len > r.len) throw new Bad(`index out of range: ${start} + ${len} > ${r.len}`);
  const buf = r.buf;
  for (let i = start; i < start + len; i++) {
    if (buf[i] >= 0x80) {
      // Not plain ASCII: let the strict decoder judge it, as str() does for a replaced character.
      r.pos = from;
      r.stringVerify();
      return '';
    }
  }
  r.pos = start + len;
  return '';
}

/**
 * Whether the varint at the reader is at most 4 bytes (a value below 2^28: ports, status codes,
 * counts), which uint32() reads exactly and without the Long and four BigInts of int64().
 */
function smallVarint(r: Reader): boolean {
  const buf = r.buf;
  const p = r.pos;
  // Within the reader's end: a value read again (HeadWithAttributes) ends right after its varint.
  const n = r.len - p < 4 ? r.len - p : 4;
  for (let i = 0; i < n; i++) if (buf[p + i] < 0x80) return true;
  return false;
}

/** A 64-bit varint skipped with the checks of Reader.int64 (at most 10 bytes). */
function skipVarint64(r: Reader): void {
  for (let i = 0; i < 10; i++) {
    if (r.pos >= r.len) throw new Bad(`index out of range: ${r.pos} + 1 > ${r.len}`);
    if ((r.buf[r.pos++] & 0x80) === 0) return;
  }
  throw new Bad('invalid varint encoding');
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
