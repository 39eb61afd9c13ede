// The trace store: spans in any order become traces; logs join their span; a bounded budget
// evicts whole traces, oldest first, and counts what it drops; listeners hear one change event per
// ingest call (the host throttles before it forwards them to viewers).
//
// Invariants:
// - a span is stored once per (traceId, spanId); a repeat replaces the earlier copy.
// - "oldest" is by first arrival of any item of the trace (Map insertion order), not by span
//   start time, so eviction is O(1) and a trace whose clock is wrong cannot pin itself in memory.
// - after every ingest call, spanCount <= maxSpans, logCount <= maxLogs and byteCount <= maxBytes.
// - byteCount estimates what the kept items hold (a packed span's bytes, the strings and values of a
//   whole span or log record, plus a fixed cost per object): counts alone let 200,000 log records
//   with 1 MB bodies (which fit in requests) take gigabytes of the editor's process.
// - views list spans depth-first, children by start time, each with its depth; a span whose
//   parent is absent (not arrived yet, or never sent) is a root marked `orphan`.
// - views correct clock skew for display only (skew.ts): a SpanNode carries its delta and adjusted
//   start, children are ordered by adjusted start, and the Span itself is left as received.
//
// Memory: a span that came as protobuf is kept as a PackedSpan -- the few fields that summaries,
// trees and most filters read, plus a copy of its protobuf bytes -- and decoded again when a view
// or an attribute/text filter needs all of it. A whole Span (attributes Map, strings, events) is
// about 700 bytes of small objects that the garbage collector copies and marks again and again
// while the span is kept; a PackedSpan is a fifth of that. Its bytes go into 1 MiB slabs that the
// store recycles itself once every span in them is gone, so the request bodies are garbage at
// once (not pinned by one long-lived span each) and the bytes kept are about the bytes of the
// spans kept. bench:ingest measures both.
//
// Debug sessions (issue 11): a program MeshLens launches under the debugger carries a session id in
// the resource attribute DEBUG_SESSION_ATTRIBUTE. A trace belongs to the session of the first of its
// spans whose resource carries one (first seen wins), and counts for it with all its spans, so a
// session's counts are exactly what the query filter `debugSession` lists. The resource is read
// once per run of spans sharing it (a Resource object is shared by its whole resourceSpans), not
// per span. At most `maxDebugSessions` sessions are tracked: beyond, the oldest is forgotten and
// its traces lose their tag (so counts and the filter still agree), and are never tagged again.
import { DEBUG_SESSION_ATTRIBUTE } from '../../shared/protocol';
import type { AttrValue, LogRecord, Resource, Scope, Span, SpanHead, SpanKind, SpanStatus } from './model';
import { attrText, isError, nanoToMs } from './model';
import type { PackedSource } from './json';
import { decodeEventMarksAt, decodeSpanAt } from './protobuf-spans';
import { computeClockSkew } from './skew';
import { codeBasename, sharedSuffixLength } from './code-path';
import { semNumber, semString } from './semconv';

export interface TraceSummary {
  readonly traceId: string;
  readonly rootServiceName: string;
  readonly rootName: string;
  /** False when the root shown is an orphan (the real root has not arrived). */
  readonly hasRealRoot: boolean;
  readonly services: readonly string[];
  readonly spanCount: number;
  readonly errorCount: number;
  readonly hasError: boolean;
  readonly orphanCount: number;
  readonly logCount: number;
  readonly startUnixNano: bigint;
  readonly durationNs: bigint;
  readonly startUnixMs: number;
  readonly durationMs: number;
  /** The debug session the trace belongs to (see the header); absent when none. */
  readonly debugSession?: string;
}

export interface SpanNode {
  readonly span: Span;
  readonly depth: number;
  /** The span names a parent that is not in the store. */
  readonly orphan: boolean;
  readonly logs: readonly LogRecord[];
  /**
   * Display shift for clock skew against a parent on another machine (skew.ts); 0n when none.
   * It applies to the whole span: start, end, events and logs were all stamped by the same clock.
   */
  readonly skewNs: bigint;
  readonly skewMs: number;
  /** `span.startUnixNano + skewNs`, and the same as a double. */
  readonly adjustedStartUnixNano: bigint;
  readonly adjustedStartUnixMs: number;
}

export interface TraceView {
  readonly summary: TraceSummary;
  readonly spans: readonly SpanNode[];
  /** Logs of the trace whose span has not arrived (or that name no span). */
  readonly unattachedLogs: readonly LogRecord[];
  /** One line per span shifted for clock skew, in the order of `spans`. */
  readonly warnings: readonly string[];
}

/** A span placed in its trace, before it is decoded (see TraceStore.getLayout). */
export interface PlacedSpan {
  /** What is known without decoding; the trace id is the trace's. */
  readonly span: Omit<SpanHead, 'traceId'>;
  readonly depth: number;
  readonly orphan: boolean;
  readonly skewNs: bigint;
}

export interface TraceLayout {
  readonly summary: TraceSummary;
  /** Depth-first, children by adjusted start: the order of TraceView.spans. */
  readonly spans: readonly PlacedSpan[];
  readonly hasLogs: (spanId: string) => boolean;
  /** Span events, by index into `spans`; times skew-adjusted. */
  readonly events: readonly { readonly index: number; readonly timeUnixNano: bigint; readonly name: string }[];
  readonly warnings: readonly string[];
}

