// Traces for the viewer model tests, built through the real path (OTLP/JSON -> decodeTracesJson ->
// TraceStore -> toTraceDto / toLayoutDto), so the DTOs carry the real invariants (depth-first order, depths,
// orphans, skew fields), not ones a hand-written DTO might get wrong.
import { decodeTracesJson, toLayoutDto, toTraceDto, TraceStore } from '../../../src/core/trace';
import type { TraceDto, TraceLayoutDto } from '../../../src/shared/protocol';
import { sid, TRACE_A, type SpanSpec } from '../trace/helpers';

export { sid, TRACE_A, type SpanSpec };

export const T0 = 1_700_000_000_000;

type Attr = { key: string; value: object };

export interface Spec extends Omit<SpanSpec, 'attrs'> {
  /** OTLP/JSON attributes as sent, so tests can use any AnyValue kind. */
  attrs?: Attr[];
  /** Offset from T0 in ms (fractions allowed, kept exact to the ns). */
  at?: number;
}

function ns(ms: number): bigint {
  return BigInt(T0) * 1_000_000n + BigInt(Math.round(ms * 1e6));
}

/** One request, one resourceSpans per service; linear in the number of spans (50,000 are built). */
export function request(specs: readonly Spec[]): object {
  const byService = new Map<string, Spec[]>();
  for (const s of specs) {
    const svc = s.service ?? 'frontend';
    let list = byService.get(svc);
    if (!list) byService.set(svc, (list = []));
    list.push(s);
  }
  return {
    resourceSpans: [...byService].map(([svc, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: list.map((s) => {
            const start = ns(s.at ?? 0);
            return {
              traceId: s.traceId ?? TRACE_A,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name ?? 'op',
              kind: s.kind ?? 1,
              startTimeUnixNano: String(start),
              endTimeUnixNano: String(start + BigInt(Math.round((s.durationMs ?? 10) * 1e6))),
              attributes: s.attrs ?? [],
              status: s.error ? { code: 2, message: 'boom' } : {},
            };
          }),
        },
      ],
    })),
  };
}

export function storeOf(specs: readonly Spec[]): TraceStore {
  const store = new TraceStore();
  store.addSpans(decodeTracesJson(request(specs)).spans);
  return store;
}

export function traceOf(specs: readonly Spec[]): TraceDto {
  const view = storeOf(specs).getTrace(specs[0]?.traceId ?? TRACE_A);
  if (!view) throw new Error('trace not stored');
  return toTraceDto(view);
}

/** The trace as the viewer gets it to draw (the `layout` answer). */
export function layoutOf(specs: readonly Spec[]): TraceLayoutDto {
  const layout = storeOf(specs).getLayout(specs[0]?.traceId ?? TRACE_A);
  if (!layout) throw new Error('trace not stored');
  return toLayoutDto(layout);
}

/** Name of the span at `index` of a layout. */
export function nameAt(l: TraceLayoutDto, index: number): string {
  return l.names[l.nameIndex[index]];
}

/**
 * A tree of `count` spans: span k's parent is span floor((k - 1) / fanout). Span k starts k µs after
 * the root and lasts 1,000 ms less 50 ms per level, so every child lies inside its parent (no skew
 * shift) and the critical path has real work to do.
 */
export function bigTrace(count: number, fanout: number): TraceLayoutDto {
  const specs: Spec[] = [];
  const depth = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const parent = k === 0 ? -1 : Math.floor((k - 1) / fanout);
    depth[k] = parent < 0 ? 0 : depth[parent] + 1;
    specs.push({
      spanId: sid(k + 1),
      parentSpanId: parent < 0 ? undefined : sid(parent + 1),
      name: `op-${k}`,
      service: `svc-${k % 7}`,
      at: k * 0.001,
      durationMs: 1000 - 50 * depth[k],
      error: k % 1000 === 999,
    });
  }
  return layoutOf(specs);
}

/** A chain: span k+1 is the only child of span k. */
export function chainTrace(length: number): TraceLayoutDto {
  const specs: Spec[] = [];
  for (let k = 0; k < length; k++) {
    specs.push({ spanId: sid(k + 1), parentSpanId: k === 0 ? undefined : sid(k), name: `link-${k}`, at: k * 0.001, durationMs: 2 * length * 0.001 - 2 * k * 0.001 });
  }
  return layoutOf(specs);
}
