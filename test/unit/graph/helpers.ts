// Compact span specs written for these tests, turned into OTLP/JSON requests (the receiver's input
// format) and fed through the JSON decoder, so the graph sees what ingest gives it.
import { decodeTracesJson, type Span } from '../../../src/core/trace';
import type { ServiceGraph } from '../../../src/core/graph';

/** 2026-01-01T12:00:00Z: a whole minute, so window arithmetic in the tests is easy to follow. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export type Kind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
const KINDS: Record<Kind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

export interface G {
  svc: string;
  /** service.version on the resource. */
  ver?: string;
  /** More resource attributes. */
  res?: Record<string, string>;
  trace: number;
  id: number;
  parent?: number;
  kind: Kind;
  /** Start, ms after T0. */
  at: number;
  ms: number;
  error?: boolean;
  attrs?: Record<string, string | number>;
}

export const tid = (n: number) => n.toString(16).padStart(32, '0');
export const sid = (n: number) => n.toString(16).padStart(16, '0');

function value(v: string | number): object {
  return typeof v === 'string' ? { stringValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function attrs(a: Record<string, string | number>): object[] {
  return Object.entries(a).map(([key, v]) => ({ key, value: value(v) }));
}

/** One ExportTraceServiceRequest in OTLP/JSON: a resourceSpans per distinct resource. */
export function otlp(spans: readonly G[]): { resourceSpans: object[] } {
  const groups = new Map<string, { res: Record<string, string>; spans: G[] }>();
  for (const s of spans) {
    const res: Record<string, string> = { 'service.name': s.svc, ...(s.ver !== undefined && { 'service.version': s.ver }), ...s.res };
    const key = JSON.stringify(res);
    if (!groups.has(key)) groups.set(key, { res, spans: [] });
    groups.get(key)!.spans.push(s);
  }
  return {
    resourceSpans: [...groups.values()].map((g) => ({
      resource: { attributes: attrs(g.res) },
      scopeSpans: [
        {
          scope: { name: 'meshlens-test' },
          spans: g.spans.map((s) => {
            const start = BigInt(Math.round((T0 + s.at) * 1e3)) * 1000n;
            return {
              traceId: tid(s.trace),
              spanId: sid(s.id),
              ...(s.parent !== undefined && { parentSpanId: sid(s.parent) }),
              name: `${s.kind} ${s.id}`,
              kind: KINDS[s.kind],
              startTimeUnixNano: String(start),
              endTimeUnixNano: String(start + BigInt(Math.round(s.ms * 1e6))),
              attributes: attrs(s.attrs ?? {}),
              ...(s.error && { status: { code: 2 } }),
            };
          }),
        },
      ],
    })),
  };
}

export function spansOf(specs: readonly G[]): Span[] {
  return decodeTracesJson(otlp(specs)).spans;
}

/** Feeds the specs as one request at `nowMs` (ms after T0). */
export function feed(graph: ServiceGraph, specs: readonly G[], nowMs: number): void {
  graph.add(spansOf(specs), T0 + nowMs);
}

/** A client span and the server span it called (ids id and id+1), with the given latencies. */
export function call(trace: number, id: number, from: string, to: string, at: number, clientMs: number, serverMs: number, extra: Partial<{ parent: number; clientError: boolean; serverError: boolean; fromVer: string; toVer: string; attrs: Record<string, string | number> }> = {}): G[] {
  return [
    { svc: from, ver: extra.fromVer, trace, id, parent: extra.parent, kind: 'client', at, ms: clientMs, error: extra.clientError, attrs: extra.attrs },
    { svc: to, ver: extra.toVer, trace, id: id + 1, parent: id, kind: 'server', at: at + (clientMs - serverMs) / 2, ms: serverMs, error: extra.serverError },
  ];
}