export interface TraceQuery {
  /** Some span of the trace is from this service. */
  readonly service?: string;
  /** Some span has this name (from `service`, when both are given). */
  readonly operation?: string;
  readonly minDurationMs?: number;
  readonly maxDurationMs?: number;
  /** true: only traces with an error span; false: only traces without. */
  readonly error?: boolean;
  /** Every pair must match some span attribute (or resource attribute), compared as text. */
  readonly attributes?: readonly { readonly key: string; readonly value: string }[];
  /** Case-insensitive substring of a trace id, span id, span name, service or attribute value. */
  readonly text?: string;
  /** Newest first (by start); default 100. */
  readonly limit?: number;
  /** Only traces of this debug session. */
  readonly debugSession?: string;
}

export interface DebugSessionCount {
  readonly id: string;
  /** Spans of the session's traces (all their spans, whichever process sent them). */
  readonly spans: number;
  readonly traces: number;
}

/** Where a paused program is (see TraceStore.traceAt). */
export interface TraceAtQuery {
  readonly debugSession?: string;
  /** As the debugger names it: any OS's separators, or a file:// URL. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly atUnixMs: number;
}

export interface TraceAtResult {
  readonly traceId?: string;
  readonly spanId?: string;
  /** For people: how the span was chosen, or why none was. */
  readonly reason: string;
}

export interface StoreStats {
  readonly traces: number;
  readonly spans: number;
  readonly logs: number;
  readonly evictedTraces: number;
  readonly evictedSpans: number;
  readonly evictedLogs: number;
  /** Spans that came again (same trace and span id) and replaced the copy kept: spans in = spans + evictedSpans + replacedSpans. */
  readonly replacedSpans: number;
  /** Logs with no trace id: not kept by this store. */
  readonly logsWithoutTrace: number;
  /** About how many bytes the kept spans and logs hold (see the header); at most maxBytes after every call. */
  readonly bytes: number;
  readonly listenerErrors: number;
}

export interface StoreChange {
  /** Traces that did not exist before this call. */
  readonly added: readonly string[];
  /** Traces that existed and got spans or logs. */
  readonly updated: readonly string[];
  /** Traces evicted by this call (some may be in `added` too, when a batch exceeds the budget). */
  readonly evicted: readonly string[];
  readonly stats: StoreStats;
}

export interface TraceStoreOptions {
  /** Spans kept at most; default 200,000. */
  readonly maxSpans?: number;
  /** Logs kept at most; default 200,000. */
  readonly maxLogs?: number;
  /** Size of the slabs packed spans' bytes are copied into; default 1 MiB (tests use small ones). */
  readonly slabBytes?: number;
  /** Debug sessions tracked at most; default 1,000 (see the header). */
  readonly maxDebugSessions?: number;
  /** Bytes the kept spans and logs may hold, as estimated (see the header); default 512 MiB. */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_SPANS = 200_000;
export const DEFAULT_MAX_LOGS = 200_000;
export const DEFAULT_SLAB_BYTES = 1 << 20;
export const DEFAULT_QUERY_LIMIT = 100;
export const DEFAULT_MAX_DEBUG_SESSIONS = 1000;
/**
 * Twice what the span budget takes in normal use (200,000 SDK-sized spans as whole spans, the
 * OTLP/JSON path: about 230 MB by this estimate; packed, from protobuf: about 90 MB).
 */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** What a kept item costs besides its bytes and values (its objects, map entries): rough, on purpose. */
const PACKED_SPAN_COST = 200;
const WHOLE_SPAN_COST = 700;
const LOG_COST = 400;
/** A session id longer than this is not one MeshLens made; it is ignored. */
export const MAX_DEBUG_SESSION_ID_LENGTH = 256;
/**
 * How far outside a span's [start, end] a paused time may be and still count as covered: the
 * debugger's stop event and the span's clock readings are a few milliseconds apart.
 */
export const TRACE_AT_TOLERANCE_MS = 100;

/** Where packed spans' bytes live; `live` counts the stored spans in it. */
class Slab {
  used = 0;
  live = 0;
  constructor(readonly bytes: Uint8Array) {}
}

/** Traces whose placed spans are kept for the next request at most (see TraceStore.tree). */
const MAX_CACHED_TREES = 4;

/** Free slabs kept for reuse at most (beyond, they go to the garbage collector). */
const MAX_FREE_SLABS = 8;

class SlabArena {
  private current: Slab;
  private readonly free: Slab[] = [];

  constructor(private readonly slabBytes: number) {
    this.current = new Slab(new Uint8Array(slabBytes));
  }

  /** Copies `src[from, to)` in; the caller counts the span as live in the slab it gets. */
  put(src: Uint8Array, from: number, to: number): { slab: Slab; at: number } {
    const n = to - from;
    if (n > this.slabBytes) {
      // A span larger than a slab (huge attributes) gets a slab of its own, not recycled.
      const own = new Slab(src.slice(from, to));
      own.used = n;
      return { slab: own, at: 0 };
    }
    if (this.current.used + n > this.slabBytes) {
      const full = this.current;
      this.current = this.free.pop() ?? new Slab(new Uint8Array(this.slabBytes));
      // A slab whose spans were all evicted while it was being filled is free now.
      if (full.live === 0) this.recycle(full);
    }
    const slab = this.current;
    const at = slab.used;
    slab.bytes.set(src.subarray(from, to), at);
    slab.used += n;
    return { slab, at };
  }

  release(slab: Slab): void {
    if (--slab.live === 0 && slab !== this.current) this.recycle(slab);
  }

