// Zipkin v2 JSON (a `POST /api/v2/spans` body: an array of spans) into the normalised model. The
// mapping follows the OpenTelemetry collector's zipkin receiver (contrib
// pkg/translator/zipkin/zipkinv2/to_translator.go), so a span looks the same here whether an app
// sent it to the collector or to us. Where we differ, the comment says why.
import type { AttrValue, Resource, Scope, Span, SpanEvent, SpanKind, StatusCode } from './model';
import { OtlpDecodeError } from './errors';
import { paddedHexId, SPAN_ID_HEX, TRACE_ID_HEX, typeName } from './ids';
import { EMPTY_ATTRS, makeResource, makeScope, makeSpan } from './build';
import { arr, Collected, obj, parseJson, str, type DecodedTraces, type JsonInput } from './json';

// zipkin-go's Kind values. An absent or other kind is UNSPECIFIED, unless the tag
// `span.kind=internal` says INTERNAL (collector: zipkinKindToSpanKind, which also drops that tag).
const KINDS: Record<string, SpanKind> = { CLIENT: 3, SERVER: 2, PRODUCER: 4, CONSUMER: 5 };

// The collector reads `otel.status_code` through a STATUS_CODE_* table; OTel's Zipkin exporters
// write "OK"/"ERROR" (spec exporter-zipkin.md), so both spellings are taken.
const STATUS: Record<string, StatusCode> = { OK: 1, ERROR: 2, STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

// Tags the collector moves onto the Resource (its list is semconv's resource attribute names); the
// namespaces of that list stand for it here.
const RESOURCE_TAG = /^(service|telemetry|host|os|process|container|k8s|cloud|faas|deployment|device|webengine|aws\.(ecs|eks|log))\./;
const LIBRARY_NAME = 'otel.library.name';
const LIBRARY_VERSION = 'otel.library.version';
/** The collector's attribute for a span that came without `timestamp` (start set to the epoch). */
export const ZIPKIN_START_ABSENT = 'otel.zipkin.absentField.startTime';

export function decodeZipkinJson(input: JsonInput): DecodedTraces {
  const root = parseJson(input);
  if (!Array.isArray(root)) throw new OtlpDecodeError('', `a Zipkin v2 body must be a JSON array of spans, got ${typeName(root)}`);
  // One Resource per local service and one Scope per instrumentation library within it, built
  // from the first span that names them, as the collector groups them.
  const resources = new Map<string, { resource: Resource; scopes: Map<string, Scope> }>();
  const spans = new Collected<Span>();
  for (let i = 0; i < root.length; i++) {
    try {
      spans.items.push(readSpan(root[i], `[${i}]`, resources));
    } catch (e) {
      spans.reject(e);
    }
  }
  return { spans: spans.items, rejected: spans.rejected, rejectMessage: spans.rejectMessage };
}

function readSpan(raw: unknown, p: string, resources: Map<string, { resource: Resource; scopes: Map<string, Scope> }>): Span {
  const s = obj(raw, p);
  const tags = readTags(s.tags, `${p}.tags`);
  const local = endpoint(s.localEndpoint, `${p}.localEndpoint`);
  const remote = endpoint(s.remoteEndpoint, `${p}.remoteEndpoint`);
  // Everything that can make the request malformed is checked before the ids, so a bad field
  // fails the whole request even in a span that also lacks an id.
  const startUs = micros(s.timestamp, `${p}.timestamp`);
  const durationUs = micros(s.duration, `${p}.duration`);
  const name = str(s.name, `${p}.name`);
  const kindName = str(s.kind, `${p}.kind`);
  const events = arr(s.annotations, `${p}.annotations`).map((a, j) => annotation(a, `${p}.annotations[${j}]`));
  const traceId = paddedHexId(s.traceId, TRACE_ID_HEX, `${p}.traceId`, false)!;
  const spanId = paddedHexId(s.id, SPAN_ID_HEX, `${p}.id`, false)!;
  const parent = paddedHexId(s.parentId, SPAN_ID_HEX, `${p}.parentId`, true);

  const service = local?.serviceName ?? '';
  let group = resources.get(service);
  if (!group) {
    const attrs = new Map<string, AttrValue>();
    // No local service: a Resource without attributes, as the collector leaves it.
    if (service !== '') attrs.set('service.name', service);
    for (const [k, v] of tags) if (RESOURCE_TAG.test(k) && k !== 'service.name') attrs.set(k, v);
    group = { resource: makeResource(attrs.size ? attrs : EMPTY_ATTRS, 0, ''), scopes: new Map() };
    resources.set(service, group);
  }
  const library = tags.get(LIBRARY_NAME) ?? '';
  let scope = group.scopes.get(library);
  if (!scope) {
    scope = makeScope(library, library ? (tags.get(LIBRARY_VERSION) ?? '') : '', EMPTY_ATTRS, 0, '');
    group.scopes.set(library, scope);
  }

  const known = Object.prototype.hasOwnProperty.call(KINDS, kindName);
  let kind: SpanKind = known ? KINDS[kindName] : 0;
  if (!known && tags.has('span.kind')) {
    if (tags.get('span.kind') === 'internal') kind = 1;
    tags.delete('span.kind');
  }
  const traceState = tags.get('w3c.tracestate') ?? '';
  tags.delete('w3c.tracestate');

  let code: StatusCode = 0;
  let message = '';
  const otelCode = tags.get('otel.status_code');
  if (otelCode !== undefined) {
    code = Object.prototype.hasOwnProperty.call(STATUS, otelCode) ? STATUS[otelCode] : 0;
    message = tags.get('otel.status_description') ?? '';
    tags.delete('otel.status_code');
    tags.delete('otel.status_description');
  }
  const error = tags.get('error');
  if (error !== undefined) {
    // The collector only honours error="true" (and drops the tag); Zipkin's own model makes any
    // `error` tag an error whose value is the message (zipkin-api: "the value is the error
    // message"), which is what Brave and zipkin-js send, so that is taken too, tag kept.
    code = 2;
    if (error === 'true') tags.delete('error');
    else if (message === '') message = error;
  }

  const attributes = new Map<string, AttrValue>();
  for (const [k, v] of tags) if (!RESOURCE_TAG.test(k) && k !== LIBRARY_NAME && k !== LIBRARY_VERSION) attributes.set(k, v);
  // Endpoints after the tags: the collector's Put overwrites a tag of the same name.
  if (local?.ip) attributes.set('net.host.ip', local.ip);
  if (local?.port) attributes.set('net.host.port', BigInt(local.port));
  if (remote?.serviceName) attributes.set('peer.service', remote.serviceName);
  if (remote?.ip) attributes.set('net.peer.ip', remote.ip);
  if (remote?.port) attributes.set('net.peer.port', BigInt(remote.port));
  const start = (startUs ?? 0n) * 1000n;
  if (startUs === undefined || startUs === 0n) attributes.set(ZIPKIN_START_ABSENT, true);

  return makeSpan({
    traceId,
    spanId,
    // The collector ignores a parent id equal to the span's own id.
    parentSpanId: parent === spanId ? undefined : parent,
    traceState,
    flags: 0,
    name,
    kind,
    startUnixNano: start,
    endUnixNano: start + (durationUs ?? 0n) * 1000n,
    attributes: attributes.size ? attributes : EMPTY_ATTRS,
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code, message },
    resource: group.resource,
    scope,
  });
}

