// What every receiver (OTLP/HTTP, OTLP/gRPC, Zipkin) does with a decoded request: store it, tell the
// hooks (the service graph, the debug-session filter), hand the request to the forwarder, and
// count. One place, so the three protocols cannot drift apart in what they keep or report.
import { AttributeKeys, decodeTraceHeadsProtobuf, decodeTracesProtobuf, type Attributes, type DecodedHeads, type DecodedLogs, type DecodedTraces, type LogRecord, type Span, type SpanHead, type SpanHeadWithAttributes, type TraceStore } from '../core/trace';

const NO_ATTRIBUTES: Attributes = new Map();

export type Signal = 'traces' | 'logs';
export type Encoding = 'protobuf' | 'json';

/** The request as it came in, so the forwarder can pass OTLP bytes on without re-encoding them. */
export interface RawPayload {
  readonly signal: Signal;
  readonly encoding: Encoding;
  readonly bytes: Uint8Array;
}

/** Takes what was received for an upstream; must not block and must not throw. */
export interface ForwardSink {
  offer(payload: RawPayload | undefined, spans: readonly Span[] | readonly SpanHead[] | undefined, logs: readonly LogRecord[] | undefined): void;
}

export interface IngestCounters {
  spans: number;
  logs: number;
  /** Items a request carried that were left out (OTLP partial success). */
  rejectedSpans: number;
  rejectedLogs: number;
  /** Exceptions thrown by hooks; ingestion goes on. */
  hookErrors: number;
  /**
   * Requests refused because the ingest queue was full (OTLP/HTTP 503 with Retry-After, OTLP/gRPC
   * UNAVAILABLE with RetryInfo): the client was told to send them again, none of it was taken.
   */
  throttledRequests: number;
  /** Requests in the queue now (being received, decompressed or decoded), and their bytes. */
  queuedRequests: number;
  queuedBytes: number;
  /** The most the queue has held at once since the start. */
  peakQueuedRequests: number;
  peakQueuedBytes: number;
}

/**
 * The ingest queue's bounds. What queues is the bodies of requests taken in and not answered yet:
 * buffered while they arrive, then decompressed and decoded on this thread. Without a bound, a
 * flood of clients makes that memory (and every request's wait) grow without end; with one, the
 * request past it is refused at the door, before its body is read, and told when to retry, as the
 * OTLP specification's throttling sections ask.
 */
export interface IngestQueueOptions {
  /** Requests at once. */
  readonly maxRequests?: number;
  /** Their bytes at once: bodies as received, plus what gzip bodies inflate to. */
  readonly maxBytes?: number;
}

/**
 * 32 requests keep a single-threaded decoder busy (more in flight adds only waiting) while each
 * exporter of a few dozen services can have one or two in flight; 64 MiB holds a few of the
 * largest bodies the receivers take (16 MiB) or hundreds of typical batches (50-500 KB).
 */