  private recycle(slab: Slab): void {
    slab.used = 0;
    if (slab.bytes.length === this.slabBytes && this.free.length < MAX_FREE_SLABS) this.free.push(slab);
  }
}

/** A span kept as a copy of its protobuf bytes; `full()` decodes it again. */
class PackedSpan {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startUnixNano: bigint;
  readonly endUnixNano: bigint;
  readonly status: SpanStatus;
  readonly resource: Resource;
  readonly scope: Scope;

  constructor(
    s: SpanHead,
    readonly slab: Slab,
    readonly from: number,
    readonly to: number,
  ) {
    this.spanId = s.spanId;
    this.parentSpanId = s.parentSpanId;
    this.name = s.name;
    this.kind = s.kind;
    this.startUnixNano = s.startUnixNano;
    this.endUnixNano = s.endUnixNano;
    this.status = s.status;
    this.resource = s.resource;
    this.scope = s.scope;
  }

  get durationNs(): bigint {
    const d = this.endUnixNano - this.startUnixNano;
    return d > 0n ? d : 0n;
  }
}

/** What summaries and trees read; both kinds of stored span have it. */
type Stored = Span | PackedSpan;

function full(s: Stored): Span {
  return s instanceof PackedSpan ? decodeSpanAt(s.slab.bytes, s.from, s.to, s.resource, s.scope) : s;
}

/** A span's events' times and names; for a packed span without decoding the rest. */
function eventMarks(s: Stored): readonly { timeUnixNano: bigint; name: string }[] {
  return s instanceof PackedSpan ? decodeEventMarksAt(s.slab.bytes, s.from, s.to) : s.events;
}

/**
 * The spans of one trace by id. Most traces are a dozen spans that arrive together, and a Map per
 * trace (its tables grown and rehashed as spans come in) was a large part of what ingest left for
 * the garbage collector; so a list, searched linearly while short, with a Map beside it from
 * `INDEX_FROM` spans on.
 */
const INDEX_FROM = 16;

class SpanSet {
  private readonly list: Stored[] = [];
  private index: Map<string, number> | undefined;

  get size(): number {
    return this.list.length;
  }

  /** Adds or replaces (a repeat of an id replaces the earlier copy, which is returned). */
  set(id: string, span: Stored): Stored | undefined {
    const at = this.find(id);
    if (at >= 0) {
      const old = this.list[at];
      this.list[at] = span;
      return old;
    }
    this.list.push(span);
    if (this.index) this.index.set(id, this.list.length - 1);
    else if (this.list.length >= INDEX_FROM) this.index = new Map(this.list.map((x, i) => [x.spanId, i]));
    return undefined;
  }

  has(id: string): boolean {
    return this.find(id) >= 0;
  }

  values(): readonly Stored[] {
    return this.list;
  }

  private find(id: string): number {
    if (this.index) return this.index.get(id) ?? -1;
    const list = this.list;
    for (let i = 0; i < list.length; i++) if (list[i].spanId === id) return i;
    return -1;
  }
}

interface Entry {
  readonly traceId: string;
  readonly spans: SpanSet;
  readonly logs: LogRecord[];
  summary: TraceSummary | undefined;
  /** The spans placed (tree(e)), kept until the trace changes. */
  tree: Tree | undefined;
  /** Its debug session; null once that session was forgotten (the trace is then never tagged again). */
  session: DebugSession | null | undefined;
  /** What its spans and logs count for in the store's byteCount. */
  bytes: number;
}

/** A tracked debug session: its counts and its traces (so a query or traceAt reads only those). */
interface DebugSession {
  readonly id: string;
  spans: number;
  readonly entries: Set<Entry>;
}

/** The session id a resource carries, if it is a usable one. */
function debugSessionOf(r: Resource): string | undefined {
  const v = r.attributes.get(DEBUG_SESSION_ATTRIBUTE);
  return typeof v === 'string' && v !== '' && v.length <= MAX_DEBUG_SESSION_ID_LENGTH ? v : undefined;
}

export class TraceStore {
  readonly maxSpans: number;
  readonly maxLogs: number;
  readonly maxDebugSessions: number;
  readonly maxBytes: number;
  private readonly traces = new Map<string, Entry>();
  /** By id, oldest first (first seen). */
  private readonly sessions = new Map<string, DebugSession>();
  /**
   * Traces in order of first arrival, oldest at `head`: eviction takes from here. (Taking the
   * Map's first entry instead scans over every entry deleted before it, until V8 rehashes: with
   * thousands of evictions a second that was a measurable share of ingest.)
   */
  private arrival: (Entry | undefined)[] = [];
  private readonly arena: SlabArena;
  private head = 0;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  /** Entries whose tree is cached, oldest first (see tree()). */
  private recentTrees: Entry[] = [];
  private spanCount = 0;
  private logCount = 0;
  private byteCount = 0;
  private evictedTraces = 0;
  private evictedSpans = 0;
  private evictedLogs = 0;
  private replacedSpans = 0;
  private logsWithoutTrace = 0;
  private listenerErrors = 0;

  constructor(options: TraceStoreOptions = {}) {
    this.maxSpans = positive(options.maxSpans ?? DEFAULT_MAX_SPANS, 'maxSpans');
    this.maxLogs = positive(options.maxLogs ?? DEFAULT_MAX_LOGS, 'maxLogs');
    this.arena = new SlabArena(positive(options.slabBytes ?? DEFAULT_SLAB_BYTES, 'slabBytes'));
    this.maxDebugSessions = positive(options.maxDebugSessions ?? DEFAULT_MAX_DEBUG_SESSIONS, 'maxDebugSessions');
    this.maxBytes = positive(options.maxBytes ?? DEFAULT_MAX_BYTES, 'maxBytes');
  }