/** Zipkin tags are string to string (zipkin-go unmarshals them into map[string]string). */
function readTags(raw: unknown, p: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj(raw, p))) {
    if (typeof v !== 'string') throw new OtlpDecodeError(`${p}.${k}`, `must be a string (Zipkin tags are strings), got ${typeName(v)}`);
    out.set(k, v);
  }
  return out;
}

interface Endpoint {
  serviceName: string;
  ip: string;
  port: number;
}

function endpoint(raw: unknown, p: string): Endpoint | undefined {
  if (raw === undefined || raw === null) return undefined;
  const e = obj(raw, p);
  const port = e.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OtlpDecodeError(`${p}.port`, `must be a port number 0..65535, got ${typeName(port)}`);
  }
  // IPv6 last: the collector writes both into net.*.ip and the second wins.
  const ip = str(e.ipv6, `${p}.ipv6`) || str(e.ipv4, `${p}.ipv4`);
  return { serviceName: str(e.serviceName, `${p}.serviceName`), ip, port };
}

function annotation(raw: unknown, p: string): SpanEvent {
  const a = obj(raw, p);
  // The collector splits `name|{json attributes}|dropped` (what its own Zipkin exporter writes)
  // back into attributes; that round trip of collector output is not taken: the value is the name.
  return { name: str(a.value, `${p}.value`), timeUnixNano: (micros(a.timestamp, `${p}.timestamp`) ?? 0n) * 1000n, attributes: EMPTY_ATTRS, droppedAttributesCount: 0 };
}

/** Epoch or duration microseconds: a non-negative JSON integer (Zipkin's and Jaeger's int64). */
export function micros(raw: unknown, p: string): bigint | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw new OtlpDecodeError(p, `must be a non-negative integer of microseconds, got ${typeName(raw)}`);
  }
  return BigInt(raw);
}
