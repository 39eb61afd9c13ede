// The host side of the viewer protocol (src/shared/protocol.ts), independent of the transport:
// the webview panel feeds it what `onDidReceiveMessage` gets and posts with `webview.postMessage`;
// `meshlens serve` feeds it the body of `POST /api/rpc` and writes the answer to the HTTP response.
// So both transports validate, answer and refuse in exactly the same way.
//
// Invariants (what the viewer may rely on):
// - every message that is a request with a usable id gets exactly one response (unless the bridge
//   is disposed first); anything else (no id, not an object) is ignored: there is nobody to answer;
// - params are checked here, at the door, strictly (an unknown key is an error, not a silent
//   "match everything"), so the source only ever sees well-formed params;
// - nothing the viewer sends makes this code throw;
// - a viewer has at most `maxInFlight` requests being answered; beyond that it gets "busy" at once,
//   so a runaway viewer cannot queue unbounded work on the trace worker;
// - live messages flow only after the viewer said `ready` (earlier ones would be lost on a page
//   that is still loading; the viewer asks for its snapshot after `ready` anyway).
import { GraphParamsError, parseGraphParams } from './graph-params';
import {
  HOST_VIEWER_METHODS,
  MAX_RESOLVE_FILES,
  type LiveMessage,
  type TraceQueryDto,
  type ViewerMethod,
  type ViewerMethods,
  type ViewerRequest,
  type ViewerResponse,
  type ViewerState,
} from '../shared/protocol';

/** Requests being answered per viewer (webview) or per server (POST /api/rpc), at most. */
export const DEFAULT_MAX_IN_FLIGHT = 8;
/** The most summaries one query may ask for (the same bound as GET /api/traces). */
export const MAX_VIEWER_QUERY_LIMIT = 10_000;
/** Filter strings longer than this are refused: no one types them, and each is matched per trace. */
const MAX_STRING = 4096;
const MAX_ATTRIBUTE_FILTERS = 64;
const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;
const METHODS: ReadonlySet<string> = new Set<ViewerMethod>(['query', 'trace', 'layout', 'span', 'search', 'services', 'stats', 'graph', 'graphTraces', 'debugSessionCounts', 'traceAt', ...HOST_VIEWER_METHODS]);
/** A path longer than this is not one any file system has (PATH_MAX is 4096). */
export const MAX_CODE_PATH = 4096;
/** Lines beyond this are not in any source file anyone opens. */
const MAX_CODE_LINE = 100_000_000;
/** Longer in-trace searches are refused: each is matched against every span of the trace. */
export const MAX_SEARCH_TEXT = 256;
/** A debug-session id is one MeshLens made (a few dozen characters); longer ones are not ours. */
export const MAX_DEBUG_SESSION_ID = 256;
/** Sessions asked about per debugSessionCounts request, at most. */
export const MAX_DEBUG_SESSION_IDS = 256;

/** Where answers come from: the TraceService (extension) or the store of `meshlens serve`. */
export interface ViewerSource {
  request<M extends ViewerMethod>(method: M, params: ViewerMethods[M]['params']): Promise<ViewerMethods[M]['result']>;
}

export interface LiveViewerSource extends ViewerSource {
  /** Returns the function that unsubscribes. */
  onChanged(listener: (message: LiveMessage) => void): () => void;
}

export interface ViewerRpcOptions {
  readonly maxInFlight?: number;
}

export interface ViewerRpc {
  /**
   * The response to `msg` when it is a request with a usable id (an error response when it is
   * malformed, unknown or over the in-flight bound); undefined when there is nobody to answer.
   * The promise never rejects.
   */
  answer(msg: unknown): Promise<ViewerResponse> | undefined;
  readonly inFlight: number;
}

export interface ViewerBridge {
  receive(msg: unknown): void;
  dispose(): void;
}

type Parsed =
  | { readonly kind: 'ready' }
  | { readonly kind: 'request'; readonly request: ViewerRequest }
  | { readonly kind: 'invalid'; readonly id?: number; readonly error: string };

