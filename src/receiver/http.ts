// OTLP/HTTP receiver (the collector's otlphttp receiver is the reference for status codes and
// bodies). Every input is bounded before it is trusted: the body by bytes and by time, a gzip body
// by its decompressed size, connections by count, requests in progress by the ingest queue (shared
// with the other receivers: past it, 503 with Retry-After, before the body is read). Bad input gets
// the protocol's own status and the server keeps serving; nothing a client sends can throw out of a
// request handler. The same server serves Zipkin (zipkin.ts) through a ReceiverProtocol, so both get
// the same bounds.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import {
  OtlpDecodeError,
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeTracesJson,
  ExportLogsServiceResponse,
  ExportTraceServiceResponse,
  type TraceStore,
} from '../core/trace';
import { listenError } from './listen-error';
import { Ingest, RETRY_AFTER_SECONDS, type Accepted, type Encoding, type QueueTicket, type Signal } from './ingest';
import { encodeRpcStatus, RpcCode } from './status';
import { isAllowedOrigin } from './cors';

export const DEFAULT_HTTP_PORT = 4318;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_CONNECTIONS = 256;

export interface HttpReceiverOptions {
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  /** Where decoded requests go; or just a store, wrapped in an Ingest of its own. */
  readonly ingest: Ingest | TraceStore;
  readonly maxBodyBytes?: number;
  readonly maxDecompressedBytes?: number;
  /** How long a request body may go without a byte arriving before the request is dropped. */
  readonly bodyTimeoutMs?: number;
  /**
   * How long a whole body may take, however steadily it trickles in: without it, a client sending
   * a byte just inside `bodyTimeoutMs` would hold a connection (and its buffer) forever.
   */
  readonly requestTimeoutMs?: number;
  /** Exact origins (`http://localhost:3000`); by default any http(s) origin on a loopback host. */
  readonly corsOrigins?: readonly string[];
  readonly maxConnections?: number;
}

export interface HttpReceiverStats {
  requests: number;
  spans: number;
  logs: number;
  /** Requests that came gzip-compressed. */
  gzipped: number;
  /** Requests answered with a 4xx/5xx status, by status. */
  rejected: Record<number, number>;
}

export interface HttpReceiver {
  readonly host: string;
  readonly port: number;
  readonly stats: Readonly<HttpReceiverStats>;
  close(): Promise<void>;
}

export { ReceiverListenError } from './listen-error';

const ALLOW = 'POST, OPTIONS';

/** An answer in a protocol's own form. */
export interface Reply {
  readonly status: number;
  readonly type?: string;
  readonly body: string | Uint8Array;
}

/**
 * What differs between the HTTP protocols one server shape serves (OTLP/HTTP, Zipkin): routes,
 * media types, how a body is decoded and how success and failure are answered. Limits, gzip,
 * timeouts, CORS and the 404/405/413/415 handling are the server's and the same for all.
 */
export interface ReceiverProtocol {
  /** For messages: "OTLP/HTTP", "Zipkin". */
  readonly name: string;
  readonly defaultPort: number;
  readonly routes: Readonly<Record<string, Signal>>;
  /** What the protocol takes, said in a 404. */
  readonly routeHint: string;
  /** The body's encoding from its Content-Type, or the message of a 415. */
  encoding(contentType: string | undefined): Encoding | { readonly unsupported: string };
  /** Decodes and ingests the body and says what to answer; throws OtlpDecodeError for a 400. */
  receive(signal: Signal, encoding: Encoding, body: Buffer, ingest: Ingest, stats: HttpReceiverStats): Reply;
  failure(status: number, encoding: Encoding, message: string): Reply;
}

const OTLP_HTTP: ReceiverProtocol = {
  name: 'OTLP/HTTP',
  defaultPort: DEFAULT_HTTP_PORT,
  routes: { '/v1/traces': 'traces', '/v1/logs': 'logs' },
  routeHint: 'OTLP/HTTP takes POST /v1/traces and /v1/logs',
  encoding(contentType) {
    return mediaEncoding(contentType) ?? { unsupported: `unsupported content type ${JSON.stringify(contentType ?? '')}; use application/x-protobuf or application/json` };
  },
  receive(signal, encoding, body, ingest, stats) {
    const raw = { signal, encoding, bytes: body };
    if (signal === 'traces') {
      if (encoding === 'protobuf') {
        const got = ingest.protobufTraces(body, raw);
        stats.spans += got.spans;
        return otlpAccepted(encoding, signal, got.accepted);
      }
      const decoded = decodeTracesJson(body);
      const accepted = ingest.traces(decoded, raw);
      stats.spans += decoded.spans.length;
      return otlpAccepted(encoding, signal, accepted);
    }
    const decoded = encoding === 'json' ? decodeLogsJson(body) : decodeLogsProtobuf(body);
    const accepted = ingest.logs(decoded, raw);
    stats.logs += decoded.logs.length;
    return otlpAccepted(encoding, signal, accepted);
  },
  failure(status, encoding, message) {
    const code = status === 400 ? RpcCode.INVALID_ARGUMENT : status === 413 ? RpcCode.RESOURCE_EXHAUSTED : status === 408 ? RpcCode.DEADLINE_EXCEEDED : status === 503 ? RpcCode.UNAVAILABLE : RpcCode.UNKNOWN;
    if (encoding === 'json') return { status, type: 'application/json', body: JSON.stringify({ code, message }) };
    return { status, type: 'application/x-protobuf', body: encodeRpcStatus(code, message, status === 503 ? RETRY_AFTER_SECONDS : undefined) };
  },
};

