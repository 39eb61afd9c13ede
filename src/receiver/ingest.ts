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
  readonly counters: IngestCounters = { spans: 0, logs: 0, rejectedSpans: 0, rejectedLogs: 0, hookErrors: 0 };
  private readonly hooks = new Set<SpanHook>();
  private readonly headHooks = new Map<SpanHeadsHook, readonly string[]>();
  /** The union of the head hooks' keys; undefined when there is no head hook. */
  private headKeys: AttributeKeys | undefined;

  constructor(
    readonly store: TraceStore,
    private forward: ForwardSink | undefined = undefined,
  ) {}

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
      if (heads) this.store.addSpans(decoded.heads, decoded.packed);
      else if (decoded.packed) this.store.addSpans(decoded.spans, decoded.packed);
      else this.store.addSpans(decoded.spans);
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