  /**
   * `packed`, from the protobuf decoder, says where each span is in its request: the store then
   * keeps that instead of the Span (see the header).
   */
  addSpans(spans: readonly Span[]): StoreChange;
  addSpans(spans: readonly SpanHead[], packed: PackedSource): StoreChange;
  addSpans(spans: readonly SpanHead[], packed?: PackedSource): StoreChange {
    const added = new Set<string>();
    const updated = new Set<string>();
    const ranges = packed?.ranges;
    if (ranges && ranges.length !== spans.length * 2) throw new Error(`addSpans: ${ranges.length / 2} byte ranges for ${spans.length} spans`);
    let lastResource: Resource | undefined;
    let session: string | undefined;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      const entry = this.entry(span.traceId, added, updated);
      if (span.resource !== lastResource) {
        lastResource = span.resource;
        session = debugSessionOf(lastResource);
      }
      if (session !== undefined && entry.session === undefined) this.tag(entry, session);
      const before = entry.spans.size;
      // Without `packed` these are whole Spans (the overloads say so).
      let stored: Stored = span as Span;
      if (ranges) {
        const { slab, at } = this.arena.put(packed!.bytes, ranges[2 * i], ranges[2 * i + 1]);
        slab.live++;
        stored = new PackedSpan(span, slab, at, at + ranges[2 * i + 1] - ranges[2 * i]);
      }
      const replaced = entry.spans.set(span.spanId, stored);
      if (replaced instanceof PackedSpan) this.arena.release(replaced.slab);
      const grownBytes = storedBytes(stored) - (replaced !== undefined ? storedBytes(replaced) : 0);
      entry.bytes += grownBytes;
      this.byteCount += grownBytes;
      if (replaced !== undefined) this.replacedSpans++;
      const grown = entry.spans.size - before;
      this.spanCount += grown;
      if (entry.session) entry.session.spans += grown;
    }
    return this.finish(added, updated);
  }

