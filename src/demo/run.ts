// Runs the demo mesh: planned requests (plan.ts) recorded with the real OpenTelemetry SDK, one
// TracerProvider per workload (each with its own Resource, as seven separate apps would have) and
// exported over OTLP (http/protobuf or gRPC) to a receiver, in real time at a rate or as fast as
// the receiver takes them.
//
// Spans get explicit start and end times (the plan's, shifted so the request has just finished),
// so nothing sleeps per span; the loop only waits for the next arrival of a Poisson process.
import * as net from 'node:net';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ALL_WORKLOADS, DEFAULT_CODE_ROOT, resourceAttributes, type ReviewsVersion, type Workload } from './mesh';
import { planRequest, type PlannedSpan, type PlanOptions } from './plan';
import { exponential, idGenerator, seeded, type Random } from './random';

export type DemoProtocol = 'http/protobuf' | 'grpc';

export const DEFAULT_DEMO_RATE = 5;
/** reviews v1 / v2 for everyone but jason: the VirtualService's primary route and the Rollout's first step (setWeight: 20). */
export const DEFAULT_DEMO_SPLIT: readonly [number, number] = [80, 20];
export const DEFAULT_JASON_SHARE = 0.05;

export interface DemoOptions {
  /** OTLP/HTTP base (`http://127.0.0.1:4318`, `/v1/traces` is added) or OTLP/gRPC (`http://127.0.0.1:4317`). */
  readonly endpoint?: string;
  readonly protocol?: DemoProtocol;
  /** Requests per second (default 5). */
  readonly rate?: number;
  /** Stop after this many requests; with neither count nor durationMs, run until stop(). */
  readonly count?: number;
  readonly durationMs?: number;
  /** Percent to reviews v1 and v2 of the requests not by jason (default 80/20). */
  readonly split?: readonly [number, number];
  /** Share of requests by the user jason (to reviews v3), default 0.05. */
  readonly jasonShare?: number;
  /** Same seed, same requests (ids, routes, errors, latencies); unseeded by default. */
  readonly seed?: number;
  /** How code.file.path names examples/bookinfo/app (default the relative `examples/bookinfo/app`). */
  readonly codeRoot?: string;
  /**
   * true (default): requests arrive at `rate` in real time. false: as fast as the receiver takes
   * them (tests), exported every 100 requests.
   */
  readonly realtime?: boolean;
  /** How long the exporters' batches wait (default 500 ms: traces show up quickly). */
  readonly batchDelayMs?: number;
}

export interface DemoCounts {
  requests: number;
  spans: number;
  /** Spans the receiver acknowledged. */
  exportedSpans: number;
  reviews: Record<ReviewsVersion, number>;
}

export interface DemoRun {
  /** Where the spans go. */
  readonly url: string;
  readonly protocol: DemoProtocol;
  readonly rate: number;
  readonly counts: DemoCounts;
  /**
   * Settles when the run ends: resolves after the count or duration is reached (or stop()) and
   * everything is exported; rejects with a DemoError when the receiver fails an export.
   */
  readonly done: Promise<DemoCounts>;
  /** Ends the run, exporting what was recorded. */
  stop(): Promise<DemoCounts>;
}

/** A problem for one line of text: a bad option, an unreachable receiver, a failed export. */
export class DemoError extends Error {
  override name = 'DemoError';
}