class Invalid extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function validId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/** Classifies one incoming message; never throws. */
export function parseViewerMessage(msg: unknown): Parsed {
  if (!isObject(msg)) return { kind: 'invalid', error: 'a message is a JSON object' };
  const type = own(msg, 'type');
  const id = own(msg, 'id');
  if (type === 'ready') return { kind: 'ready' };
  if (!validId(id)) return { kind: 'invalid', error: 'a request needs an id: a positive whole number' };
  if (type !== 'request') return { kind: 'invalid', id, error: `unknown message type ${short(type)}; expected "request" or "ready"` };
  const method = own(msg, 'method');
  if (typeof method !== 'string' || !METHODS.has(method)) {
    return { kind: 'invalid', id, error: `unknown method ${short(method)}; known: ${[...METHODS].join(', ')}` };
  }
  try {
    return { kind: 'request', request: { type: 'request', id, ...parseParams(method as ViewerMethod, own(msg, 'params')) } as ViewerRequest };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    return { kind: 'invalid', id, error: `${method}: ${e.message}` };
  }
}

function parseParams(method: ViewerMethod, params: unknown): { method: ViewerMethod; params: unknown } {
  // Methods without params accept them left out, as `{}` is noise for the caller.
  const p = params === undefined && (method === 'query' || method === 'services' || method === 'stats' || method === 'openTraceFile' || method === 'nextTraceToOpen' || method === 'serviceManifests' || method === 'nextMapReveal' || method === 'debugSessionCounts') ? {} : params;
  if (!isObject(p)) throw new Invalid('params must be an object');
  switch (method) {
    case 'query':
      return { method, params: parseQuery(p) };
    case 'trace':
    case 'layout':
      onlyKeys(p, ['traceId']);
      return { method, params: { traceId: traceIdOf(p) } };
    case 'span': {
      onlyKeys(p, ['traceId', 'spanId']);
      const spanId = own(p, 'spanId');
      if (typeof spanId !== 'string' || !SPAN_ID.test(spanId)) throw new Invalid(`spanId is 16 hex digits, got ${short(spanId)}`);
      return { method, params: { traceId: traceIdOf(p), spanId: spanId.toLowerCase() } };
    }
    case 'search': {
      onlyKeys(p, ['traceId', 'text']);
      const text = own(p, 'text');
      if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_SEARCH_TEXT) throw new Invalid(`text is 1 to ${MAX_SEARCH_TEXT} characters, not only spaces`);
      return { method, params: { traceId: traceIdOf(p), text: text.trim() } };
    }
    case 'services':
    case 'stats':
    case 'openTraceFile':
    case 'nextTraceToOpen':
    case 'serviceManifests':
    case 'nextMapReveal':
      onlyKeys(p, []);
      return { method, params: {} };
    case 'openCode': {
      onlyKeys(p, ['file', 'line']);
      const line = own(p, 'line');
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 1 || line > MAX_CODE_LINE) throw new Invalid(`line is a whole number from 1 to ${MAX_CODE_LINE}, got ${short(line)}`);
      return { method, params: { file: codePath(own(p, 'file'), 'file'), line } };
    }
    case 'resolveCode': {
      onlyKeys(p, ['files']);
      const files = own(p, 'files');
      if (!Array.isArray(files) || files.length > MAX_RESOLVE_FILES) throw new Invalid(`files is a list of at most ${MAX_RESOLVE_FILES} paths`);
      return { method, params: { files: files.map((f, i) => codePath(f, `files[${i}]`)) } };
    }
    case 'exportTrace':
      onlyKeys(p, ['traceId']);
      return { method, params: { traceId: traceIdOf(p) } };
    case 'debugSessionCounts': {
      onlyKeys(p, ['ids']);
      const ids = own(p, 'ids');
      if (ids === undefined) return { method, params: {} };
      if (!Array.isArray(ids) || ids.length > MAX_DEBUG_SESSION_IDS) throw new Invalid(`ids is a list of at most ${MAX_DEBUG_SESSION_IDS} debug-session ids`);
      return { method, params: { ids: ids.map((v, i) => debugSessionId(v, `ids[${i}]`)) } };
    }
    case 'traceAt': {
      onlyKeys(p, ['debugSession', 'file', 'line', 'atUnixMs']);
      const line = own(p, 'line');
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 1 || line > MAX_CODE_LINE) throw new Invalid(`line is a whole number from 1 to ${MAX_CODE_LINE}, got ${short(line)}`);
      const at = own(p, 'atUnixMs');
      if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) throw new Invalid(`atUnixMs is a time in milliseconds since 1970, not below 0, got ${short(at)}`);
      const session = own(p, 'debugSession');
      const params = { file: codePath(own(p, 'file'), 'file'), line, atUnixMs: at };
      return { method, params: session === undefined ? params : { debugSession: debugSessionId(session, 'debugSession'), ...params } };
    }
    case 'graph':
    case 'graphTraces':
      try {
        return { method, params: parseGraphParams(method, p) };
      } catch (e) {
        if (e instanceof GraphParamsError) throw new Invalid(e.message);
        throw e;
      }
  }
}