export const DEFAULT_MAX_QUEUED_REQUESTS = 32;
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/**
 * What a refused client is told to wait (Retry-After, RetryInfo, grpc-retry-pushback-ms): long
 * enough for the queue to drain at the rates bench/load.ts measures (tens of requests a second),
 * short enough that an exporter with a 10 s timeout gets several tries.
 */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Overload by time. A saturated thread reads its sockets more slowly than clients write, so the
 * excess waits in socket buffers, where the bounds above cannot see it, and every request waits a
 * turn of the loop that grows with the clients (bench/load.ts's flood: p99 28 s). So the loop is
 * watched too: a timer every TICK_MS notes how late it fires, and while it has been over
 * LATE_MS late LATE_TICKS times in a row (the thread behind for seconds, not one long decode),
 * new requests are refused as if the queue were full, which costs them no decoding and sends
 * their clients away for RETRY_AFTER_SECONDS.
 */
const TICK_MS = 100;
const LATE_MS = 1000;
const LATE_TICKS = 3;
/** The watch stops this long after the last request, so an idle receiver runs no timer. */
const WATCH_IDLE_MS = 5000;

/** What enter() gives a request it does not take: why, for the answer. */
export interface Refusal {
  readonly refused: string;
}

/** A request's place in the ingest queue; leave() when it is answered (idempotent). */
export interface QueueTicket {
  /**
   * More bytes of this request arrived (or inflated). False when the queue is now over its byte
   * bound and this request is not alone in it: the caller may refuse() it.
   */
  grow(bytes: number): boolean;
  /** Leaves, counting the request as throttled: the caller answers "retry later". */
  refuse(): void;
  leave(): void;
}

/** What to answer: the OTLP `partial_success` fields (0 and '' when all was accepted). */
export interface Accepted {
  readonly rejected: number;
  readonly errorMessage: string;
}

export type SpanHook = (spans: readonly Span[]) => void;
/**
 * Gets span heads with (at least) the attributes it registered the keys of: from protobuf, heads
 * decoded with only those attributes; from JSON and Zipkin (decoded in full anyway), whole spans.
 */
export type SpanHeadsHook = (spans: readonly SpanHeadWithAttributes[]) => void;

export class Ingest {
  readonly counters: IngestCounters = {
    spans: 0,
    logs: 0,
    rejectedSpans: 0,
    rejectedLogs: 0,
    hookErrors: 0,
    throttledRequests: 0,
    queuedRequests: 0,
    queuedBytes: 0,
    peakQueuedRequests: 0,
    peakQueuedBytes: 0,
  };
  readonly maxQueuedRequests: number;
  readonly maxQueuedBytes: number;
  private watch: NodeJS.Timeout | undefined;
  private lateTicks = 0;
  private lastEnter = 0;
  private readonly hooks = new Set<SpanHook>();
  private readonly headHooks = new Map<SpanHeadsHook, readonly string[]>();
  /** The union of the head hooks' keys; undefined when there is no head hook. */
  private headKeys: AttributeKeys | undefined;

  constructor(
    readonly store: TraceStore,
    private forward: ForwardSink | undefined = undefined,
    queue: IngestQueueOptions = {},
  ) {
    this.maxQueuedRequests = queue.maxRequests ?? DEFAULT_MAX_QUEUED_REQUESTS;
    this.maxQueuedBytes = queue.maxBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    if (!(this.maxQueuedRequests >= 1) || !(this.maxQueuedBytes >= 1)) throw new RangeError(`ingest queue bounds must be positive, got ${this.maxQueuedRequests} requests and ${this.maxQueuedBytes} bytes`);
  }

  /**
   * A place in the ingest queue for a request of `bytes` (its declared length; 0 when not known
   * yet), or undefined when the queue is full: the caller answers with its protocol's "retry
   * later". One receiver's queue is every receiver's: they share the thread and the memory. A
   * request alone in the queue always gets in, so the largest body the receivers allow is never
   * refused for good. Also refused while the thread is overloaded (see LATE_MS).
   */
  enter(bytes = 0): QueueTicket | Refusal {
    const c = this.counters;
    this.watchLoop();
    if (c.queuedRequests >= this.maxQueuedRequests || (c.queuedRequests > 0 && c.queuedBytes + bytes > this.maxQueuedBytes)) {
      c.throttledRequests++;
      return { refused: `the ingest queue is full (${this.maxQueuedRequests} requests or ${this.maxQueuedBytes} bytes being received or decoded); retry after ${RETRY_AFTER_SECONDS} s` };
    }
    if (this.lateTicks >= LATE_TICKS) {
      c.throttledRequests++;
      return { refused: `the receiver is overloaded (its thread has been over ${LATE_MS} ms behind for ${LATE_TICKS} checks in a row); retry after ${RETRY_AFTER_SECONDS} s` };
    }
    c.queuedRequests++;
    c.peakQueuedRequests = Math.max(c.peakQueuedRequests, c.queuedRequests);
    let held = 0;
    let left = false;
    const ticket: QueueTicket = {
      grow: (n) => {
        if (left) return true;
        held += n;
        c.queuedBytes += n;
        c.peakQueuedBytes = Math.max(c.peakQueuedBytes, c.queuedBytes);
        return c.queuedBytes <= this.maxQueuedBytes || c.queuedRequests === 1;
      },
      refuse: () => {
        if (!left) c.throttledRequests++;
        ticket.leave();
      },
      leave: () => {
        if (left) return;
        left = true;
        c.queuedRequests--;
        c.queuedBytes -= held;
      },
    };
    ticket.grow(bytes);
    return ticket;
  }

  /** Starts the loop's watch (see LATE_MS) if it is not running; it stops itself when requests stop. */
  private watchLoop(): void {
    this.lastEnter = Date.now();
    if (this.watch) return;
    let due = performance.now() + TICK_MS;
    const tick = (): void => {
      const now = performance.now();
      this.lateTicks = now - due > LATE_MS ? this.lateTicks + 1 : 0;
      // Stopped only on time: a thread too busy to call enter() is still being watched.
      if (this.lateTicks === 0 && Date.now() - this.lastEnter > WATCH_IDLE_MS) {
        this.watch = undefined;
        return;
      }
      due = now + TICK_MS;
      this.watch = setTimeout(tick, TICK_MS).unref();
    };
    this.watch = setTimeout(tick, TICK_MS).unref();
  }

  /** Returns the function that removes the hook. */
  onSpans(hook: SpanHook): () => void {
    this.hooks.add(hook);
    return () => {
      this.hooks.delete(hook);
    };
  }

  /**
   * A hook that needs only span heads and the attributes named by `keys`: cheaper than onSpans,
   * since protobuf requests are then decoded as heads plus those attributes (unless an onSpans
   * hook needs whole spans anyway, which then go to both). Returns the function that removes it.
   */
  onSpanHeads(keys: readonly string[], hook: SpanHeadsHook): () => void {
    this.headHooks.set(hook, keys);
    this.updateHeadKeys();
    return () => {
      this.headHooks.delete(hook);
      this.updateHeadKeys();
    };
  }

  private updateHeadKeys(): void {
    this.headKeys = this.headHooks.size > 0 ? new AttributeKeys([...this.headHooks.values()].flat()) : undefined;
  }

  setForward(forward: ForwardSink | undefined): void {
    this.forward = forward;
  }

  /**
   * An OTLP/protobuf ExportTraceServiceRequest (HTTP or gRPC body), decoded as much as needed: in
   * full when a hook wants whole spans, else only the heads the store keeps plus the attributes
   * head hooks asked for (the same checks either way; see protobuf-spans.ts). Throws
   * OtlpDecodeError for a request that is not OTLP.
   */
  protobufTraces(bytes: Uint8Array, raw: RawPayload): { accepted: Accepted; spans: number } {
    const decoded = this.hooks.size > 0 ? decodeTracesProtobuf(bytes) : decodeTraceHeadsProtobuf(bytes, this.headKeys);
    return { accepted: this.traces(decoded, raw), spans: 'heads' in decoded ? decoded.heads.length : decoded.spans.length };
  }

  traces(decoded: DecodedTraces | DecodedHeads, raw?: RawPayload): Accepted {
    const heads = 'heads' in decoded;
    const spans = heads ? decoded.heads : decoded.spans;
    this.counters.spans += spans.length;
    this.counters.rejectedSpans += decoded.rejected;
    if (spans.length > 0) {
      // The hooks first, then the store: the hooks read the spans just decoded while they are still
      // in the processor's caches, which the store's copying evicts (bench:graph: the graph's
      // hook added 17.6% to ingest time behind the receiver when it ran after the store, 14.6%
      // before it, medians of 6 turns). No hook reads the store.
      // onSpans hooks exist only when whole spans were decoded (protobufTraces makes sure of it).
      if (!heads)
        for (const hook of this.hooks) {
          try {
            hook(decoded.spans);
          } catch {
            this.counters.hookErrors++;
          }
        }
      if (this.headHooks.size > 0) {
        // Heads carry `attributes` when decoded with headKeys, which protobufTraces passes whenever
        // a head hook exists; heads decoded without them (a caller of traces() of its own) are
        // given to the hooks with no attributes rather than not at all.
        const withAttributes: readonly SpanHeadWithAttributes[] = !heads
          ? decoded.spans
          : 'attributes' in decoded.heads[0]
            ? (decoded.heads as SpanHeadWithAttributes[])
            : decoded.heads.map((h) => ({ ...h, attributes: NO_ATTRIBUTES }));
        for (const hook of this.headHooks.keys()) {
          try {
            hook(withAttributes);
          } catch {
            this.counters.hookErrors++;
          }
        }
      }
      if (heads) this.store.addSpans(decoded.heads, decoded.packed);
      else if (decoded.packed) this.store.addSpans(decoded.spans, decoded.packed);
      else this.store.addSpans(decoded.spans);
      // A request with rejected items is forwarded as received: the upstream decides for itself.
      this.forward?.offer(raw, spans, undefined);
    }
    return { rejected: decoded.rejected, errorMessage: decoded.rejectMessage };
  }

  logs(decoded: DecodedLogs, raw?: RawPayload): Accepted {
    const logs = decoded.logs;
    this.counters.logs += logs.length;
    this.counters.rejectedLogs += decoded.rejected;
    if (logs.length > 0) {
      this.store.addLogs(logs);
      this.forward?.offer(raw, undefined, logs);
    }
    return { rejected: decoded.rejected, errorMessage: decoded.rejectMessage };
  }
}
