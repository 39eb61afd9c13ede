// Forwards everything the receivers accept to an upstream OTLP/HTTP endpoint (a collector, Jaeger,
// Tempo), so MeshLens can sit in front of the team's own backend. The collector's otlphttp exporter
// and exporterhelper (queue + retry) are the reference.
//
// Invariants:
// - offer() is O(1), never blocks and never throws: it appends to a bounded FIFO (by request count
//   and by bytes) or, when that is full, drops the NEW request and counts it. Encoding, gzip and I/O
//   happen later, in at most `concurrency` workers.
// - OTLP bytes go on as received, with their own content type (no re-encoding). Only spans without
//   bytes (Zipkin) are encoded, as OTLP/JSON, in the worker.
// - Retries follow the OTLP/HTTP spec: 429, 502, 503, 504 and connection errors/timeouts are
//   retried with exponential backoff and jitter, Retry-After wins when given; every other status is
//   permanent. Attempts are bounded; then the request is dropped and counted.
// - Every span/log offered ends up in exactly one of: forwarded, dropped, or still pending
//   (queued or in flight). A permanently refused request counts in failedRequests, and its items
//   in droppedSpans/droppedLogs (they did not reach the upstream).
import * as http from 'node:http';
import * as https from 'node:https';
import * as zlib from 'node:zlib';
import { encodeLogsJson, encodeTracesJson, type LogRecord, type Span } from '../core/trace';
import type { ForwarderStatsDto } from '../shared/protocol';
import type { ForwardSink, RawPayload, Signal } from './ingest';
import { decodeRpcStatus } from './status';

export const DEFAULT_MAX_QUEUE_REQUESTS = 1000;
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
export const DEFAULT_FORWARD_CONCURRENCY = 2;
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
/** Bodies at least this big are gzipped when compression is on. */
export const GZIP_MIN_BYTES = 1024;
/** What a span or log without bytes (Zipkin) is taken to weigh in the queue, before it is encoded. */
export const ESTIMATED_ITEM_BYTES = 1024;
/** Of an error answer, the part read for the message; the rest is discarded. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;

export interface RetryOptions {
  /** Attempts per request, the first one included; default 5. 1 turns retrying off. */
  readonly maxAttempts?: number;
  /** The wait before the 2nd attempt; doubles after each; default 1000 ms. */
  readonly initialBackoffMs?: number;
  /** The cap of the doubling; default 30,000 ms. */
  readonly maxBackoffMs?: number;
  /** A Retry-After above this is cut to it; default 60,000 ms. */
  readonly maxRetryAfterMs?: number;
}

export interface ForwarderOptions {
  /** The upstream's OTLP/HTTP base URL, e.g. `http://localhost:4318`; `/v1/traces` and `/v1/logs` are appended. */
  readonly endpoint: string;
  /** Sent with every request (e.g. `Authorization`); Content-Type/-Length/-Encoding are ours. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxQueueRequests?: number;
  readonly maxQueueBytes?: number;
  /** Per attempt, from sending to the end of the answer. */
  readonly timeoutMs?: number;
  /** Requests in flight at once (a request waiting to retry holds its slot). */
  readonly concurrency?: number;
  readonly retry?: RetryOptions;
  /**
   * `gzip` compresses bodies of GZIP_MIN_BYTES or more. Default: `none` for a loopback upstream
   * (compressing costs CPU and saves nothing on localhost), `gzip` for any other host.
   */
  readonly compression?: 'gzip' | 'none';
  /**
   * Told once when forwarding starts losing data (queue full, attempts used up, refused) and once
   * when a request gets through again, with what was lost meanwhile: a line for a log, per
   * episode rather than per request, so a dead upstream does not flood it.
   */
  readonly onStatus?: (message: string, level: 'warn' | 'info') => void;
  /** For tests: how a backoff is waited out. Must resolve early when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** For tests: the jitter source, [0, 1). */
  readonly random?: () => number;
}

