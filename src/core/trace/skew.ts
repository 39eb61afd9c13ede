// Clock-skew adjustment between machines, after Jaeger's query-side adjuster (`adjuster/clockskew.go`,
// jaegertracing/jaeger). Spans are stamped by the clock of the machine that recorded them, so a
// server span can appear to start before its client parent, or end after it. This computes, for one
// trace, how far each span should be moved on the display; it never changes a Span (the received
// data is exported as received).
//
// The rules (Jaeger's, except where marked):
// - Only where a child was stamped by another clock than its parent (see `sameClock`). Within one
//   clock, a child that overruns its parent is real (async work), not skew.
// - The child is compared, with its own raw times, against its parent's *adjusted* times (parents are
//   visited first, so a correction flows down the tree).
//   - child fits inside the parent: delta 0.
//   - child lasts longer than the parent (async, or the parent timed out): the only safe move is to
//     not let it start before the parent; delta = parentStart - childStart when it does, else 0.
//   - otherwise (child not longer, but sticks out): centre it in the parent, assuming the network
//     latency is split evenly between request and response:
//     delta = parentStart + (parentDuration - childDuration) / 2 - childStart.
// - A span on the same clock as its parent takes its parent's delta, so a shifted server span moves
//   with its whole same-clock subtree. A descendant on yet another clock is compared afresh.
// - Roots, orphans (parent not in the trace) and spans in a parent cycle are never moved.
// - Not done (Jaeger has it): a configurable maximum delta. Span events and logs are not rewritten
//   either; they are on the span's clock, so a viewer adds the span's delta when it draws them.
//
// Invariants: O(n) in the spans; iterative (a 10,000-deep chain cannot overflow the stack); a span id
// appearing twice keeps its first occurrence (the store never holds two).
import type { AttrValue, Resource, Span } from './model';
import { attrText, nanoToMs } from './model';
import { SEMCONV } from './semconv';

export interface SkewAdjustment {
  readonly spanId: string;
  /** Added to the span's start (and end, events, logs) for display; never 0 here. */
  readonly deltaNs: bigint;
  /** The span whose delta it is: itself when it crosses a clock boundary, else the boundary ancestor. */
  readonly causeSpanId: string;
  /** e.g. "checkout GET /cart: shifted +12.4 ms for clock skew against its parent in frontend". */
  readonly message: string;
}

/** What the adjustment reads of a span: a stored span that was not decoded has all of it. */
export type SkewSpan = Pick<Span, 'spanId' | 'parentSpanId' | 'name' | 'startUnixNano' | 'durationNs' | 'resource'>;

export interface ClockSkewResult {
  /** Only the spans that move; a span absent here has delta 0n. */
  readonly deltas: ReadonlyMap<string, bigint>;
  /** One per adjusted span, parents before their children. */
  readonly warnings: readonly SkewAdjustment[];
}

/**
 * The host a resource runs on, by Jaeger's order: `host.id`, then `host.ip` (first address when it is
 * a list), then `host.name`; "" when none is known.
 */
export function hostKey(resource: Resource): string {
  for (const names of [SEMCONV.hostId, SEMCONV.hostIp, SEMCONV.hostName]) {
    for (const name of names) {
      const v = resource.attributes.get(name);
      const first: AttrValue | undefined = Array.isArray(v) ? (v as readonly AttrValue[])[0] : v;
      const text = first === null ? undefined : attrText(first);
      if (text) return text;
    }
  }
  return '';
}

/**
 * Two spans were stamped by the same clock. When both resources name their host, the host decides
 * (Jaeger): services sharing a machine share its clock, and two instances of one service on two
 * machines do not. When either host is unknown, the service decides. (Jaeger treats an unknown
 * host as a boundary everywhere, which shifts async children inside one process; we do not.)
 */
export function sameClock(parent: SkewSpan, child: SkewSpan, hosts: (r: Resource) => string = hostKey): boolean {
  if (parent.resource === child.resource) return true;
  const ph = hosts(parent.resource);
  const ch = hosts(child.resource);
  if (ph !== '' && ch !== '') return ph === ch;
  return parent.resource.serviceName === child.resource.serviceName;
}

/** The delta that puts `child` (raw times) where it belongs in `parent` (adjusted start `parentStart`). */
export function skewDelta(parentStart: bigint, parentDurationNs: bigint, child: SkewSpan): bigint {
  const childStart = child.startUnixNano;
  const childDuration = child.durationNs;
  if (childDuration > parentDurationNs) return childStart < parentStart ? parentStart - childStart : 0n;
  if (childStart >= parentStart && childStart + childDuration <= parentStart + parentDurationNs) return 0n;
  return parentStart + (parentDurationNs - childDuration) / 2n - childStart;
}

/** Per-span display deltas for the spans of one trace. */
export function computeClockSkew(spans: Iterable<SkewSpan>): ClockSkewResult {
  const byId = new Map<string, SkewSpan>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<string, SkewSpan[]>();
  const stack: SkewSpan[] = [];
  for (const s of byId.values()) {
    const p = s.parentSpanId;
    if (p !== undefined && p !== s.spanId && byId.has(p)) {
      const list = children.get(p);
      if (list) list.push(s);
      else children.set(p, [s]);
    } else stack.push(s);
  }
  const hostCache = new Map<Resource, string>();
  const hosts = (r: Resource): string => {
    let h = hostCache.get(r);
    if (h === undefined) {
      h = hostKey(r);
      hostCache.set(r, h);
    }
    return h;
  };
  // Every reached span's delta (0n too) and the boundary span that delta came from.
  const delta = new Map<string, bigint>();
  const cause = new Map<string, string>();
  const deltas = new Map<string, bigint>();
  const warnings: SkewAdjustment[] = [];
  for (const root of stack) {
    delta.set(root.spanId, 0n);
    cause.set(root.spanId, root.spanId);
  }
  // Roots were pushed in input order; pop order does not matter for the result, only parent-first.
  while (stack.length > 0) {
    const parent = stack.pop()!;
    const kids = children.get(parent.spanId);
    if (!kids) continue;
    const parentDelta = delta.get(parent.spanId)!;
    const parentStart = parent.startUnixNano + parentDelta;
    for (const child of kids) {
      let d: bigint;
      let from: string;
      if (sameClock(parent, child, hosts)) {
        d = parentDelta;
        from = cause.get(parent.spanId)!;
      } else {
        d = skewDelta(parentStart, parent.durationNs, child);
        from = child.spanId;
      }
      delta.set(child.spanId, d);
      cause.set(child.spanId, from);
      if (d !== 0n) {
        deltas.set(child.spanId, d);
        warnings.push({ spanId: child.spanId, deltaNs: d, causeSpanId: from, message: message(child, d, from === child.spanId ? parent : byId.get(from)!, from === child.spanId) });
      }
      stack.push(child);
    }
  }
  return { deltas, warnings };
}

function label(s: SkewSpan): string {
  return `${s.resource.serviceName} ${s.name}`;
}

function message(span: SkewSpan, d: bigint, other: SkewSpan, boundary: boolean): string {
  const ms = nanoToMs(d);
  const amount = `${ms > 0 ? '+' : ''}${ms.toFixed(Math.abs(ms) < 1 ? 3 : 1)} ms`;
  return boundary
    ? `${label(span)}: shifted ${amount} for clock skew against its parent in ${other.resource.serviceName}`
    : `${label(span)}: shifted ${amount} with ${label(other)} (same clock)`;
}
