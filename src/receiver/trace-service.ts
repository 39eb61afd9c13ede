// The receivers and the trace store in a worker thread, and the host's handle on them.
//
// Why a worker: the extension host's main thread is shared by every extension and runs our
// manifest diagnostics. Ingest at 10,000 spans/s costs a tenth of a core there, and the store's
// garbage collection (hundreds of MB of spans) pauses the thread it runs on for tens of ms.
// In a worker both happen on another thread with its own heap; the host only sees throttled
// change messages and answers to what it asks (DTOs, a few KB), so its latency is untouched
// (bench:ingest measures the ingest itself; docs/traces.md records the editor-side measurement).
//
// The messages between the two sides are defined here, once, for both.
import { Worker } from 'node:worker_threads';
import type { ChangedMessage, ViewerMethods } from '../shared/protocol';

export interface TraceServiceOptions {
  readonly host?: string;
  /** OTLP/HTTP port; 0 picks a free one. */
  readonly httpPort?: number;
  /** OTLP/gRPC port; undefined: not started. */
  readonly grpcPort?: number;
  /** Zipkin v2 port; undefined: not started. */
  readonly zipkinPort?: number;
  readonly maxSpans?: number;
  readonly corsOrigins?: readonly string[];
  /** How often, at most, a `changed` message reaches the host (ms). */
  readonly throttleMs?: number;
  /**
   * Everything received also goes on to this OTLP/HTTP upstream (src/receiver/forward.ts). A
   * bad endpoint or header rejects the start with a TraceServiceError named ForwardConfigError.
   */
  readonly forward?: { readonly endpoint: string; readonly headers?: Readonly<Record<string, string>> };
}

export interface ListenerInfo {
  readonly name: string;
  readonly label: string;
  readonly port: number;
  readonly url: string;
}

export interface ImportResult {
  readonly format: string;
  readonly spans: number;
  readonly logs: number;
  readonly rejected: number;
  readonly rejectMessage: string;
  /** The traces the file held, in the order their first span came in the file. */
  readonly traceIds: readonly string[];
}

/** What the host may ask, and what each answer is. */
export type TraceRequests = ViewerMethods & {
  /** A trace file's text into the store. */
  import: { params: { text: string; fileName?: string }; result: ImportResult };
  /** OTLP/JSON of the given traces (all stored traces when none is given). */
  export: { params: { traceIds?: readonly string[] }; result: { json: string; spans: number } };
};
export type TraceMethod = keyof TraceRequests;

/** An error that crossed the thread boundary, with what the host needs to explain it. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly host?: string;
  readonly port?: number;
}

export type ToWorker =
  | { readonly type: 'start'; readonly options: TraceServiceOptions }
  | { readonly type: 'request'; readonly id: number; readonly method: TraceMethod; readonly params: unknown }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'started'; readonly listeners: readonly ListenerInfo[]; readonly forwardTo?: string; readonly failed?: readonly WireError[] }
  | { readonly type: 'failed'; readonly error: WireError }
  | { readonly type: 'response'; readonly id: number; readonly result?: unknown; readonly error?: WireError }
  | { readonly type: 'changed'; readonly message: ChangedMessage }
  /** A line for the host's log (the forwarder losing data, and recovering). */
  | { readonly type: 'log'; readonly level: 'warn' | 'info'; readonly message: string }
  | { readonly type: 'closed' };

/**
 * Starting failed; for a taken port, `code` is EADDRINUSE and `port` names it; for a forward
 * endpoint or header that cannot work, `name` is ForwardConfigError and the message quotes it.
 */
export class TraceServiceError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = wire.name;
  }
  get code(): string | undefined {
    return this.wire.code;
  }
  get port(): number | undefined {
    return this.wire.port;
  }
}

export interface TraceService {
  readonly listeners: readonly ListenerInfo[];
  /** The upstream everything is forwarded to, without credentials; undefined: not forwarding. */
  readonly forwardTo: string | undefined;
  /** Receivers that could not listen (a taken port: `code` EADDRINUSE, `port`); the others run. */
  readonly failed: readonly TraceServiceError[];
  request<M extends TraceMethod>(method: M, params: TraceRequests[M]['params']): Promise<TraceRequests[M]['result']>;
  /** Returns the function that unsubscribes. */
  onChanged(listener: (message: ChangedMessage) => void): () => void;
  /** Lines for the log, as they happen (the forwarder losing data and recovering). */
  onLog(listener: (level: 'warn' | 'info', message: string) => void): void;
  /** Resolves when the receivers are closed and the worker has exited. Idempotent. */
  close(): Promise<void>;
  /** Fires once if the worker dies on its own (a bug of ours); requests in flight are rejected. */
  onExit(listener: (error: Error) => void): void;
}

/** How long close() waits for the worker to close its sockets before terminating it. */
const CLOSE_GRACE_MS = 3000;

/**
 * Starts the worker (made by `spawn`, so the extension, the CLI and tests can each say where its
 * script is) and the receivers in it. A receiver whose port is taken is left out and listed in
 * `failed`; the start rejects with a TraceServiceError when no receiver can listen or the forward
 * options cannot work.
 */
export function startTraceService(spawn: () => Worker, options: TraceServiceOptions): Promise<TraceService> {
  const worker = spawn();
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const changed = new Set<(m: ChangedMessage) => void>();
  const logListeners = new Set<(level: 'warn' | 'info', message: string) => void>();
  const exitListeners = new Set<(e: Error) => void>();
  let closing: Promise<void> | undefined;
  let exited = false;

  return new Promise<TraceService>((resolve, reject) => {
    let started = false;
    worker.on('message', (msg: FromWorker) => {
      switch (msg.type) {
        case 'started':
          started = true;
          resolve(service(msg.listeners, msg.forwardTo, (msg.failed ?? []).map((w) => new TraceServiceError(w))));
          break;
        case 'failed':
          void worker.terminate();
          reject(new TraceServiceError(msg.error));
          break;
        case 'response': {
          const p = pending.get(msg.id);
          if (!p) break;
          pending.delete(msg.id);
          if (msg.error) p.reject(new TraceServiceError(msg.error));
          else p.resolve(msg.result);
          break;
        }
        case 'changed':
          for (const l of [...changed]) l(msg.message);
          break;
        case 'log':
          for (const l of [...logListeners]) l(msg.level, msg.message);
          break;
        case 'closed':
          break;
      }
    });
    const fail = (e: Error): void => {
      exited = true;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      if (!started) reject(e);
      else if (!closing) for (const l of exitListeners) l(e);
    };
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => fail(new Error(`the trace worker exited (code ${code})`)));
    worker.postMessage({ type: 'start', options } satisfies ToWorker);
  });

  function service(listeners: readonly ListenerInfo[], forwardTo: string | undefined, failed: readonly TraceServiceError[]): TraceService {
    return {
      listeners,
      forwardTo,
      failed,
      request(method, params) {
        if (exited || closing) return Promise.reject(new Error('the trace service is stopped'));
        const id = nextId++;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          worker.postMessage({ type: 'request', id, method, params } satisfies ToWorker);
        });
      },
      onChanged(listener) {
        changed.add(listener);
        return () => {
          changed.delete(listener);
        };
      },
      onExit(listener) {
        exitListeners.add(listener);
      },
      onLog(listener) {
        logListeners.add(listener);
      },
      close() {
        closing ??= new Promise<void>((resolve) => {
          if (exited) return resolve();
          const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          worker.postMessage({ type: 'close' } satisfies ToWorker);
        });
        return closing;
      },
    };
  }
}