export interface ForwarderStats {
  forwardedRequests: number;
  forwardedSpans: number;
  forwardedLogs: number;
  /** Requests not delivered without a permanent refusal: queue full, attempts used up, closed. */
  droppedRequests: number;
  /** Spans that did not reach the upstream, for any reason (failed requests included). */
  droppedSpans: number;
  droppedLogs: number;
  /** Requests the upstream refused permanently (400, 401, 404, 413, 500, ...); not retried. */
  failedRequests: number;
  /** Attempts after the first. */
  retries: number;
  queuedRequests: number;
  queuedBytes: number;
  inFlight: number;
  /** The latest failure, for people: `upstream http://localhost:4318 refused the connection (ECONNREFUSED)`. */
  lastError: string | undefined;
}

export interface Forwarder extends ForwardSink {
  readonly endpoint: string;
  readonly stats: Readonly<ForwarderStats>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
  /**
   * Stops taking requests and stops retrying; resolves when the requests in flight are done, or
   * after `timeoutMs` (then they are cut off). What is still queued, or cut off, counts as dropped.
   */
  close(timeoutMs?: number): Promise<void>;
}

/** The options cannot work (a bad endpoint or header); the message says why, for people. */
export class ForwardConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForwardConfigError';
  }
}

interface Item {
  readonly signal: Signal;
  /** Undefined: encode `spans`/`logs` as OTLP/JSON at send time. */
  readonly raw: RawPayload | undefined;
  readonly spans: readonly Span[] | undefined;
  readonly logs: readonly LogRecord[] | undefined;
  readonly spanCount: number;
  readonly logCount: number;
  readonly size: number;
  next: Item | undefined;
}

type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry'; readonly error: string; readonly retryAfterMs?: number }
  | { readonly kind: 'fail'; readonly error: string };

const RETRYABLE = new Set([429, 502, 503, 504]);