  addLogs(logs: readonly LogRecord[]): StoreChange {
    const added = new Set<string>();
    const updated = new Set<string>();
    for (const log of logs) {
      if (log.traceId === undefined) {
        this.logsWithoutTrace++;
        continue;
      }
      const entry = this.entry(log.traceId, added, updated);
      entry.logs.push(log);
      const bytes = LOG_COST + valueBytes(log.body) + attributesBytes(log.attributes) + 2 * (log.severityText.length + log.eventName.length);
      entry.bytes += bytes;
      this.byteCount += bytes;
      this.logCount++;
    }
    return this.finish(added, updated);
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  stats(): StoreStats {
    return {
      traces: this.traces.size,
      spans: this.spanCount,
      logs: this.logCount,
      evictedTraces: this.evictedTraces,
      evictedSpans: this.evictedSpans,
      evictedLogs: this.evictedLogs,
      replacedSpans: this.replacedSpans,
      logsWithoutTrace: this.logsWithoutTrace,
      bytes: this.byteCount,
      listenerErrors: this.listenerErrors,
    };
  }

  /**
   * Spans and traces held per debug session: of the ids given (an unknown one is left out), or of
   * every tracked session, oldest first.
   */
  debugSessionCounts(ids?: readonly string[]): DebugSessionCount[] {
    const out: DebugSessionCount[] = [];
    const count = (s: DebugSession) => out.push({ id: s.id, spans: s.spans, traces: s.entries.size });
    if (ids === undefined) for (const s of this.sessions.values()) count(s);
    else
      for (const id of new Set(ids)) {
        const s = this.sessions.get(id);
        if (s) count(s);
      }
    return out;
  }

  /**
   * The span that covers a paused code location, and its trace. Among the spans (of the session,
   * when one is given: spans whose own resource carries it) whose [start, end] covers `atUnixMs`
   * within TRACE_AT_TOLERANCE_MS, those covering it exactly first: among them, first those whose code.* attributes name the file (most trailing
   * path segments shared, then the nearest code line at or before `line`, then the shortest); else
   * the innermost (shortest) of them. Only covering spans are decoded.
   */
  traceAt(q: TraceAtQuery): TraceAtResult {
    const s = q.debugSession === undefined ? undefined : this.sessions.get(q.debugSession);
    if (q.debugSession !== undefined && !s) return { reason: 'No span of this debug session has arrived yet (or its traces were evicted to make room for newer ones).' };
    const tol = msToNano(TRACE_AT_TOLERANCE_MS);
    const at = msToNano(q.atUnixMs);
    let considered = 0;
    let best: { e: Entry; s: Stored; strict: boolean; shared: number; fromStack: boolean; lineGap: number; dur: bigint } | undefined;
    let innermost: { e: Entry; s: Stored; strict: boolean; dur: bigint } | undefined;
    let lastResource: Resource | undefined;
    let ofSession = true;
    for (const e of s ? s.entries : this.traces.values()) {
      for (const sp of e.spans.values()) {
        if (s) {
          if (sp.resource !== lastResource) {
            lastResource = sp.resource;
            ofSession = debugSessionOf(lastResource) === s.id;
          }
          if (!ofSession) continue;
        }
        considered++;
        if (sp.startUnixNano - tol > at || sp.endUnixNano + tol < at) continue;
        const dur = sp.endUnixNano - sp.startUnixNano;
        // Running at that very time beats "within the tolerance": the request just before the paused
        // one ended a moment earlier and is shorter, while the paused request's spans run on.
        const strict = sp.startUnixNano <= at && sp.endUnixNano >= at;
        if (!innermost || (strict && !innermost.strict) || (strict === innermost.strict && dur < innermost.dur)) innermost = { e, s: sp, strict, dur };
        const m = codeMatch(full(sp), q.file, q.line);
        if (!m) continue;
        // Then: named by the span's own code.* attributes beats a stack frame; then the longer shared
        // path; then the code line nearest the paused one (a function starts above its body); then the innermost.
        const better =
          !best ||
          (strict && !best.strict) ||
          (strict === best.strict &&
            ((best.fromStack && !m.fromStack) ||
              (best.fromStack === m.fromStack &&
                (m.shared > best.shared || (m.shared === best.shared && (m.lineGap < best.lineGap || (m.lineGap === best.lineGap && dur < best.dur)))))));
        if (better) best = { e, s: sp, strict, dur, ...m };
      }
    }
    if (best) {
      const how = best.fromStack ? 'a frame of its code.stacktrace' : 'its code.* attributes';
      return { traceId: best.e.traceId, spanId: best.s.spanId, reason: `Span "${best.s.name}" names ${codeBasename(q.file)} in ${how} and was running when the program stopped.` };
    }
    if (innermost) {
      return { traceId: innermost.e.traceId, spanId: innermost.s.spanId, reason: `No span names ${codeBasename(q.file)}; "${innermost.s.name}" is the innermost span that was running when the program stopped.` };
    }
    if (considered === 0) return { reason: 'No span has arrived yet.' };
    return {
      reason: `None of the ${considered} span${considered === 1 ? '' : 's'} that arrived was running when the program stopped.`,
    };
  }

  has(traceId: string): boolean {
    return this.traces.has(traceId.toLowerCase());
  }

  summary(traceId: string): TraceSummary | undefined {
    const e = this.traces.get(traceId.toLowerCase());
    return e && summarize(e);
  }

  getTrace(traceId: string): TraceView | undefined {
    const e = this.traces.get(traceId.toLowerCase());
    if (!e) return undefined;
    const t = this.tree(e);
    const spans = t.nodes.map((n): SpanNode => nodeOf(n, full(n.span), t.logsBySpan));
    return { summary: summarize(e), spans, unattachedLogs: t.unattachedLogs, warnings: t.warnings };
  }

  /**
   * The trace as the waterfall draws it, without decoding a span's attributes: the tree, the
   * skew-adjusted times, and each span's events (time and name only). The tree is kept until the
   * trace changes, so `span` and `search` on the open trace do not build it again.
   */
  getLayout(traceId: string): TraceLayout | undefined {
    const e = this.traces.get(traceId.toLowerCase());
    if (!e) return undefined;
    const t = this.tree(e);
    const events: { index: number; timeUnixNano: bigint; name: string }[] = [];
    t.nodes.forEach((n, index) => {
      for (const ev of eventMarks(n.span)) events.push({ index, timeUnixNano: ev.timeUnixNano + n.skewNs, name: ev.name });
    });
    return { summary: summarize(e), spans: t.nodes, hasLogs: (spanId) => t.logsBySpan.has(spanId), events, warnings: t.warnings };
  }

  /** One span with everything it carries, placed in its trace (depth, skew, logs). */
  getSpan(traceId: string, spanId: string): { summary: TraceSummary; node: SpanNode } | undefined {
    const e = this.traces.get(traceId.toLowerCase());
    if (!e) return undefined;
    const t = this.tree(e);
    const at = t.indexById.get(spanId.toLowerCase());
    if (at === undefined) return undefined;
    const n = t.nodes[at];
    return { summary: summarize(e), node: nodeOf(n, full(n.span), t.logsBySpan) };
  }

  /**
   * Span ids of the trace, in display order, whose name, service, span id, status message, event
   * names or attribute keys or values contain `text` (case-insensitive); at most `max` of them.
   */
  searchTrace(traceId: string, text: string, max: number): { spanIds: string[]; truncated: boolean } | undefined {
    const e = this.traces.get(traceId.toLowerCase());
    if (!e) return undefined;
    const q = text.toLowerCase();
    const spanIds: string[] = [];
    for (const n of this.tree(e).nodes) {
      if (!spanMatches(n.span, q)) continue;
      if (spanIds.length === max) return { spanIds, truncated: true };
      spanIds.push(n.span.spanId);
    }
    return { spanIds, truncated: false };
  }

  /**
   * The entry's placed spans, built once per change of the trace. Only the last few traces asked
   * for keep theirs: a viewer works on one trace at a time, and a 50,000-span tree is megabytes.
   */
  private tree(e: Entry): Tree {
    if (e.tree) return e.tree;
    e.tree = buildTree(e);
    // Entries that changed or were evicted since have no tree left to drop.
    this.recentTrees = this.recentTrees.filter((x) => x !== e && x.tree !== undefined && this.traces.get(x.traceId) === x);
    this.recentTrees.push(e);
    if (this.recentTrees.length > MAX_CACHED_TREES) this.recentTrees.shift()!.tree = undefined;
    return e.tree;
  }

  /** Summaries of the matching traces, newest first. */
  query(q: TraceQuery = {}): TraceSummary[] {
    const limit = q.limit ?? DEFAULT_QUERY_LIMIT;
    const text = q.text?.trim().toLowerCase() || undefined;
    const out: TraceSummary[] = [];
    // A session's traces are listed by the session itself: no walk over every other trace.
    const session = q.debugSession === undefined ? undefined : this.sessions.get(q.debugSession);
    if (q.debugSession !== undefined && !session) return out;
    for (const e of session ? session.entries : this.traces.values()) {
      if (e.spans.size === 0) continue;
      const sum = summarize(e);
      if (q.error !== undefined && sum.hasError !== q.error) continue;
      if (q.minDurationMs !== undefined && sum.durationMs < q.minDurationMs) continue;
      if (q.maxDurationMs !== undefined && sum.durationMs > q.maxDurationMs) continue;
      if (q.service !== undefined && !sum.services.includes(q.service)) continue;
      if (q.operation !== undefined && !some(e, (s) => s.name === q.operation && (q.service === undefined || s.resource.serviceName === q.service))) continue;
      if (q.attributes && !q.attributes.every(({ key, value }) => some(e, (s) => attrMatches(full(s), key, value)))) continue;
      if (text !== undefined && !matchesText(e, text)) continue;
      out.push(sum);
    }
    out.sort((a, b) => (a.startUnixNano < b.startUnixNano ? 1 : a.startUnixNano > b.startUnixNano ? -1 : 0));
    return out.slice(0, Math.max(0, limit));
  }

  /** Every service seen in the stored traces, sorted. */
  services(): string[] {
    const set = new Set<string>();
    for (const e of this.traces.values()) for (const s of summarize(e).services) set.add(s);
    return [...set].sort();
  }

  private entry(traceId: string, added: Set<string>, updated: Set<string>): Entry {
    let e = this.traces.get(traceId);
    if (!e) {
      e = { traceId, spans: new SpanSet(), logs: [], summary: undefined, tree: undefined, session: undefined, bytes: 0 };
      this.traces.set(traceId, e);
      this.arrival.push(e);
      added.add(traceId);
    } else if (!added.has(traceId)) updated.add(traceId);
    e.summary = undefined;
    e.tree = undefined;
    return e;
  }

  /** Puts the trace in the session (tracking it first, forgetting the oldest beyond the bound). */
  private tag(e: Entry, id: string): void {
    let s = this.sessions.get(id);
    if (!s) {
      if (this.sessions.size >= this.maxDebugSessions) {
        const oldest = this.sessions.values().next().value!;
        this.sessions.delete(oldest.id);
        for (const x of oldest.entries) {
          x.session = null;
          x.summary = undefined;
        }
      }
      s = { id, spans: 0, entries: new Set() };
      this.sessions.set(id, s);
    }
    e.session = s;
    s.entries.add(e);
    s.spans += e.spans.size;
  }

  private finish(added: Set<string>, updated: Set<string>): StoreChange {
    const evicted: string[] = [];
    while (this.spanCount > this.maxSpans || this.logCount > this.maxLogs || this.byteCount > this.maxBytes) {
      const oldest = this.arrival[this.head];
      // Only a counting mistake could empty the store with a budget still exceeded; never loop on it.
      if (oldest === undefined) break;
      // Let go of it now: the slots before `head` are only dropped when the list is compacted.
      this.arrival[this.head++] = undefined;
      this.traces.delete(oldest.traceId);
      oldest.tree = undefined;
      for (const x of oldest.spans.values()) if (x instanceof PackedSpan) this.arena.release(x.slab);
      this.spanCount -= oldest.spans.size;
      this.logCount -= oldest.logs.length;
      this.byteCount -= oldest.bytes;
      if (oldest.session) {
        oldest.session.spans -= oldest.spans.size;
        oldest.session.entries.delete(oldest);
      }
      this.evictedTraces++;
      this.evictedSpans += oldest.spans.size;
      this.evictedLogs += oldest.logs.length;
      evicted.push(oldest.traceId);
      updated.delete(oldest.traceId);
    }
    if (this.head > 1024 && this.head * 2 > this.arrival.length) {
      this.arrival = this.arrival.slice(this.head);
      this.head = 0;
    }
    const change: StoreChange = { added: [...added], updated: [...updated], evicted, stats: this.stats() };
    if (added.size + updated.size + evicted.length > 0) {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch {
          // A broken viewer must not stop ingestion; the count makes it visible.
          this.listenerErrors++;
        }
      }
    }
    return change;
  }
}

