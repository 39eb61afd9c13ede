// The standalone HTTP server of `meshlens serve`: the JSON API over the trace store, the live
// channel (SSE, see stream.ts) and, when given a folder, the viewer's static files. Read-only: GET
// only, answers in the protocol's DTOs (src/shared/protocol.ts), errors as {error} with a 4xx that
// says what to change. The one POST, /api/rpc, is the viewer protocol's second transport: a
// ViewerRequest in, its ViewerResponse out, through the same bridge as the webview's postMessage
// (src/receiver/viewer-bridge.ts); it only reads, too.
//
// Trace files (the viewer's Open and Export in a browser): GET /api/traces/<id>/otlp downloads one
// trace as OTLP/JSON, and POST /api/import takes a trace file's text (bounded, one at a time) into
// the store, the one way besides the receivers that writes.
//
// The service graph (src/core/graph): the server owns one, fed from the Ingest, and answers the
// viewer methods `graph` and `graphTraces` from it; GET /api/graph?window=5m&versioned=true and
// GET /api/graph/traces?window=5m&nodeId=...|edgeId=...&limit=100 give the same to scripts.
import * as http from 'node:http';
import { answerFromStore, DEFAULT_MAX_IMPORT_BYTES, DEFAULT_QUERY_LIMIT, encodeTracesJson, importTraceFile, OtlpDecodeError, toStatsDto, type Span, type TraceStore } from '../core/trace';
import { answerFromGraph, GRAPH_ATTRIBUTE_KEYS, isGraphMethod, ServiceGraph } from '../core/graph';
import { GraphParamsError, parseGraphParams } from '../receiver/graph-params';
import type { Ingest } from '../receiver/ingest';
import { createViewerRpc, MAX_DEBUG_SESSION_ID, type ViewerSource } from '../receiver/viewer-bridge';
import { HOST_VIEWER_METHODS, type ErrorDto, type ForwarderStatsDto, type ReceiverStatsDto, type ServicesDto, type TraceFileImportDto, type TraceListDto, type TraceQueryDto } from '../shared/protocol';
import { withJsonLocation } from '../core/trace/json-location';
import { listen } from './listen';
import { serveStatic } from './static';
import { LiveStream } from './stream';

export const DEFAULT_API_PORT = 4320;
export const MAX_QUERY_LIMIT = 10_000;
/** A ViewerRequest is a method and a few filters: a body beyond this is not one. */
export const MAX_RPC_BODY_BYTES = 64 * 1024;
/**
 * POST /api/rpc requests being answered at once, for all browser tabs together (HTTP has no
 * viewer identity to bound per viewer); more are answered "busy".
 */
export const DEFAULT_MAX_RPC_IN_FLIGHT = 32;
/** POST /api/import: the import limit of the editor's Import command. */
export const MAX_IMPORT_BODY_BYTES = DEFAULT_MAX_IMPORT_BYTES;
const HOST_METHODS: ReadonlySet<string> = new Set(HOST_VIEWER_METHODS);
const OTLP_DOWNLOAD = /^\/api\/traces\/([^/]*)\/otlp$/;

export interface ApiServerOptions {
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  readonly store: TraceStore;
  /** Its counters go into /api/stats. */
  readonly ingest?: Ingest;
  /** Receiver counters for /api/stats, by receiver name; read at each request. */
  readonly receivers?: () => Readonly<Record<string, ReceiverStatsDto>>;
  /** The upstream forwarder's counters for /api/stats, when forwarding; read at each request. */
  readonly forward?: () => ForwarderStatsDto;
  /** The viewer's files (dist/webview): served at `/` and below; without it only /api exists. */
  readonly staticDir?: string;
  /** Live stream: at most one `changed` event per this many ms (default 250). */
  readonly throttleMs?: number;
  readonly heartbeatMs?: number;
  /** Live stream clients at most (default 32); more get 503. */
  readonly maxStreamClients?: number;
  /** POST /api/rpc requests answered at once (default 32); more are answered "busy". */
  readonly maxRpcInFlight?: number;
  /**
   * The service graph to answer from; by default the server makes one and feeds it from `ingest`
   * (a graph given here is fed by its owner).
   */
  readonly graph?: ServiceGraph;
}

