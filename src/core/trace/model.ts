// The normalised span and log model. Everything the receiver decodes (OTLP/JSON, OTLP/protobuf,
// later Zipkin) becomes these shapes exactly once; the store, the graph and the viewer trust them.
//
// Invariants the rest of the code relies on:
// - ids are lowercase hex: traceId 32 chars, spanId 16 chars, never all zeros; a missing parent is
//   `undefined` (never "" nor zeros).
// - times are exact: `startUnixNano`/`endUnixNano` are bigint nanoseconds since the Unix epoch
//   (OTLP fixed64 does not fit a double: 1.5e18 loses ~256 ns). `durationNs` is bigint too and is
//   never negative (an end before the start is clamped to 0). `startUnixMs`/`durationMs` are the
//   same values as doubles, for sorting, filtering and drawing, where sub-microsecond loss is fine.
// - attribute values keep their OTLP kind: int64 is a bigint, double a number, so a re-export
//   writes `intValue` or `doubleValue` as received. Read numbers through `attrNumber`.
// - attributes are Maps (O(1) lookup, insertion order kept); a repeated key keeps the last value.
// - a Resource and a Scope object are shared by all the spans of one resourceSpans/scopeSpans.

export type AttrValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | readonly AttrValue[]
  | ReadonlyMap<string, AttrValue>;

export type Attributes = ReadonlyMap<string, AttrValue>;

/** OTLP SpanKind numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];
export const SPAN_KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;

/** OTLP Status.code numbers. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export interface Resource {
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
  /** `service.name`, or `unknown_service` as the SDKs say when it is absent. */
  readonly serviceName: string;
}

export interface Scope {
  readonly name: string;
  readonly version: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
}

export interface SpanEvent {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly flags: number;
}

export interface SpanStatus {
  readonly code: StatusCode;
  readonly message: string;
}

export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly traceState: string;
  readonly flags: number;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startUnixNano: bigint;
  readonly endUnixNano: bigint;
  readonly durationNs: bigint;
  readonly startUnixMs: number;
  readonly durationMs: number;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLink[];
  readonly droppedLinksCount: number;
  readonly status: SpanStatus;
  readonly resource: Resource;
  readonly scope: Scope;
}

/** What the store keeps of a span received as protobuf (the rest is decoded again when shown). */
export type SpanHead = Pick<Span, 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'startUnixNano' | 'endUnixNano' | 'status' | 'resource' | 'scope'>;

export interface LogRecord {
  readonly timeUnixNano: bigint;
  readonly observedTimeUnixNano: bigint;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AttrValue;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly flags: number;
  /** `undefined` when the record is not tied to a trace (empty or absent id). */
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly eventName: string;
  readonly resource: Resource;
  readonly scope: Scope;
}

const NS_PER_MS = 1_000_000n;

/** Nanoseconds as milliseconds, exact to the microsecond for any realistic date. */
export function nanoToMs(ns: bigint): number {
  // Durations (below 2^53 ns, 104 days) convert exactly without the two BigInt temporaries of the
  // division below, which ingest would otherwise make for every span.
  if (ns < SAFE_NS && ns > -SAFE_NS) return Number(ns) / 1e6;
  return Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
}
const SAFE_NS = BigInt(Number.MAX_SAFE_INTEGER);

export function isError(span: Pick<Span, 'status'>): boolean {
  return span.status.code === StatusCode.ERROR;
}

/** An attribute as a number, whether it arrived as int64 (bigint), double or numeric string. */
export function attrNumber(value: AttrValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** An attribute as display text; used by text search and key=value queries. */
export function attrText(value: AttrValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (Array.isArray(value)) return JSON.stringify(value.map((v: AttrValue) => attrText(v)));
  const obj: Record<string, string | undefined> = {};
  for (const [k, v] of value as ReadonlyMap<string, AttrValue>) obj[k] = attrText(v);
  return JSON.stringify(obj);
}
