// The worker side of trace-service.ts: receivers, store and ingest live here; the host asks
// through messages. Entry point of dist/trace-worker.js.
import { parentPort } from 'node:worker_threads';
import {
  ChangeCoalescer,
  answerFromStore,
  isStoreMethod,
  encodeTracesJson,
  importTraceFile,
  toStatsDto,
  TraceStore,
  type Span,
} from '../core/trace';
import { answerFromGraph, GRAPH_ATTRIBUTE_KEYS, isGraphMethod, ServiceGraph } from '../core/graph';
import { createForwarder, toForwarderStatsDto, type Forwarder } from './forward';
import { Ingest } from './ingest';
import { startReceivers, type Receivers } from './index';
import type { FromWorker, ToWorker, TraceMethod, TraceRequests, TraceServiceOptions, WireError } from './trace-service';

const DEFAULT_THROTTLE_MS = 250;
/** What close() gives requests still on their way upstream; below the host's grace before terminate. */
const FORWARD_CLOSE_MS = 1500;

function wireError(e: unknown): WireError {
  const err = e as { name?: string; message?: string; code?: string; host?: string; port?: number };
  return { name: err?.name ?? 'Error', message: err?.message ?? String(e), code: err?.code, host: err?.host, port: err?.port };
}

export function runTraceWorker(port: NonNullable<typeof parentPort>): void {
  let store: TraceStore | undefined;
  let ingest: Ingest | undefined;
  let graph: ServiceGraph | undefined;
  let receivers: Receivers | undefined;
  let forwarder: Forwarder | undefined;
  let timer: NodeJS.Timeout | undefined;
  const coalescer = new ChangeCoalescer();
  const post = (msg: FromWorker) => port.postMessage(msg);

  async function start(options: TraceServiceOptions): Promise<void> {
    try {
      // Before anything listens: a bad endpoint or header (ForwardConfigError) fails the start.
      forwarder = options.forward ? createForwarder({ endpoint: options.forward.endpoint, headers: options.forward.headers, onStatus: (message, level) => post({ type: 'log', level, message }) }) : undefined;
    } catch (e) {
      post({ type: 'failed', error: wireError(e) });
      return;
    }
    store = new TraceStore({ maxSpans: options.maxSpans });
    ingest = new Ingest(store);
    ingest.setForward(forwarder);
    // The service map's graph, fed with span heads and the few attributes it reads (cheap: see
    // Ingest.onSpanHeads). Imports go to the store only: their spans are old, the graph's windows
    // are about live traffic.
    const g = (graph = new ServiceGraph());
    ingest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (spans) => g.add(spans));
    const throttleMs = options.throttleMs ?? DEFAULT_THROTTLE_MS;
    // One message per window at most: a burst of 1,000 requests is one update for the host.
    store.subscribe((change) => {
      coalescer.add(change);
      timer ??= setTimeout(() => {
        timer = undefined;
        const message = coalescer.take();
        if (message) post({ type: 'changed', message });
      }, throttleMs);
    });
    try {
      receivers = await startReceivers({ host: options.host, httpPort: options.httpPort, grpcPort: options.grpcPort, zipkinPort: options.zipkinPort, corsOrigins: options.corsOrigins, ingest, partial: true });
      post({ type: 'started', listeners: receivers.listeners, forwardTo: forwarder?.endpoint, failed: receivers.failed.map(wireError) });
    } catch (e) {
      await forwarder?.close(0);
      post({ type: 'failed', error: wireError(e) });
    }
  }

  function answer<M extends TraceMethod>(method: M, params: TraceRequests[M]['params']): TraceRequests[M]['result'] {
    const s = store!;
    type R = TraceRequests[M]['result'];
    if (isGraphMethod(method)) return answerFromGraph(graph!, method, params as never) as R;
    if (isStoreMethod(method)) return answerFromStore(s, method, params as never, () => ({ ...toStatsDto(s.stats(), ingest!.counters, receivers?.stats()), ...(forwarder && { forward: toForwarderStatsDto(forwarder) }) })) as R;
    switch (method) {
      case 'import': {
        const { text, fileName } = params as TraceRequests['import']['params'];
        const got = importTraceFile(text, fileName);
        if (got.spans.length) s.addSpans(got.spans);
        if (got.logs.length) s.addLogs(got.logs);
        const traceIds = [...new Set(got.spans.map((sp) => sp.traceId))];
        return { format: got.format, spans: got.spans.length, logs: got.logs.length, rejected: got.rejected, rejectMessage: got.rejectMessage, traceIds } as R;
      }
      case 'export': {
        const { traceIds } = params as TraceRequests['export']['params'];
        const ids = traceIds ?? s.query({ limit: Number.MAX_SAFE_INTEGER }).map((t) => t.traceId);
        const spans: Span[] = [];
        for (const id of ids) for (const node of s.getTrace(id)?.spans ?? []) spans.push(node.span);
        return { json: encodeTracesJson(spans), spans: spans.length } as R;
      }
    }
    throw new Error(`unknown request ${String(method)}`);
  }

  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'start':
        void start(msg.options);
        break;
      case 'request':
        try {
          post({ type: 'response', id: msg.id, result: answer(msg.method, msg.params as never) });
        } catch (e) {
          post({ type: 'response', id: msg.id, error: wireError(e) });
        }
        break;
      case 'close':
        if (timer) clearTimeout(timer);
        void (async () => {
          // Receivers first, so nothing new is offered to the forwarder while it closes.
          await receivers?.close().catch(() => undefined);
          await forwarder?.close(FORWARD_CLOSE_MS);
        })().finally(() => {
          post({ type: 'closed' });
          port.close();
        });
        break;
    }
  });
}

if (parentPort) runTraceWorker(parentPort);
