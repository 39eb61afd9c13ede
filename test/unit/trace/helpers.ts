// Small OTLP/JSON builders written by us (the corpus is never copied into the project).
export const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
export const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';

export interface SpanSpec {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name?: string;
  service?: string;
  startMs?: number;
  durationMs?: number;
  kind?: number | string;
  error?: boolean;
  attrs?: Record<string, string | number | boolean>;
}

export function sid(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function tid(n: number): string {
  return n.toString(16).padStart(32, '0');
}

function anyValue(v: string | number | boolean): object {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

/** One ExportTraceServiceRequest, one resourceSpans per service. */
export function tracesRequest(specs: SpanSpec[]): object {
  const byService = new Map<string, SpanSpec[]>();
  for (const s of specs) {
    const svc = s.service ?? 'frontend';
    byService.set(svc, [...(byService.get(svc) ?? []), s]);
  }
  return {
    resourceSpans: [...byService].map(([svc, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: list.map((s) => {
            const start = BigInt(s.startMs ?? 1_700_000_000_000) * 1_000_000n;
            const end = start + BigInt(Math.round((s.durationMs ?? 10) * 1e6));
            return {
              traceId: s.traceId ?? TRACE_A,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name ?? 'GET /',
              kind: s.kind ?? 2,
              startTimeUnixNano: String(start),
              endTimeUnixNano: String(end),
              attributes: Object.entries(s.attrs ?? {}).map(([key, v]) => ({ key, value: anyValue(v) })),
              status: s.error ? { code: 2, message: 'boom' } : {},
            };
          }),
        },
      ],
    })),
  };
}