function msToNano(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

/** Frames of a code.stacktrace read at most: enough for any handler, bounded for a runaway trace. */
const MAX_STACK_FRAMES = 64;
/** `path:line` (Node, Go, .NET `in path:line N` aside) and `File "path", line N` (Python). */
const FRAME = /File "([^"]+)", line (\d+)|([^\s()"'@]+\.[A-Za-z0-9]+):(\d+)|in (\S+\.[A-Za-z0-9]+):line (\d+)/g;

/**
 * How well a span's code.* attributes (or, failing them, its code.stacktrace) name `file`:
 * trailing path segments shared (0: not at all), and how far its line is from `line` (lines
 * below it are preferred: a span's code.lineno is where its function starts).
 */
function codeMatch(span: Span, file: string, line: number): { shared: number; lineGap: number; fromStack: boolean } | undefined {
  const path = semString(span, 'codeFilePath');
  if (path !== undefined) {
    const shared = sharedSuffixLength(file, path);
    if (shared > 0) return { shared, lineGap: lineGap(semNumber(span, 'codeLineNumber'), line), fromStack: false };
  }
  const stack = semString(span, 'codeStacktrace');
  if (stack === undefined) return undefined;
  let best: { shared: number; lineGap: number; fromStack: boolean } | undefined;
  let frames = 0;
  FRAME.lastIndex = 0;
  for (let m = FRAME.exec(stack); m && frames < MAX_STACK_FRAMES; m = FRAME.exec(stack), frames++) {
    const p = m[1] ?? m[3] ?? m[5];
    const shared = sharedSuffixLength(file, p);
    if (shared === 0) continue;
    const gap = Math.abs(Number(m[2] ?? m[4] ?? m[6]) - line);
    if (!best || shared > best.shared || (shared === best.shared && gap < best.lineGap)) best = { shared, lineGap: gap, fromStack: true };
  }
  return best;
}

