// OTLP/protobuf decoding with protobufjs (the current @opentelemetry/otlp-transformer only
// serialises; see shared/recipes/otlp.md). protobufjs does the wire format; this file turns its
// messages into the same normalised spans and logs as the JSON decoder, with the same checks.
// Spans, the volume of ingest, skip the reflection messages: see protobuf-spans.ts.
import { Root, type Type } from 'protobufjs/light';
import type { AttrValue, Attributes, LogRecord, Resource, Scope } from './model';
import { OtlpDecodeError } from './errors';
import { bytesId } from './ids';
import { EMPTY_ATTRS, makeResource, makeScope } from './build';
import { OTLP_DESCRIPTOR } from './otlp-schema';
import { Collected, type DecodedLogs, type DecodedTraces } from './json';
import { decodeTracesProtobufFast } from './protobuf-spans';

const root = Root.fromJSON(OTLP_DESCRIPTOR);
export const ExportTraceServiceRequest: Type = root.lookupType('otlp.ExportTraceServiceRequest');
export const ExportTraceServiceResponse: Type = root.lookupType('otlp.ExportTraceServiceResponse');
export const ExportLogsServiceRequest: Type = root.lookupType('otlp.ExportLogsServiceRequest');
export const ExportLogsServiceResponse: Type = root.lookupType('otlp.ExportLogsServiceResponse');

const MAX_DEPTH = 32;

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped reflection objects */
type M = any;

/** A fixed64/int64 as protobufjs gives it: a Long (when `long` is installed) or a number. */
function u64(v: M): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (v == null) return 0n;
  return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
}

function wire(type: Type, bytes: Uint8Array): M {
  try {
    return type.decode(bytes);
  } catch (e) {
    // protobufjs reports truncation and bad wire types as plain Errors, and deep nesting as a
    // RangeError from the stack: all of them mean "not a valid message".
    const msg = e instanceof RangeError && /call stack/.test(e.message) ? 'nested too deeply' : (e as Error).message;
    throw new OtlpDecodeError('', `invalid protobuf ${type.name}: ${msg}`);
  }
}

/** Spans take the streaming decoder (protobuf-spans.ts): they are the hot path of ingest. */
export const decodeTracesProtobuf: (bytes: Uint8Array) => DecodedTraces = decodeTracesProtobufFast;
export { decodeTraceHeadsProtobuf } from './protobuf-spans';

export function decodeLogsProtobuf(bytes: Uint8Array): DecodedLogs {
  const req = wire(ExportLogsServiceRequest, bytes);
  const logs = new Collected<LogRecord>();
  const rls: M[] = req.resourceLogs;
  for (let i = 0; i < rls.length; i++) {
    const rp = `resourceLogs[${i}]`;
    const rl = rls[i];
    const resource = readResource(rl.resource, `${rp}.resource`, rl.schemaUrl);
    const sls: M[] = rl.scopeLogs;
    for (let j = 0; j < sls.length; j++) {
      const sp = `${rp}.scopeLogs[${j}]`;
      const sl = sls[j];
      const scope = readScope(sl.scope, `${sp}.scope`, sl.schemaUrl);
      const list: M[] = sl.logRecords;
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

function enumRange(v: number, max: number, p: string): number {
  if (v < 0 || v > max) throw new OtlpDecodeError(p, `must be 0..${max}, got ${v}`);
  return v;
}

function readLog(r: M, p: string, resource: Resource, scope: Scope): LogRecord {
  return {
    timeUnixNano: u64(r.timeUnixNano),
    observedTimeUnixNano: u64(r.observedTimeUnixNano),
    severityNumber: enumRange(r.severityNumber, 24, `${p}.severityNumber`),
    severityText: r.severityText,
    body: r.body ? anyValue(r.body, p + '.body', 0) : null,
    attributes: attrs(r.attributes, `${p}.attributes`, 0),
    droppedAttributesCount: r.droppedAttributesCount,
    flags: r.flags >>> 0,
    traceId: bytesId(r.traceId, 16, `${p}.traceId`, true),
    spanId: bytesId(r.spanId, 8, `${p}.spanId`, true),
    eventName: r.eventName,
    resource,
    scope,
  };
}

function readResource(r: M, p: string, schemaUrl: string): Resource {
  if (!r) return makeResource(EMPTY_ATTRS, 0, schemaUrl);
  return makeResource(attrs(r.attributes, `${p}.attributes`, 0), r.droppedAttributesCount, schemaUrl);
}

function readScope(s: M, p: string, schemaUrl: string): Scope {
  if (!s) return makeScope('', '', EMPTY_ATTRS, 0, schemaUrl);
  return makeScope(s.name, s.version, attrs(s.attributes, `${p}.attributes`, 0), s.droppedAttributesCount, schemaUrl);
}

// Paths are passed down unbuilt (the base path and the key) and only spelled out in an error:
// this walk runs for every attribute of every span, and the only error inside it is nesting depth.
function attrs(list: M[], p: string, depth: number): Attributes {
  if (list.length === 0) return EMPTY_ATTRS;
  const out = new Map<string, AttrValue>();
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    out.set(kv.key, kv.value ? anyValue(kv.value, p, depth) : null);
  }
  return out;
}

function anyValue(v: M, p: string, depth: number): AttrValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(p, `a value is nested deeper than ${MAX_DEPTH} levels`);
  switch (v.value as string | undefined) {
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'intValue':
      return BigInt.asIntN(64, u64(v.intValue));
    case 'doubleValue':
      return v.doubleValue;
    case 'arrayValue':
      return (v.arrayValue.values as M[]).map((x) => anyValue(x, p, depth + 1));
    case 'kvlistValue':
      return attrs(v.kvlistValue.values, p, depth + 1);
    case 'bytesValue':
      // A copy: protobufjs may hand out a view into the request buffer, which the receiver reuses.
      return new Uint8Array(v.bytesValue);
    default:
      return null;
  }
}