export function createForwarder(options: ForwarderOptions): Forwarder {
  const base = parseEndpoint(options.endpoint);
  const basePath = base.pathname.replace(/\/+$/, '');
  // For messages: never with the credentials a URL may carry.
  const label = `${base.protocol}//${base.host}${basePath}`;
  const userHeaders = checkHeaders(options.headers ?? {});
  const maxRequests = positiveInt(options.maxQueueRequests ?? DEFAULT_MAX_QUEUE_REQUESTS, 'maxQueueRequests');
  const maxBytes = positiveInt(options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES, 'maxQueueBytes');
  const timeoutMs = positiveInt(options.timeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS, 'timeoutMs');
  const concurrency = positiveInt(options.concurrency ?? DEFAULT_FORWARD_CONCURRENCY, 'concurrency');
  const maxAttempts = positiveInt(options.retry?.maxAttempts ?? 5, 'retry.maxAttempts');
  const initialBackoffMs = nonNegative(options.retry?.initialBackoffMs ?? 1000, 'retry.initialBackoffMs');
  const maxBackoffMs = nonNegative(options.retry?.maxBackoffMs ?? 30_000, 'retry.maxBackoffMs');
  const maxRetryAfterMs = nonNegative(options.retry?.maxRetryAfterMs ?? 60_000, 'retry.maxRetryAfterMs');
  const gzip = (options.compression ?? (isLoopback(base.hostname) ? 'none' : 'gzip')) === 'gzip';
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const tls = base.protocol === 'https:';
  const agent = tls ? new https.Agent({ keepAlive: true, maxSockets: concurrency }) : new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const auth = base.username || base.password ? `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}` : undefined;

  const stats: ForwarderStats = {
    forwardedRequests: 0,
    forwardedSpans: 0,
    forwardedLogs: 0,
    droppedRequests: 0,
    droppedSpans: 0,
    droppedLogs: 0,
    failedRequests: 0,
    retries: 0,
    queuedRequests: 0,
    queuedBytes: 0,
    inFlight: 0,
    lastError: undefined,
  };

  // A singly linked FIFO: O(1) at both ends, nothing to compact.
  let head: Item | undefined;
  let tail: Item | undefined;
  let closed = false;
  let scheduled = false;
  const stop = new AbortController();
  const live = new Set<http.ClientRequest>();
  let idleWaiters: (() => void)[] = [];

  /** Losing data since the last delivery: the spans and logs dropped before it began. */
  let losing: { spans: number; logs: number } | undefined;
  const tell = (message: string, level: 'warn' | 'info'): void => {
    try {
      options.onStatus?.(message, level);
    } catch {
      // A log that fails must not cost the ingest path.
    }
  };
  const lost = (item: Item, why: string): void => {
    if (losing || closed) return;
    losing = { spans: stats.droppedSpans - item.spanCount, logs: stats.droppedLogs - item.logCount };
    tell(`forwarding to ${label} is losing data: ${why}; counted in droppedSpans/droppedLogs until a request gets through`, 'warn');
  };
  const delivered = (): void => {
    if (!losing) return;
    const spans = stats.droppedSpans - losing.spans;
    const logs = stats.droppedLogs - losing.logs;
    losing = undefined;
    tell(`forwarding to ${label} delivers again; ${spans.toLocaleString('en-US')} spans and ${logs.toLocaleString('en-US')} logs were dropped meanwhile`, 'info');
  };

  const drop = (item: Item): void => {
    stats.droppedRequests++;
    stats.droppedSpans += item.spanCount;
    stats.droppedLogs += item.logCount;
  };

  const enqueue = (item: Item): void => {
    if (closed || stats.queuedRequests >= maxRequests || stats.queuedBytes + item.size > maxBytes) {
      drop(item);
      lost(item, `the queue is full (${stats.queuedRequests.toLocaleString('en-US')} requests, ${stats.queuedBytes.toLocaleString('en-US')} bytes): the upstream takes less than arrives`);
      return;
    }
    if (tail) tail.next = item;
    else head = item;
    tail = item;
    stats.queuedRequests++;
    stats.queuedBytes += item.size;
    if (!scheduled) {
      // Workers start after the receiver has answered: the ingest path only pays for the append.
      scheduled = true;
      setImmediate(pump);
    }
  };

  const dequeue = (): Item | undefined => {
    const item = head;
    if (!item) return undefined;
    head = item.next;
    if (!head) tail = undefined;
    item.next = undefined;
    stats.queuedRequests--;
    stats.queuedBytes -= item.size;
    return item;
  };

  function pump(): void {
    scheduled = false;
    while (!closed && stats.inFlight < concurrency) {
      const item = dequeue();
      if (!item) break;
      stats.inFlight++;
      void deliver(item).finally(() => {
        stats.inFlight--;
        pump();
      });
    }
    if (stats.inFlight === 0 && (closed || !head)) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  async function deliver(item: Item): Promise<void> {
    try {
      const path = `${basePath}/v1/${item.signal}`;
      const { body, type } = bodyOf(item);
      const compressed = gzip && body.byteLength >= GZIP_MIN_BYTES;
      const payload = compressed ? await gzipAsync(body) : body;
      for (let attempt = 1; ; attempt++) {
        if (closed) return drop(item);
        if (attempt > 1) stats.retries++;
        const outcome = await post(path, payload, type, compressed);
        if (outcome.kind === 'ok') {
          stats.forwardedRequests++;
          stats.forwardedSpans += item.spanCount;
          stats.forwardedLogs += item.logCount;
          delivered();
          return;
        }
        if (outcome.kind === 'fail') {
          stats.lastError = outcome.error;
          stats.failedRequests++;
          stats.droppedSpans += item.spanCount;
          stats.droppedLogs += item.logCount;
          lost(item, outcome.error);
          return;
        }
        if (attempt >= maxAttempts || closed) {
          stats.lastError = `${outcome.error}; dropped after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
          drop(item);
          lost(item, stats.lastError);
          return;
        }
        stats.lastError = `${outcome.error}; retrying`;
        const backoff = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
        // Jitter in [backoff/2, backoff): exporters that failed together do not retry together.
        const delay = outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, maxRetryAfterMs) : backoff / 2 + (random() * backoff) / 2;
        await sleep(Math.round(delay), stop.signal);
      }
    } catch (e) {
      // A bug of ours (encoding, gzip): this request is lost, the forwarder goes on.
      stats.lastError = `forwarding to ${label} failed: ${(e as Error)?.message ?? String(e)}`;
      stats.failedRequests++;
      stats.droppedSpans += item.spanCount;
      stats.droppedLogs += item.logCount;
    }
  }

  function post(path: string, body: Uint8Array, type: string, compressed: boolean): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (o: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        live.delete(req);
        resolve(o);
      };
      const headers: http.OutgoingHttpHeaders = { ...userHeaders, 'Content-Type': type, 'Content-Length': body.byteLength, 'User-Agent': 'MeshLens' };
      if (compressed) headers['Content-Encoding'] = 'gzip';
      const request = tls ? https.request : http.request;
      const req = request({ protocol: base.protocol, hostname: base.hostname.replace(/^\[|\]$/g, ''), port: base.port || undefined, path, method: 'POST', headers, agent, auth });
      live.add(req);
      const timer = setTimeout(() => req.destroy(new TimeoutError()), timeoutMs);
      const cut = (): Outcome => ({ kind: 'retry', error: `upstream ${label} closed the connection before answering ${path}` });
      req.on('error', (e: NodeJS.ErrnoException) => settle({ kind: 'retry', error: networkError(label, path, e, timeoutMs) }));
      // Whatever way a request ends, it settles: 'close' comes last and is a no-op when settled.
      req.on('close', () => {
        if (!responded) settle(cut());
      });
      let responded = false;
      req.on('response', (res) => {
        responded = true;
        res.on('close', () => {
          if (!res.complete) settle(cut());
        });
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // Read to the end so the connection can be reused; keep only the start of an error.
          if (status >= 200 && status < 300) return;
          if (size < MAX_ERROR_BODY_BYTES) chunks.push(c);
          size += c.length;
        });
        res.on('error', (e: NodeJS.ErrnoException) => settle({ kind: 'retry', error: networkError(label, path, e, timeoutMs) }));
        res.on('end', () => {
          if (status >= 200 && status < 300) return settle({ kind: 'ok' });
          const detail = errorDetail(res.headers['content-type'], Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES));
          const where = status >= 300 && status < 400 && res.headers.location ? ` (redirect to ${res.headers.location}; give the final URL as the endpoint)` : '';
          const error = `upstream ${label} answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} for ${path}${where}${detail ? `: ${detail}` : ''}`;
          if (!RETRYABLE.has(status)) return settle({ kind: 'fail', error });
          const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now());
          settle(retryAfterMs === undefined ? { kind: 'retry', error } : { kind: 'retry', error, retryAfterMs });
        });
      });
      req.end(body);
    });
  }

  function bodyOf(item: Item): { body: Uint8Array; type: string } {
    if (item.raw) return { body: item.raw.bytes, type: item.raw.encoding === 'json' ? 'application/json' : 'application/x-protobuf' };
    const text = item.signal === 'traces' ? encodeTracesJson(item.spans ?? []) : encodeLogsJson(item.logs ?? []);
    return { body: Buffer.from(text, 'utf8'), type: 'application/json' };
  }

  let closing: Promise<void> | undefined;

  return {
    endpoint: label,
    stats,
    offer(raw, spans, logs) {
      try {
        const spanCount = spans?.length ?? 0;
        const logCount = logs?.length ?? 0;
        if (raw) {
          const n = raw.signal === 'traces' ? { spanCount, logCount: 0 } : { spanCount: 0, logCount };
          enqueue({ signal: raw.signal, raw, spans: undefined, logs: undefined, ...n, size: raw.bytes.byteLength, next: undefined });
          return;
        }
        // Without raw bytes the spans came decoded in full (Zipkin): they are Spans, not heads.
        if (spanCount > 0) enqueue({ signal: 'traces', raw: undefined, spans: spans as readonly Span[], logs: undefined, spanCount, logCount: 0, size: spanCount * ESTIMATED_ITEM_BYTES, next: undefined });
        if (logCount > 0) enqueue({ signal: 'logs', raw: undefined, spans: undefined, logs, spanCount: 0, logCount, size: logCount * ESTIMATED_ITEM_BYTES, next: undefined });
      } catch {
        // Never into the ingest path.
      }
    },
    idle() {
      if (stats.inFlight === 0 && (closed || !head)) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    close(closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS) {
      closing ??= (async () => {
        closed = true;
        stop.abort();
        for (let item = dequeue(); item; item = dequeue()) drop(item);
        if (stats.inFlight > 0) {
          let timer: NodeJS.Timeout | undefined;
          const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
          const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), closeTimeoutMs)));
          if ((await Promise.race([idle, late])) === 'late') {
            // Cut off: each settles as an error and, being closed, is dropped.
            for (const req of [...live]) req.destroy(new Error('forwarder closed'));
            await idle;
          }
          clearTimeout(timer);
        }
        agent.destroy();
        pump();
      })();
      return closing;
    },
  };
}

/** A copy of the counters for a stats answer (`lastError` left out when there is none). */
export function toForwarderStatsDto(f: Forwarder): ForwarderStatsDto {
  const { lastError, ...counts } = f.stats;
  return { endpoint: f.endpoint, ...counts, ...(lastError !== undefined && { lastError }) };
}

/** The counters in one line, for people: what went upstream, what did not and why. */
export function describeForwarding(s: ForwarderStatsDto): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const plural = (x: number, one: string) => `${n(x)} ${one}${x === 1 ? '' : 's'}`;
  const failed = s.failedRequests ? `, refused ${plural(s.failedRequests, 'request')} (${plural(s.droppedSpans, 'span')} and ${plural(s.droppedLogs, 'log')} lost in all)` : '';
  return (
    `forwarded ${plural(s.forwardedRequests, 'request')} (${plural(s.forwardedSpans, 'span')}, ${plural(s.forwardedLogs, 'log')}) to ${s.endpoint}, ` +
    `dropped ${n(s.droppedRequests)} (queue full or upstream failing)${failed}` +
    (s.queuedRequests + s.inFlight > 0 ? `, ${n(s.queuedRequests + s.inFlight)} pending` : '') +
    (s.lastError ? `, last error: ${s.lastError}` : '')
  );
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT_MESHLENS';
}

/** A URL object for an http(s) base URL, or a ForwardConfigError that says what is wrong. */
export function parseEndpoint(endpoint: string): URL {
  const hint = 'give the OTLP/HTTP base URL, e.g. http://localhost:4318';
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new ForwardConfigError(`forward endpoint ${JSON.stringify(endpoint)} is not a URL; ${hint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ForwardConfigError(`forward endpoint ${JSON.stringify(endpoint)} is not an http(s) URL (${url.protocol.replace(/:$/, '')}); ${hint} (OTLP/gRPC on 4317 is not supported)`);
  }
  if (!url.hostname) throw new ForwardConfigError(`forward endpoint ${JSON.stringify(endpoint)} names no host; ${hint}`);
  if (url.search || url.hash) throw new ForwardConfigError(`forward endpoint ${JSON.stringify(endpoint)} has a query or fragment; ${hint}`);
  if (/\/v1\/(traces|logs|metrics)\/?$/.test(url.pathname)) {
    throw new ForwardConfigError(`forward endpoint ${JSON.stringify(endpoint)} names a signal path; ${hint} (/v1/traces and /v1/logs are appended)`);
  }
  return url;
}

function checkHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch {
      throw new ForwardConfigError(`forward header ${JSON.stringify(name)} is not a valid HTTP header (name or value)`);
    }
    out[name] = value;
  }
  return out;
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new ForwardConfigError(`forward option ${name} must be a positive integer, not ${n}`);
  return n;
}

function nonNegative(n: number, name: string): number {
  if (!Number.isFinite(n) || n < 0) throw new ForwardConfigError(`forward option ${name} must be a number >= 0, not ${n}`);
  return n;
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h);
}

/** Retry-After as delay-seconds or an HTTP-date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The message of an error body: google.rpc.Status (protobuf or JSON) or the start of a text. */
function errorDetail(contentType: string | undefined, body: Buffer): string {
  if (body.length === 0) return '';
  const type = (contentType ?? '').toLowerCase();
  try {
    if (type.includes('protobuf')) return oneLine(decodeRpcStatus(body).message);
    if (type.includes('json')) {
      const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
      if (typeof parsed?.message === 'string') return oneLine(parsed.message);
    }
  } catch {
    // Fall through to the text.
  }
  return oneLine(body.toString('utf8'));
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

function networkError(label: string, path: string, e: NodeJS.ErrnoException, timeoutMs: number): string {
  if (e instanceof TimeoutError) return `upstream ${label} did not answer ${path} within ${timeoutMs} ms`;
  const code = e.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return `upstream ${label} refused the connection (ECONNREFUSED)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `upstream host of ${label} not found (${code})`;
    case 'ECONNRESET':
      return `upstream ${label} closed the connection (ECONNRESET)`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `upstream ${label} is unreachable (${code})`;
    default:
      return `upstream ${label}: ${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`;
  }
}

function gzipAsync(body: Uint8Array): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => zlib.gzip(body, (err, out) => (err ? reject(err) : resolve(out))));
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