/** A frame's line is exact; a span's code line is its function's first: after the paused line is worse than before it. */
function lineGap(codeLine: number | undefined, line: number): number {
  if (codeLine === undefined || !Number.isFinite(codeLine)) return Number.MAX_SAFE_INTEGER / 2;
  return codeLine <= line ? line - codeLine : Number.MAX_SAFE_INTEGER / 2 + codeLine - line;
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`TraceStore ${name} must be a positive integer, got ${n}`);
  return n;
}

function sortByKey<T extends { readonly spanId: string }>(list: T[], start: (s: T) => bigint): T[] {
  return list.sort((a, b) => {
    const x = start(a);
    const y = start(b);
    return x < y ? -1 : x > y ? 1 : a.spanId < b.spanId ? -1 : 1;
  });
}

function sortLogs(list: LogRecord[]): void {
  list.sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : a.observedTimeUnixNano < b.observedTimeUnixNano ? -1 : a.observedTimeUnixNano > b.observedTimeUnixNano ? 1 : 0));
}

function some(e: Entry, pred: (s: Stored) => boolean): boolean {
  for (const s of e.spans.values()) if (pred(s)) return true;
  return false;
}

function attrMatches(s: Span, key: string, value: string): boolean {
  const v: AttrValue | undefined = s.attributes.has(key) ? s.attributes.get(key) : s.resource.attributes.get(key);
  return v !== undefined && attrText(v) === value;
}

function matchesText(e: Entry, text: string): boolean {
  if (e.traceId.includes(text)) return true;
  for (const s of e.spans.values()) {
    if (s.spanId.includes(text) || s.name.toLowerCase().includes(text) || s.resource.serviceName.toLowerCase().includes(text)) return true;
    if (s.status.message.toLowerCase().includes(text)) return true;
  }
  // Attribute values last: for packed spans they cost a decode.
  for (const s of e.spans.values()) {
    for (const v of full(s).attributes.values()) if (attrText(v)?.toLowerCase().includes(text)) return true;
  }
  return false;
}

function summarize(e: Entry): TraceSummary {
  if (e.summary) return e.summary;
  let root: Stored | undefined;
  let orphanRoot: Stored | undefined;
  let earliest: Stored | undefined;
  let start: bigint | undefined;
  let end: bigint | undefined;
  let errorCount = 0;
  let orphanCount = 0;
  const services = new Set<string>();
  for (const s of e.spans.values()) {
    services.add(s.resource.serviceName);
    if (isError(s)) errorCount++;
    if (start === undefined || s.startUnixNano < start) {
      start = s.startUnixNano;
      earliest = s;
    }
    if (end === undefined || s.endUnixNano > end) end = s.endUnixNano;
    if (s.parentSpanId === undefined) {
      if (!root || s.startUnixNano < root.startUnixNano) root = s;
    } else if (!e.spans.has(s.parentSpanId)) {
      orphanCount++;
      if (!orphanRoot || s.startUnixNano < orphanRoot.startUnixNano) orphanRoot = s;
    }
  }
  // Start and duration are the received times, not the skew-adjusted ones: a summary is cached per
  // trace and used to filter and sort (query), and a root is never shifted, so only a child that
  // overruns the root could differ. The view (getTrace) carries the adjusted times.
  // Spans that only point at each other (a cycle) have neither: show the earliest.
  const shown = root ?? orphanRoot ?? earliest;
  const startNs = start ?? 0n;
  const d = (end ?? 0n) - startNs;
  const durationNs = d > 0n ? d : 0n;
  e.summary = {
    traceId: e.traceId,
    rootServiceName: shown?.resource.serviceName ?? '',
    rootName: shown?.name ?? '',
    hasRealRoot: root !== undefined,
    services: [...services].sort(),
    spanCount: e.spans.size,
    errorCount,
    hasError: errorCount > 0,
    orphanCount,
    logCount: e.logs.length,
    startUnixNano: startNs,
    durationNs,
    startUnixMs: nanoToMs(startNs),
    durationMs: nanoToMs(durationNs),
    ...(e.session && { debugSession: e.session.id }),
  };
  return e.summary;
}

interface TreeNode extends PlacedSpan {
  readonly span: Stored;
}

interface Tree {
  readonly nodes: readonly TreeNode[];
  readonly indexById: ReadonlyMap<string, number>;
  readonly logsBySpan: ReadonlyMap<string, readonly LogRecord[]>;
  readonly unattachedLogs: readonly LogRecord[];
  readonly warnings: readonly string[];
}