/** A file path as a span or stack frame gives it: any non-empty string without NUL, of sane length. */
function codePath(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_CODE_PATH || v.includes('\0')) {
    throw new Invalid(`${name} is a path of 1 to ${MAX_CODE_PATH} characters without NUL, got ${short(v)}`);
  }
  return v;
}

function debugSessionId(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '' || v.length > MAX_DEBUG_SESSION_ID) throw new Invalid(`${name} is a debug-session id of 1 to ${MAX_DEBUG_SESSION_ID} characters, got ${short(v)}`);
  return v;
}

function traceIdOf(p: Record<string, unknown>): string {
  const traceId = own(p, 'traceId');
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) throw new Invalid(`traceId is 32 hex digits, got ${short(traceId)}`);
  return traceId.toLowerCase();
}

/**
 * The viewer's filters as the store will read them. Strict like GET /api/traces: a typo is an
 * answer, not an unfiltered list; an empty string is the same as an absent filter (form fields).
 */
export function parseQuery(p: Record<string, unknown>): TraceQueryDto {
  onlyKeys(p, ['service', 'operation', 'minMs', 'maxMs', 'error', 'attributes', 'text', 'limit', 'debugSession']);
  const q: { -readonly [K in keyof TraceQueryDto]: TraceQueryDto[K] } = {};
  for (const key of ['service', 'operation', 'text'] as const) {
    const v = own(p, key);
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string' || v.length > MAX_STRING) throw new Invalid(`${key} must be a string of at most ${MAX_STRING} characters`);
    q[key] = v;
  }
  for (const key of ['minMs', 'maxMs'] as const) {
    const v = own(p, key);
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Invalid(`${key} must be a number not below 0, got ${short(v)}`);
    q[key] = v;
  }
  const debugSession = own(p, 'debugSession');
  if (debugSession !== undefined && debugSession !== '') q.debugSession = debugSessionId(debugSession, 'debugSession');
  const error = own(p, 'error');
  if (error !== undefined) {
    if (typeof error !== 'boolean') throw new Invalid(`error must be true or false, got ${short(error)}`);
    q.error = error;
  }
  const limit = own(p, 'limit');
  if (limit !== undefined) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_VIEWER_QUERY_LIMIT) {
      throw new Invalid(`limit must be a whole number from 1 to ${MAX_VIEWER_QUERY_LIMIT}, got ${short(limit)}`);
    }
    q.limit = limit;
  }
  const attributes = own(p, 'attributes');
  if (attributes !== undefined) {
    if (!Array.isArray(attributes) || attributes.length > MAX_ATTRIBUTE_FILTERS) throw new Invalid(`attributes must be a list of at most ${MAX_ATTRIBUTE_FILTERS} {key, value}`);
    q.attributes = attributes.map((a) => {
      if (!isObject(a)) throw new Invalid('each attribute filter is {key, value}');
      onlyKeys(a, ['key', 'value']);
      const key = own(a, 'key');
      const value = own(a, 'value');
      if (typeof key !== 'string' || key === '' || key.length > MAX_STRING) throw new Invalid('an attribute filter key must be a non-empty string');
      if (typeof value !== 'string' || value.length > MAX_STRING) throw new Invalid(`the value of attribute filter ${short(key)} must be a string`);
      return { key, value };
    });
    if (q.attributes.length === 0) delete q.attributes;
  }
  return q;
}

function onlyKeys(o: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new Invalid(`unknown parameter ${short(k)}${known.length ? `; known: ${known.join(', ')}` : '; this method takes none'}`);
  }
}

