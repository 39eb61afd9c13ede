// What every receiver (OTLP/HTTP, OTLP/gRPC, Zipkin) does with a decoded request: store it, tell the
// hooks (the service graph, the debug-session filter), hand the request to the forwarder, and
// count. One place, so the three protocols cannot drift apart in what they keep or report.
import { decodeTraceHeadsProtobuf, decodeTracesProtobuf, type DecodedHeads, type DecodedLogs, type DecodedTraces, type LogRecord, type Span, type SpanHead, type TraceStore } from '../core/trace';

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

export class Ingest {
  readonly counters: IngestCounters = { spans: 0, logs: 0, rejectedSpans: 0, rejectedLogs: 0, hookErrors: 0 };
  private readonly hooks = new Set<SpanHook>();

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

  setForward(forward: ForwardSink | undefined): void {
    this.forward = forward;
  }

  /**
   * An OTLP/protobuf ExportTraceServiceRequest (HTTP or gRPC body), decoded as much as needed: in
   * full when a hook wants whole spans, else only the heads the store keeps (the same checks either
   * way; see protobuf-spans.ts). Throws OtlpDecodeError for a request that is not OTLP.
   */
  protobufTraces(bytes: Uint8Array, raw: RawPayload): { accepted: Accepted; spans: number } {
    const decoded = this.hooks.size > 0 ? decodeTracesProtobuf(bytes) : decodeTraceHeadsProtobuf(bytes);
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
      // Hooks exist only when whole spans were decoded (protobufTraces makes sure of it).
      if (!heads) for (const hook of this.hooks) {
        try {
          hook(decoded.spans);
        } catch {
          this.counters.hookErrors++;
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