/**
 * The spans of a trace in display order (depth-first, children by skew-adjusted start, each with
 * its depth), its logs by span, and the skew warnings. Built from what a packed span keeps, so no
 * span is decoded; cached on the entry until it changes.
 */
function buildTree(e: Entry): Tree {
  const logsBySpan = new Map<string, LogRecord[]>();
  const unattachedLogs: LogRecord[] = [];
  for (const log of e.logs) {
    if (log.spanId !== undefined && e.spans.has(log.spanId)) {
      const list = logsBySpan.get(log.spanId);
      if (list) list.push(log);
      else logsBySpan.set(log.spanId, [log]);
    } else unattachedLogs.push(log);
  }
  // Records arrive in any order (exporters send concurrently); a span's logs read in time order.
  for (const list of logsBySpan.values()) sortLogs(list);
  sortLogs(unattachedLogs);
  const all = e.spans.values();
  const children = new Map<string, Stored[]>();
  const roots: Stored[] = [];
  for (const s of all) {
    if (s.parentSpanId !== undefined && s.parentSpanId !== s.spanId && e.spans.has(s.parentSpanId)) {
      const list = children.get(s.parentSpanId);
      if (list) list.push(s);
      else children.set(s.parentSpanId, [s]);
    } else roots.push(s);
  }
  const skew = computeClockSkew(all);
  const adjustedStart = (s: Stored): bigint => s.startUnixNano + (skew.deltas.get(s.spanId) ?? 0n);
  const sortByStart = (list: Stored[]): Stored[] => sortByKey(list, adjustedStart);
  const nodes: TreeNode[] = [];
  const indexById = new Map<string, number>();
  const visit = (rootList: Stored[]) => {
    // Iterative, so a 10,000-deep chain cannot overflow the stack.
    const stack: { span: Stored; depth: number }[] = sortByStart(rootList)
      .reverse()
      .map((span) => ({ span, depth: 0 }));
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (indexById.has(span.spanId)) continue;
      indexById.set(span.spanId, nodes.length);
      nodes.push({ span, depth, orphan: depth === 0 && span.parentSpanId !== undefined, skewNs: skew.deltas.get(span.spanId) ?? 0n });
      const kids = children.get(span.spanId);
      if (kids) for (const k of sortByStart(kids).reverse()) stack.push({ span: k, depth: depth + 1 });
    }
  };
  visit(roots);
  // Spans in a parent cycle are reachable from no root: show them as orphans rather than lose them.
  if (indexById.size < e.spans.size) visit(all.filter((s) => !indexById.has(s.spanId)));
  // Warnings in the order the spans are listed.
  const messages = new Map(skew.warnings.map((w) => [w.spanId, w.message]));
  const warnings: string[] = [];
  for (const n of nodes) {
    const m = n.skewNs === 0n ? undefined : messages.get(n.span.spanId);
    if (m !== undefined) warnings.push(m);
  }
  return { nodes, indexById, logsBySpan, unattachedLogs, warnings };
}

function nodeOf(n: TreeNode, span: Span, logsBySpan: ReadonlyMap<string, readonly LogRecord[]>): SpanNode {
  const adjustedStartUnixNano = span.startUnixNano + n.skewNs;
  return {
    span,
    depth: n.depth,
    orphan: n.orphan,
    logs: logsBySpan.get(span.spanId) ?? [],
    skewNs: n.skewNs,
    skewMs: n.skewNs === 0n ? 0 : nanoToMs(n.skewNs),
    adjustedStartUnixNano,
    adjustedStartUnixMs: n.skewNs === 0n ? span.startUnixMs : nanoToMs(adjustedStartUnixNano),
  };
}

/** Case-insensitive containment in what a person sees of a span; `q` is lowercase. */
function spanMatches(s: Stored, q: string): boolean {
  if (s.spanId.includes(q) || s.name.toLowerCase().includes(q) || s.resource.serviceName.toLowerCase().includes(q) || s.status.message.toLowerCase().includes(q)) return true;
  const f = full(s);
  for (const ev of f.events) if (ev.name.toLowerCase().includes(q)) return true;
  for (const [key, v] of f.attributes) {
    if (key.toLowerCase().includes(q) || attrText(v)?.toLowerCase().includes(q)) return true;
  }
  return false;
}

/** A kept span's share of the byte budget: a packed span's bytes, or a whole span's values. */
function storedBytes(s: Stored): number {
  if (s instanceof PackedSpan) return PACKED_SPAN_COST + (s.to - s.from);
  const span = s as Span;
  let n = WHOLE_SPAN_COST + 2 * (span.name.length + span.traceState.length + span.status.message.length) + attributesBytes(span.attributes);
  for (const ev of span.events) n += 64 + 2 * ev.name.length + attributesBytes(ev.attributes);
  for (const l of span.links) n += 96 + 2 * l.traceState.length + attributesBytes(l.attributes);
  return n;
}

function attributesBytes(attributes: ReadonlyMap<string, AttrValue>): number {
  let n = 0;
  for (const [k, v] of attributes) n += 32 + 2 * k.length + valueBytes(v);
  return n;
}

/** Strings count two bytes a character (V8 keeps some as one, some as two); the decoders bound the depth. */
function valueBytes(v: AttrValue): number {
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (v === null || typeof v !== 'object') return 16;
  if (v instanceof Uint8Array) return 64 + v.byteLength;
  if (v instanceof Map) return 32 + attributesBytes(v);
  let n = 16;
  for (const x of v as readonly AttrValue[]) n += 8 + valueBytes(x);
  return n;
}