/**
 * A value quoted for an error message, cut short: the message goes back to the viewer. A list or
 * an object is only described: turning what a viewer sent into text recurses as deep as it nests,
 * and a message nested 10,000 deep overflowed the stack (found by the fuzzer, test/unit/fuzz).
 */
function short(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    return keys.length ? `an object with ${keys.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 20))).join(', ')}${keys.length > 3 ? ', ...' : ''}` : 'an empty object';
  }
  const s = typeof v === 'string' ? JSON.stringify(v.slice(0, 80)) : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The state the panel serializer hands back after a reload, as far as it is well-formed: it was
 * written by a viewer (maybe an older one), so anything unexpected is dropped, never trusted.
 */
export function toViewerState(raw: unknown): ViewerState {
  if (!isObject(raw)) return {};
  const state: { -readonly [K in keyof ViewerState]: ViewerState[K] } = {};
  const id = own(raw, 'selectedTraceId');
  if (typeof id === 'string' && TRACE_ID.test(id)) state.selectedTraceId = id.toLowerCase();
  const filters = own(raw, 'filters');
  if (isObject(filters)) {
    try {
      state.filters = parseQuery(filters);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
    }
  }
  const follow = own(raw, 'followDebugSession');
  if (typeof follow === 'boolean') state.followDebugSession = follow;
  return state;
}

/** The panel host's long polls (see their docs in protocol.ts): outside the in-flight bound. */
const LONG_POLLS: ReadonlySet<string> = new Set<ViewerMethod>(['nextTraceToOpen', 'nextMapReveal']);

/** Validation, the in-flight bound and the call to the source: what both transports share. */
export function createViewerRpc(source: ViewerSource, options: ViewerRpcOptions = {}): ViewerRpc {
  const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    answer(msg) {
      const parsed = parseViewerMessage(msg);
      if (parsed.kind === 'ready') return undefined;
      if (parsed.kind === 'invalid') return parsed.id === undefined ? undefined : Promise.resolve({ type: 'response', id: parsed.id, error: parsed.error });
      const { id, method, params } = parsed.request;
      // A long poll waits for the editor, maybe for hours; counted, the two of them would hold a
      // quarter of the bound for good. The host keeps at most one of each waiting (a new one
      // answers the older with null), so leaving them out keeps the bound a bound.
      const counted = !LONG_POLLS.has(method);
      if (counted && inFlight >= maxInFlight) {
        return Promise.resolve({ type: 'response', id, error: `busy: ${maxInFlight} requests are already being answered; ask again when one is done` });
      }
      if (counted) inFlight++;
      let call: Promise<unknown>;
      try {
        call = source.request(method, params as never);
      } catch (e) {
        call = Promise.reject(e);
      }
      return call.then(
        (result): ViewerResponse => ({ type: 'response', id, result: result as ViewerMethods[ViewerMethod]['result'] }),
        (e: unknown): ViewerResponse => ({ type: 'response', id, error: (e as Error)?.message ?? String(e) }),
      ).finally(() => {
        if (counted) inFlight--;
      });
    },
  };
}

/**
 * One viewer's bridge: answers its requests through `source` and posts the answers and, after its
 * `ready`, the live messages with `post`. Dispose when the viewer goes away: live messages stop and
 * answers still on their way are dropped.
 */
export function createViewerBridge(source: LiveViewerSource, post: (msg: ViewerResponse | LiveMessage) => void, options: ViewerRpcOptions = {}): ViewerBridge {
  const rpc = createViewerRpc(source, options);
  let ready = false;
  let disposed = false;
  const send = (msg: ViewerResponse | LiveMessage): void => {
    if (disposed) return;
    try {
      post(msg);
    } catch {
      // The transport is gone (a disposed webview throws); its owner disposes us shortly.
    }
  };
  const unsubscribe = source.onChanged((m) => {
    if (ready) send(m);
  });
  return {
    receive(msg) {
      if (disposed) return;
      if (isObject(msg) && own(msg, 'type') === 'ready') {
        ready = true;
        return;
      }
      void rpc.answer(msg)?.then(send);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      unsubscribe();
    },
  };
}