export interface ApiServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

class BadRequest extends Error {}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  const { store, ingest, receivers, forward, staticDir } = options;
  const stream = new LiveStream({ source: store, throttleMs: options.throttleMs, heartbeatMs: options.heartbeatMs, maxClients: options.maxStreamClients });
  const graph = options.graph ?? new ServiceGraph();
  const detachGraph = options.graph || !ingest ? undefined : ingest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (spans) => graph.add(spans));
  const stats = () => ({ ...toStatsDto(store.stats(), ingest?.counters, receivers?.()), ...(forward && { forward: forward() }) });
  // The viewer protocol answered from the store, as the trace worker answers it in the extension.
  const source: ViewerSource = {
    request: async (method, params) => {
      // The editor's own methods (opening code, file dialogs): a browser uses the vscode:// link,
      // GET /api/traces/<id>/otlp and POST /api/import instead.
      if (HOST_METHODS.has(method)) throw new Error(`${method} is answered only inside VS Code; in a browser, code links open through their vscode:// address and trace files through the page's Open and Export buttons`);
      if (isGraphMethod(method)) return answerFromGraph(graph, method, params as never) as never;
      return answerFromStore(store, method, params, stats);
    },
  };
  let importing = false;
  const rpc = createViewerRpc(source, { maxInFlight: options.maxRpcInFlight ?? DEFAULT_MAX_RPC_IN_FLIGHT });

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug of ours: answer 500 and keep serving.
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // A page on another site that rebinds its DNS name to 127.0.0.1 would otherwise read the
    // traces (same-origin to the browser); on a loopback address only loopback names may ask.
    if (LOOPBACK.has(host) && !LOOPBACK.has(hostName(req.headers.host))) {
      sendJson(res, 403, { error: `host ${JSON.stringify(req.headers.host ?? '')} is not allowed; use http://localhost or http://127.0.0.1` });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/rpc') return handleRpc(req, res, url);
    if (url.pathname === '/api/import') return handleImport(req, res, url);
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      sendJson(res, 405, { error: `method ${req.method} not allowed; the API is read-only (GET)` });
      return;
    }
    const p = url.pathname;
    try {
      const download = OTLP_DOWNLOAD.exec(p);
      if (download) {
        const id = download[1];
        if (!TRACE_ID.test(id)) throw new BadRequest(`a trace id is 32 hex digits, got ${JSON.stringify(id)}`);
        noParams(url.searchParams);
        const trace = store.getTrace(id.toLowerCase());
        if (!trace) {
          sendJson(res, 404, { error: `no trace ${id.toLowerCase()} in the store (not received yet, or evicted)` });
          return;
        }
        const spans: Span[] = trace.spans.map((n) => n.span);
        const text = encodeTracesJson(spans);
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
          'Content-Disposition': `attachment; filename="trace-${id.toLowerCase()}.json"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        });
        res.end(text);
      } else if (p === '/api/traces') {
        const q = parseTraceQuery(url.searchParams);
        const body: TraceListDto = answerFromStore(store, 'query', q, stats);
        sendJson(res, 200, body);
      } else if (p.startsWith('/api/traces/')) {
        const id = p.slice('/api/traces/'.length);
        if (!TRACE_ID.test(id)) throw new BadRequest(`a trace id is 32 hex digits, got ${JSON.stringify(id)}`);
        noParams(url.searchParams);
        const trace = answerFromStore(store, 'trace', { traceId: id }, stats);
        if (trace) sendJson(res, 200, trace);
        else sendJson(res, 404, { error: `no trace ${id.toLowerCase()} in the store (not received yet, or evicted)` });
      } else if (p === '/api/graph' || p === '/api/graph/traces') {
        const method = p === '/api/graph' ? 'graph' : 'graphTraces';
        let params;
        try {
          params = parseGraphParams(method, graphQuery(url.searchParams));
        } catch (e) {
          if (e instanceof GraphParamsError) throw new BadRequest(`${p}: ${e.message}`);
          throw e;
        }
        sendJson(res, 200, answerFromGraph(graph, method, params as never));
      } else if (p === '/api/services') {
        noParams(url.searchParams);
        const body: ServicesDto = answerFromStore(store, 'services', {}, stats);
        sendJson(res, 200, body);
      } else if (p === '/api/stats') {
        noParams(url.searchParams);
        sendJson(res, 200, stats());
      } else if (p === '/api/stream') {
        noParams(url.searchParams);
        if (!stream.accept(res)) sendJson(res, 503, { error: `too many live clients (${stream.clientCount}); close another viewer tab` });
      } else if (p === '/api' || p.startsWith('/api/') || !staticDir || !(await serveStatic(staticDir, p, res))) {
        sendJson(res, 404, { error: `not found: ${p}` });
      }
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      sendJson(res, 400, { error: e.message });
    }
  }

  /**
   * POST /api/rpc: a ViewerRequest as JSON in, its ViewerResponse out (200, also for an error
   * response: the transport worked, the request did not). A body that holds no request with an id
   * gets 400 {error}, since there is no id to answer with.
   */
  async function handleRpc(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: `method ${req.method} not allowed; /api/rpc takes a POST of a JSON ViewerRequest` });
      return;
    }
    if (url.search !== '') {
      sendJson(res, 400, { error: '/api/rpc takes no query parameters; the request goes in the body' });
      return;
    }
    // Only JSON: a page on another origin cannot send that without a CORS preflight, which this
    // server never grants, so such a page cannot even make the store do the work.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      sendJson(res, 415, { error: 'send the request as Content-Type: application/json' });
      return;
    }
    const body = await readBody(req, MAX_RPC_BODY_BYTES);
    if (body === undefined) {
      // The rest of the body is not read: close the connection rather than drain it.
      res.setHeader('Connection', 'close');
      sendJson(res, 413, { error: `a viewer request is at most ${MAX_RPC_BODY_BYTES} bytes` });
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(res, 400, { error: 'the body is not JSON; send a ViewerRequest {type: "request", id, method, params}' });
      return;
    }
    const answer = rpc.answer(msg);
    if (!answer) {
      sendJson(res, 400, { error: 'not a request with an id: send {type: "request", id, method, params} (live changes come from GET /api/stream)' });
      return;
    }
    sendJson(res, 200, await answer);
  }

  /**
   * POST /api/import?name=<file name>: a trace file's text as the body (Content-Type
   * application/json whatever the format, so another origin's page needs a preflight this server
   * never grants); 200 TraceFileImportDto, 400 {error} naming the file and where it is wrong, 413
   * over MAX_IMPORT_BODY_BYTES, 503 while another import runs (each parses up to 64 MiB).
   */
  async function handleImport(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { error: `method ${req.method} not allowed; /api/import takes a POST of a trace file's text` });
      return;
    }
    for (const name of url.searchParams.keys()) {
      if (name !== 'name') {
        sendJson(res, 400, { error: `unknown query parameter ${JSON.stringify(name)}; /api/import takes name (the file name)` });
        return;
      }
    }
    const fileName = (url.searchParams.get('name') ?? '').slice(0, 255) || 'trace file';
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      sendJson(res, 415, { error: 'send the file as Content-Type: application/json (also JSON Lines)' });
      return;
    }
    if (importing) {
      sendJson(res, 503, { error: 'another import is running; try again when it is done' });
      return;
    }
    importing = true;
    try {
      const body = await readBody(req, MAX_IMPORT_BODY_BYTES);
      if (body === undefined) {
        res.setHeader('Connection', 'close');
        sendJson(res, 413, { error: `${fileName} is over the import limit of ${MAX_IMPORT_BODY_BYTES / 1024 / 1024} MiB` });
        return;
      }
      const text = body.toString('utf8');
      let got;
      try {
        got = importTraceFile(text, fileName, { maxBytes: MAX_IMPORT_BODY_BYTES });
      } catch (e) {
        if (!(e instanceof OtlpDecodeError)) throw e;
        sendJson(res, 400, { error: `${fileName}: ${withJsonLocation(e.message, text)}` });
        return;
      }
      if (got.spans.length) store.addSpans(got.spans);
      if (got.logs.length) store.addLogs(got.logs);
      const result: TraceFileImportDto = {
        fileName,
        format: got.format,
        spans: got.spans.length,
        logs: got.logs.length,
        rejected: got.rejected,
        rejectMessage: got.rejectMessage,
        traceIds: [...new Set(got.spans.map((sp) => sp.traceId))],
      };
      sendJson(res, 200, result);
    } finally {
      importing = false;
    }
  }

  const port = await listen(server, host, options.port ?? DEFAULT_API_PORT, 'API server').catch((e: unknown) => {
    stream.close();
    throw e;
  });
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        detachGraph?.();
        stream.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * The query string of GET /api/traces as the protocol's query. Strict, so a typo is an answer
 * rather than an unfiltered list; an empty value is the same as an absent one (forms send those).
 */