function otlpAccepted(encoding: Encoding, signal: Signal, accepted: Accepted): Reply {
  const body = exportResponse(signal, accepted);
  if (encoding === 'json') return { status: 200, type: 'application/json', body: JSON.stringify(body) };
  return { status: 200, type: 'application/x-protobuf', body: (signal === 'traces' ? ExportTraceServiceResponse : ExportLogsServiceResponse).encode(body).finish() };
}

/** Thrown inside body reading to end the request with a status. */
class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The connection cannot be reused (unread body left on it). */
    readonly close = false,
  ) {
    super(message);
  }
}

export function startHttpReceiver(options: HttpReceiverOptions): Promise<HttpReceiver> {
  return startReceiver(options, OTLP_HTTP);
}

/** The server behind every HTTP receiver: `protocol` supplies what is the protocol's own. */
export async function startReceiver(options: HttpReceiverOptions, protocol: ReceiverProtocol): Promise<HttpReceiver> {
  const host = options.host ?? '127.0.0.1';
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxOut = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const bodyTimeout = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const origins = options.corsOrigins;
  const ingest = options.ingest instanceof Ingest ? options.ingest : new Ingest(options.ingest);
  const stats: HttpReceiverStats = { requests: 0, spans: 0, logs: 0, gzipped: 0, rejected: {} };

  const server = http.createServer((req, res) => {
    stats.requests++;
    handle(req, res).catch((e: unknown) => {
      // A bug of ours, not the client's: answer 500 and keep serving.
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${(e as Error)?.message ?? String(e)}`, true);
      else res.destroy();
    });
  });
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  // Headers must arrive in time too; the body timeout is ours (per chunk), below.
  server.headersTimeout = Math.max(1000, Math.min(bodyTimeout, 60_000));
  server.requestTimeout = 0;

  function send(res: http.ServerResponse, status: number, type: string | undefined, body: string | Uint8Array, close = false): void {
    if (status >= 400) stats.rejected[status] = (stats.rejected[status] ?? 0) + 1;
    const headers: http.OutgoingHttpHeaders = {};
    if (type) headers['Content-Type'] = type;
    headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (close) headers.Connection = 'close';
    res.writeHead(status, headers);
    res.end(body);
    if (close) {
      // The request body was not (fully) read: do not let the client keep streaming into us.
      res.once('finish', () => res.req.socket.destroySoon());
    }
  }

  function sendReply(res: http.ServerResponse, reply: Reply, close = false): void {
    send(res, reply.status, reply.type, reply.body, close);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const signal = Object.prototype.hasOwnProperty.call(protocol.routes, path) ? protocol.routes[path] : undefined;
    if (!signal) {
      drainOrClose(req);
      send(res, 404, 'text/plain', `not found: ${path} (${protocol.routeHint})`, !req.complete);
      return;
    }
    const origin = req.headers.origin;
    const corsOk = origin !== undefined && isAllowedOrigin(origin, origins);
    if (corsOk) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      if (corsOk) {
        res.setHeader('Access-Control-Allow-Methods', 'POST');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Content-Encoding');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.setHeader('Allow', ALLOW);
      drainOrClose(req);
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', ALLOW);
      drainOrClose(req);
      send(res, 405, 'text/plain', `method ${req.method} not allowed on ${path}; use POST`, !req.complete);
      return;
    }
    const encoding = protocol.encoding(req.headers['content-type']);
    if (typeof encoding !== 'string') {
      drainOrClose(req);
      send(res, 415, 'text/plain', encoding.unsupported, !req.complete);
      return;
    }
    const ce = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (ce !== 'gzip' && ce !== 'identity') {
      drainOrClose(req);
      send(res, 415, 'text/plain', `unsupported content encoding ${JSON.stringify(ce)}; use gzip or none`, !req.complete);
      return;
    }

    // A place in the ingest queue before a byte of the body is read: a request refused here costs
    // no memory and no decoding. (A declared length over the limit is answered 413 by readBody.)
    const declared = lengthOf(req);
    const tooLarge = declared !== undefined && declared > maxBody;
    const place = tooLarge ? undefined : ingest.enter(declared ?? 0);
    if (place && 'refused' in place) {
      // With a declared length the rest of the body is read and dropped, so the connection stays
      // usable; a chunked one of unknown length is cut off instead.
      req.resume();
      throttle(res, encoding, place.refused, declared === undefined && !req.complete);
      return;
    }
    const ticket = place;
    try {
      let body: Buffer;
      try {
        // Chunked bodies are counted as they arrive; a declared length was counted by enter().
        body = await readBody(req, maxBody, bodyTimeout, requestTimeout, declared === undefined ? ticket : undefined);
        if (ce === 'gzip') {
          stats.gzipped++;
          body = await gunzip(body, maxOut);
          ticket?.grow(body.length);
        }
      } catch (e) {
        if (!(e instanceof HttpFailure)) throw e;
        if (res.headersSent || res.destroyed) return;
        if (e.status === 503) throttle(res, encoding, e.message, e.close);
        else sendReply(res, protocol.failure(e.status, encoding, e.message), e.close);
        return;
      }

      let reply: Reply;
      try {
        reply = protocol.receive(signal, encoding, body, ingest, stats);
      } catch (e) {
        if (!(e instanceof OtlpDecodeError)) throw e;
        reply = protocol.failure(400, encoding, e.message);
      }
      sendReply(res, reply);
    } finally {
      ticket?.leave();
    }
  }

  /** "Retry later", in the protocol's own form, with the delay in Retry-After (OTLP/HTTP throttling). */
  function throttle(res: http.ServerResponse, encoding: Encoding, message: string, close: boolean): void {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    sendReply(res, protocol.failure(503, encoding, message), close);
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const port = options.port ?? protocol.defaultPort;
      reject(listenError(`${protocol.name} receiver`, host, port, e.code ?? 'UNKNOWN', e.message, `${protocol.name} receiver`));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port ?? protocol.defaultPort, host);
  });
  // After listening, a server error (rare: e.g. EMFILE on accept) must not crash the host.
  server.on('error', () => undefined);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    stats,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * The Export response: empty when everything was accepted; otherwise `partialSuccess` with the
 * count and the reason, which the SDKs log (the spec's answer for "some items were rejected").
 */
export function exportResponse(signal: Signal, accepted: Accepted): Record<string, unknown> {
  if (accepted.rejected === 0) return {};
  const count = String(accepted.rejected);
  return {
    partialSuccess:
      signal === 'traces'
        ? { rejectedSpans: count, errorMessage: accepted.errorMessage }
        : { rejectedLogRecords: count, errorMessage: accepted.errorMessage },
  };
}

/** `application/x-protobuf` or `application/json`, parameters (charset) ignored; anything else undefined. */
export function mediaEncoding(contentType: string | undefined): Encoding | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

/**
 * For an early answer: discard the body rather than buffer it. The answer itself says
 * `Connection: close` when the body has not ended yet, so a large one is cut off, not read to the end.
 */
function drainOrClose(req: http.IncomingMessage): void {
  req.resume();
}

/** The declared Content-Length; undefined for a chunked body (or a malformed header, which Node refuses before us). */
function lengthOf(req: http.IncomingMessage): number | undefined {
  const v = req.headers['content-length'];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** `queue`: the request's ticket, grown by each chunk; a chunk that overfills the queue ends the read with a 503. */
function readBody(req: http.IncomingMessage, max: number, timeoutMs: number, totalMs: number, queue?: QueueTicket): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) {
      // Refuse before reading a byte.
      reject(new HttpFailure(413, `request body of ${declared} bytes is over the limit of ${max} bytes`, true));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      done();
      req.pause();
      reject(new HttpFailure(408, `request body took longer than ${totalMs} ms`, true));
    }, totalMs);
    const done = (): void => {
      if (timer) clearTimeout(timer);
      clearTimeout(deadline);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        done();
        req.pause();
        reject(new HttpFailure(408, `request body stalled: no data for ${timeoutMs} ms`, true));
      }, timeoutMs);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        done();
        req.pause();
        chunks.length = 0;
        reject(new HttpFailure(413, `request body is over the limit of ${max} bytes`, true));
        return;
      }
      if (queue && !queue.grow(chunk.length)) {
        done();
        req.pause();
        chunks.length = 0;
        queue.refuse();
        reject(new HttpFailure(503, `the ingest queue is over its byte bound; retry after ${RETRY_AFTER_SECONDS} s`, true));
        return;
      }
      chunks.push(chunk);
      arm();
    };
    const onEnd = (): void => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (e: Error): void => {
      done();
      reject(new HttpFailure(400, `request body could not be read: ${e.message}`, true));
    };
    const onAborted = (): void => onError(new Error('client aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    arm();
  });
}

function gunzip(body: Buffer, maxOut: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    // maxOutputLength stops inflating at the limit, so a gzip bomb costs at most maxOut bytes.
    zlib.gunzip(body, { maxOutputLength: maxOut }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        reject(new HttpFailure(413, `decompressed request body is over the limit of ${maxOut} bytes`));
      } else {
        reject(new HttpFailure(400, `invalid gzip body: ${err.message}`));
      }
    });
  });
}