/** The URL the exporter posts to for a base endpoint. */
export function exportUrl(endpoint: string, protocol: DemoProtocol): string {
  const base = endpoint.replace(/\/+$/, '');
  if (protocol === 'grpc') return base;
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

export function defaultEndpoint(protocol: DemoProtocol): string {
  return protocol === 'grpc' ? 'http://127.0.0.1:4317' : 'http://127.0.0.1:4318';
}

type ExportCallback = Parameters<SpanExporter['export']>[1];
/** ExportResultCode.SUCCESS of @opentelemetry/core (not a dependency of ours). */
const EXPORT_SUCCESS = 0;

/**
 * The exporter all of a run's providers share, so a run has one connection; each provider's
 * processor "shuts it down" (a no-op), the run closes it once at the end. The first failed
 * export is reported: the run stops on it rather than dropping spans silently.
 */
class SharedExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly exported: (spans: number) => void,
    private readonly failed: (e: Error) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: ExportCallback): void {
    this.inner.export(spans, (result) => {
      if (result.code === EXPORT_SUCCESS) this.exported(spans.length);
      else this.failed(result.error ?? new Error('export failed'));
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Whether something accepts connections at the URL's host and port, so a wrong endpoint fails at once (the exporters retry for seconds). */
export function checkReachable(url: string, timeoutMs = 3000): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new DemoError(`${url} is not a URL (e.g. http://127.0.0.1:4318)`));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.reject(new DemoError(`${url}: only http:// and https:// endpoints are supported`));
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new DemoError(`no OTLP receiver at ${url} (${why}); start one (meshlens serve, or the MeshLens extension) or pass --endpoint`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer in ${timeoutMs} ms`));
    socket.once('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}

const KIND: Record<PlannedSpan['kind'], SpanKind> = { server: SpanKind.SERVER, client: SpanKind.CLIENT, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER };

/** Checks the options, makes sure the receiver is there, and starts sending. */
export async function startDemo(options: DemoOptions = {}): Promise<DemoRun> {
  const protocol = options.protocol ?? 'http/protobuf';
  const rate = options.rate ?? DEFAULT_DEMO_RATE;
  const [v1, v2] = options.split ?? DEFAULT_DEMO_SPLIT;
  if (!(Number.isFinite(rate) && rate > 0)) throw new DemoError(`the rate must be a positive number of requests per second, not ${rate}`);
  if (!(v1 >= 0 && v2 >= 0 && v1 + v2 > 0)) throw new DemoError(`the split must be two percentages that are not both 0, not ${v1}/${v2}`);
  if (options.count !== undefined && !(Number.isInteger(options.count) && options.count >= 0)) throw new DemoError(`the count must be a whole number, not ${options.count}`);
  const url = exportUrl(options.endpoint ?? defaultEndpoint(protocol), protocol);
  await checkReachable(url);

  const random: Random = options.seed !== undefined ? seeded(options.seed) : seeded(Math.floor(Math.random() * 2 ** 32));
  // Ids from their own stream: the routes and errors of a seed do not depend on how many ids came before.
  const ids = options.seed !== undefined ? idGenerator(seeded(options.seed ^ 0x5eed)) : undefined;
  const plan: PlanOptions = { v1Share: v1 / (v1 + v2), jasonShare: options.jasonShare ?? DEFAULT_JASON_SHARE, codeRoot: options.codeRoot ?? DEFAULT_CODE_ROOT };
  const realtime = options.realtime ?? true;

  const counts: DemoCounts = { requests: 0, spans: 0, exportedSpans: 0, reviews: { v1: 0, v2: 0, v3: 0 } };
  let failure: DemoError | undefined;
  let wake: (() => void) | undefined;
  let stopped = false;
  // A receiver that went away fails the run within seconds, not after the default 10 s of retries.
  const inner = protocol === 'grpc' ? new GrpcExporter({ url, timeoutMillis: 5000 }) : new ProtoExporter({ url, timeoutMillis: 5000 });
  const exporter = new SharedExporter(
    inner,
    (n) => (counts.exportedSpans += n),
    (e) => {
      failure ??= new DemoError(`the receiver at ${url} did not take the spans: ${e.message.split('\n')[0]}`);
      stopped = true;
      wake?.();
    },
  );
  const providers = new Map<Workload, BasicTracerProvider>();
  const tracers = new Map<Workload, Tracer>();
  for (const w of ALL_WORKLOADS) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(resourceAttributes(w)),
      sampler: new AlwaysOnSampler(),
      ...(ids && { idGenerator: ids }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.batchDelayMs ?? 500, maxQueueSize: 65_536, maxExportBatchSize: 1024 })],
    });
    providers.set(w, provider);
    tracers.set(w, provider.getTracer('meshlens-demo'));
  }

  const record = (s: PlannedSpan, parent: Context, offsetMs: number): void => {
    const span = tracers.get(s.workload)!.startSpan(s.name, { kind: KIND[s.kind], attributes: s.attributes, startTime: offsetMs + s.startMs }, parent);
    const ctx = trace.setSpan(ROOT_CONTEXT, span);
    for (const c of s.children) record(c, ctx, offsetMs);
    if (s.exception) span.addEvent('exception', { 'exception.type': s.exception.type, 'exception.message': s.exception.message, 'exception.stacktrace': s.exception.stacktrace }, offsetMs + s.endMs);
    if (s.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: s.error });
    span.end(offsetMs + s.endMs);
  };

  const flush = () => Promise.all([...providers.values()].map((p) => p.forceFlush()));
  const startedMs = Date.now();
  const limitReached = () => (options.count !== undefined && counts.requests >= options.count) || (options.durationMs !== undefined && Date.now() - startedMs >= options.durationMs);

  const loop = async () => {
    let nextMs = Date.now();
    while (!stopped && !limitReached()) {
      if (realtime) {
        const wait = nextMs - Date.now();
        if (wait > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          if (stopped) break;
          if (options.durationMs !== undefined && Date.now() - startedMs >= options.durationMs) break;
        }
        // After a long pause (a laptop asleep) start afresh rather than sending a burst.
        nextMs = Math.max(nextMs, Date.now() - 1000) + exponential(random, rate) * 1000;
      } else if (counts.requests > 0 && counts.requests % 100 === 0) {
        await flush();
        if (stopped) break;
      }
      const req = planRequest(random, plan);
      // The request has just finished: its last span ends now.
      record(req.root, ROOT_CONTEXT, Date.now() - req.endMs);
      counts.requests++;
      counts.spans += req.spans;
      counts.reviews[req.reviewsVersion]++;
    }
  };

  let closing: Promise<DemoCounts> | undefined;
  const finish = async (): Promise<DemoCounts> => {
    // After a failure, what is still queued would only fail again: the exporter goes first.
    if (failure) await exporter.close();
    await Promise.all([...providers.values()].map((p) => p.shutdown()));
    await exporter.close();
    if (failure) throw failure;
    return counts;
  };
  const running = loop();
  const done = running.then(() => (closing ??= finish()));
  // A caller that only calls stop() must not see an unhandled rejection from `done`.
  done.catch(() => undefined);
  return {
    url,
    protocol,
    rate,
    counts,
    done,
    stop: async () => {
      stopped = true;
      wake?.();
      await running;
      return (closing ??= finish());
    },
  };
}
