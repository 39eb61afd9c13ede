// The pieces both decoders share, so JSON and protobuf give identical spans.
import type { AttrValue, Attributes, Resource, Span, SpanEvent, SpanKind, SpanLink, SpanStatus, Scope } from './model';
import { nanoToMs } from './model';

export function makeResource(attributes: Attributes, droppedAttributesCount: number, schemaUrl: string): Resource {
  const svc = attributes.get('service.name');
  return {
    attributes,
    droppedAttributesCount,
    schemaUrl,
    serviceName: typeof svc === 'string' && svc !== '' ? svc : 'unknown_service',
  };
}

export function makeScope(name: string, version: string, attributes: Attributes, droppedAttributesCount: number, schemaUrl: string): Scope {
  return { name, version, attributes, droppedAttributesCount, schemaUrl };
}

export interface SpanFields {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  traceState: string;
  flags: number;
  name: string;
  kind: SpanKind;
  startUnixNano: bigint;
  endUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
  resource: Resource;
  scope: Scope;
}

export function makeSpan(f: SpanFields): Span {
  const d = f.endUnixNano - f.startUnixNano;
  const durationNs = d > 0n ? d : 0n;
  return {
    traceId: f.traceId,
    spanId: f.spanId,
    parentSpanId: f.parentSpanId,
    traceState: f.traceState,
    flags: f.flags,
    name: f.name,
    kind: f.kind,
    startUnixNano: f.startUnixNano,
    endUnixNano: f.endUnixNano,
    durationNs,
    startUnixMs: nanoToMs(f.startUnixNano),
    durationMs: nanoToMs(durationNs),
    attributes: f.attributes,
    droppedAttributesCount: f.droppedAttributesCount,
    events: f.events,
    droppedEventsCount: f.droppedEventsCount,
    links: f.links,
    droppedLinksCount: f.droppedLinksCount,
    status: f.status,
    resource: f.resource,
    scope: f.scope,
  };
}

export const EMPTY_ATTRS: Attributes = new Map<string, AttrValue>();
