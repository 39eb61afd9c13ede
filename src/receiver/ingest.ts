// What every receiver (OTLP/HTTP, OTLP/gRPC, Zipkin) does with a decoded request: store it, tell the
// hooks (the service graph, the debug-session filter), hand the request to the forwarder, and
// count. One place, so the three protocols cannot drift apart in what they keep or report.
import type { DecodedLogs, DecodedTraces, LogRecord, Span, TraceStore } from '../core/trace';

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
  offer(payload: RawPayload | undefined, spans: readonly Span[] | undefined, logs: readonly LogRecord[] | undefined): void;
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

  traces(decoded: DecodedTraces, raw?: RawPayload): Accepted {
    const spans = decoded.spans;
    this.counters.spans += spans.length;
    this.counters.rejectedSpans += decoded.rejected;
    if (spans.length > 0) {
      this.store.addSpans(spans, decoded.packed);
      for (const hook of this.hooks) {
        try {
          hook(spans);
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