export function parseTraceQuery(params: URLSearchParams): TraceQueryDto {
  const q: { -readonly [K in keyof TraceQueryDto]: TraceQueryDto[K] } = {};
  const attributes: { key: string; value: string }[] = [];
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (name !== 'attr') {
      if (seen.has(name)) throw new BadRequest(`${name} may be given once`);
      seen.add(name);
    }
    if (value === '') continue;
    switch (name) {
      case 'service':
      case 'operation':
      case 'text':
        q[name] = value;
        break;
      case 'minMs':
      case 'maxMs':
        q[name] = number(name, value);
        break;
      case 'limit': {
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < 1 || n > MAX_QUERY_LIMIT) throw new BadRequest(`limit must be a whole number from 1 to ${MAX_QUERY_LIMIT}, got ${JSON.stringify(value)}`);
        q.limit = n;
        break;
      }
      case 'debugSession':
        // The same bound as the viewer protocol's (viewer-bridge.ts): longer ids are not MeshLens's.
        if (value.length > MAX_DEBUG_SESSION_ID) throw new BadRequest(`debugSession is a debug-session id of at most ${MAX_DEBUG_SESSION_ID} characters`);
        q.debugSession = value;
        break;
      case 'error':
        if (value !== 'true' && value !== 'false') throw new BadRequest(`error must be true or false, got ${JSON.stringify(value)}`);
        q.error = value === 'true';
        break;
      case 'attr': {
        const eq = value.indexOf('=');
        if (eq <= 0) throw new BadRequest(`attr must be key=value, got ${JSON.stringify(value)}`);
        attributes.push({ key: value.slice(0, eq), value: value.slice(eq + 1) });
        break;
      }
      default:
        throw new BadRequest(`unknown query parameter ${JSON.stringify(name)}; known: service, operation, minMs, maxMs, error, attr, text, limit, debugSession`);
    }
  }
  if (attributes.length) q.attributes = attributes;
  q.limit ??= DEFAULT_QUERY_LIMIT;
  return q;
}

/** A query string as graph params: each name once, `versioned` a boolean, `limit` a number (checked by parseGraphParams). */
function graphQuery(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of params) {
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new BadRequest(`${name} may be given once`);
    if (name === 'versioned') {
      if (value !== 'true' && value !== 'false') throw new BadRequest(`versioned must be true or false, got ${JSON.stringify(value)}`);
      out[name] = value === 'true';
    } else if (name === 'limit') out[name] = /^\d+$/.test(value) ? Number(value) : value;
    else out[name] = value;
  }
  return out;
}

function number(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new BadRequest(`${name} must be a number, got ${JSON.stringify(value)}`);
  if (n < 0) throw new BadRequest(`${name} must not be negative, got ${JSON.stringify(value)}`);
  return n;
}

function noParams(params: URLSearchParams): void {
  for (const name of params.keys()) throw new BadRequest(`unknown query parameter ${JSON.stringify(name)}; this path takes none`);
}

/** The whole body, or undefined once it exceeds `limit` bytes (the rest is left unread). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.byteLength;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function hostName(header: string | undefined): string {
  if (!header) return '';
  const h = header.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

function sendJson(res: http.ServerResponse, status: number, body: object | ErrorDto): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}
