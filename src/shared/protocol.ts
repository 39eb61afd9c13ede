// The messages between a trace source (the extension host, or `meshlens serve`) and the viewer. One
// definition for both transports: `postMessage` (webview) and HTTP + Server-Sent Events (browser).
// Types and a few constants only: the conversion from the core model lives in src/core/trace/dto.ts,
// so the viewer can import this file without pulling in any of the core.
//
// Everything here is plain JSON, and lossless (the core model has bigints, bytes and Maps):
// - times: `...UnixNano` / `...Ns` are decimal strings of the exact bigint nanoseconds (BigInt(s)
//   gives the value back); next to them `...UnixMs` / `...Ms` are numbers for drawing and sorting.
// - ids: lowercase hex strings, as in the model; an absent parent or log trace/span id is left out.
// - attribute values (AttrValueDto), by OTLP kind:
//     string -> string          bool -> boolean          null (empty AnyValue) -> null
//     double -> number; NaN, Infinity, -Infinity and -0 (which JSON cannot carry) -> {double: "NaN"} etc.
//     int64  -> {int: "-42"}    (decimal string: int64 does not fit a double)
//     bytes  -> {bytes: "3q2+7w=="}  (standard base64 with padding)
//     array  -> AttrValueDto[]
//     kvlist -> {kvlist: AttributeDto[]}
//   So a plain JSON number is always a double, a plain array always an array value, and an object
//   has exactly one of the keys int / double / bytes / kvlist.
// - attribute sets (span, resource, event, log attributes, kvlist values) are lists of {key, value}
//   in the order received, not objects: no key (`__proto__`, "1") is special and order is kept.
// - a trace's Resources and Scopes are listed once in TraceDto.resources / .scopes; spans and logs
//   point at them by index (a thousand-span trace does not repeat its resource a thousand times).

export type AttrValueDto =
  | string
  | boolean
  | number
  | null
  | { readonly int: string }
  | { readonly double: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { readonly bytes: string }
  | { readonly kvlist: readonly AttributeDto[] }
  | readonly AttrValueDto[];

export interface AttributeDto {
  readonly key: string;
  readonly value: AttrValueDto;
}

export interface TraceSummaryDto {
  readonly traceId: string;
  readonly rootServiceName: string;
  readonly rootName: string;
  /** False when the root shown is an orphan (the real root has not arrived). */
  readonly hasRealRoot: boolean;
  readonly services: readonly string[];
  readonly spanCount: number;
  readonly errorCount: number;
  readonly hasError: boolean;
  readonly orphanCount: number;
  readonly logCount: number;
  readonly startUnixNano: string;
  readonly durationNs: string;
  readonly startUnixMs: number;
  readonly durationMs: number;
  /** The `meshlens.debug.session` resource attribute of the trace's spans (the first seen wins); absent when none carries it. */
  readonly debugSession?: string;
}

export interface ResourceDto {
  readonly serviceName: string;
  readonly attributes: readonly AttributeDto[];
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
}

export interface ScopeDto {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly AttributeDto[];
  readonly droppedAttributesCount: number;
  readonly schemaUrl: string;
}

export interface SpanEventDto {
  readonly name: string;
  readonly timeUnixNano: string;
  readonly timeUnixMs: number;
  readonly attributes: readonly AttributeDto[];
  readonly droppedAttributesCount: number;
}

export interface SpanLinkDto {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: readonly AttributeDto[];
  readonly droppedAttributesCount: number;
  readonly flags: number;
}

export interface LogDto {
  readonly timeUnixNano: string;
  readonly timeUnixMs: number;
  readonly observedTimeUnixNano: string;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AttrValueDto;
  readonly attributes: readonly AttributeDto[];
  readonly droppedAttributesCount: number;
  readonly flags: number;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly eventName: string;
  /** Index into TraceDto.resources. */
  readonly resource: number;
  /** Index into TraceDto.scopes. */
  readonly scope: number;
}

/** A span as placed in its trace: depth-first order, with its depth and its logs. */
export interface SpanDto {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly traceState: string;
  readonly flags: number;
  readonly name: string;
  /** OTLP SpanKind number, and its name (UNSPECIFIED, INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER). */
  readonly kind: number;
  readonly kindName: string;
  readonly startUnixNano: string;
  readonly endUnixNano: string;
  readonly durationNs: string;
  readonly startUnixMs: number;
  readonly durationMs: number;
  readonly attributes: readonly AttributeDto[];
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEventDto[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLinkDto[];
  readonly droppedLinksCount: number;
  /** OTLP Status: code 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message: string };
  /** The resource's service.name, repeated here because every view shows it. */
  readonly serviceName: string;
  /** Index into TraceDto.resources. */
  readonly resource: number;
  /** Index into TraceDto.scopes. */
  readonly scope: number;
  /** 0 for a root; children are listed right after their parent, by start time. */
  readonly depth: number;
  /** The span names a parent that is not (yet) in the store; it is shown as a root. */
  readonly orphan: boolean;
  readonly logs: readonly LogDto[];
  /**
   * Display shift for clock skew against a parent on another machine; "0" and 0 when none. Signed
   * decimal nanoseconds, like every `...Ns`. The received times above are left as they came: a viewer
   * adds this delta to the span's start and end, and to its events' and logs' times, when it draws.
   */
  readonly skewNs: string;
  readonly skewMs: number;
  /** `startUnixNano + skewNs` (exact), and as a number; spans are ordered among siblings by it. */
  readonly adjustedStartUnixNano: string;
  readonly adjustedStartUnixMs: number;
}

export interface TraceDto {
  readonly summary: TraceSummaryDto;
  /** Depth-first: each span is followed by its subtree. */
  readonly spans: readonly SpanDto[];
  /** Logs of the trace whose span has not arrived (or that name no span). */
  readonly unattachedLogs: readonly LogDto[];
  readonly resources: readonly ResourceDto[];
  readonly scopes: readonly ScopeDto[];
  /** One line per span shifted for clock skew, in the order of `spans`; empty when none moved. */
  readonly warnings: readonly string[];
}

/**
 * What the waterfall draws, and nothing more: one trace as parallel arrays, one entry per span in
 * the order of TraceDto.spans (depth-first, children by skew-adjusted start). A 50,000-span trace
 * is a few MB here where its TraceDto is fifty, and the host builds it without decoding attributes;
 * the details of one span come with `span`, matches inside the trace with `search`.
 *
 * Times are integer nanoseconds from `startUnixNano` (the earliest skew-adjusted start), skew
 * applied: exact for traces shorter than 2^53 ns (104 days).
 */
export interface TraceLayoutDto {
  readonly summary: TraceSummaryDto;
  readonly startUnixNano: string;
  readonly startUnixMs: number;
  /** Distinct service names and span names; spans point at them by index. */
  readonly services: readonly string[];
  readonly names: readonly string[];
  readonly spanIds: readonly string[];
  readonly depths: readonly number[];
  readonly serviceIndex: readonly number[];
  readonly nameIndex: readonly number[];
  readonly startNs: readonly number[];
  readonly durationNs: readonly number[];
  /** OTLP SpanKind numbers. */
  readonly kinds: readonly number[];
  /** Bit set per span: LAYOUT_ERROR, LAYOUT_ORPHAN, LAYOUT_HAS_LOGS. */
  readonly flags: readonly number[];
  /** Span events, for marks on the bars: the span's index, the time (ns from the start, skew applied), the name. */
  readonly eventSpan: readonly number[];
  readonly eventNs: readonly number[];
  readonly eventName: readonly string[];
  /** As TraceDto.warnings. */
  readonly warnings: readonly string[];
}

/** TraceLayoutDto.flags: status code 2 (error). */
export const LAYOUT_ERROR = 1;
/** TraceLayoutDto.flags: the span's parent is not in the trace; it is shown as a root. */
export const LAYOUT_ORPHAN = 2;
/** TraceLayoutDto.flags: logs are joined to the span. */
export const LAYOUT_HAS_LOGS = 4;

/** Spans of one trace whose text contains a query; see ViewerMethods.search. */
export interface TraceSearchDto {
  /** Matching span ids in display order (the order of TraceDto.spans). */
  readonly spanIds: readonly string[];
  /** True when there were more matches than MAX_SEARCH_MATCHES; the first ones are listed. */
  readonly truncated: boolean;
}

/** Matches listed per search at most (each is an id; the count shows "10,000+"). */
export const MAX_SEARCH_MATCHES = 10_000;

/** What the viewer filters by; every field optional, all of them must match. */
export interface TraceQueryDto {
  readonly service?: string;
  readonly operation?: string;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly error?: boolean;
  readonly attributes?: readonly { readonly key: string; readonly value: string }[];
  readonly text?: string;
  readonly limit?: number;
  /** Only traces of this debug session (TraceSummaryDto.debugSession equal to it). */
  readonly debugSession?: string;
}

export interface TraceListDto {
  /** Newest first. */
  readonly traces: readonly TraceSummaryDto[];
}

export interface ServicesDto {
  readonly services: readonly string[];
}

export interface StoreStatsDto {
  readonly traces: number;
  readonly spans: number;
  readonly logs: number;
  readonly evictedTraces: number;
  readonly evictedSpans: number;
  readonly evictedLogs: number;
  /** Spans that came again (same ids) and replaced the copy kept. */
  readonly replacedSpans: number;
  readonly logsWithoutTrace: number;
  readonly listenerErrors: number;
}

export interface IngestCountersDto {
  readonly spans: number;
  readonly logs: number;
  readonly rejectedSpans: number;
  readonly rejectedLogs: number;
  readonly hookErrors: number;
  /** Requests refused with "retry later" because the ingest queue was full (src/receiver/ingest.ts). */
  readonly throttledRequests: number;
  readonly queuedRequests: number;
  readonly queuedBytes: number;
  readonly peakQueuedRequests: number;
  readonly peakQueuedBytes: number;
}

/** A receiver's own counters (requests, spans, rejected by status...), as it keeps them. */
export type ReceiverStatsDto = Readonly<Record<string, number | Readonly<Record<string, number>>>>;

export interface StatsDto {
  readonly store: StoreStatsDto;
  readonly ingest?: IngestCountersDto;
  /** By receiver name: `otlpHttp`, `otlpGrpc`, `zipkin`. */
  readonly receivers?: Readonly<Record<string, ReceiverStatsDto>>;
  /** Present when everything received is forwarded upstream. */
  readonly forward?: ForwarderStatsDto;
}

/** The upstream forwarder's counters (src/receiver/forward.ts keeps them; see its invariants). */
export interface ForwarderStatsDto {
  /** The upstream's base URL, without credentials: `http://localhost:4318`. */
  readonly endpoint: string;
  readonly forwardedRequests: number;
  readonly forwardedSpans: number;
  readonly forwardedLogs: number;
  /** Not delivered without a permanent refusal: queue full, attempts used up, closed. */
  readonly droppedRequests: number;
  /** Spans that did not reach the upstream, for any reason (refused requests included). */
  readonly droppedSpans: number;
  readonly droppedLogs: number;
  /** Refused by the upstream for good (400, 401, 404, 413, 500, ...). */
  readonly failedRequests: number;
  readonly retries: number;
  readonly queuedRequests: number;
  readonly queuedBytes: number;
  readonly inFlight: number;
  /** The latest failure, for people. */
  readonly lastError?: string;
}

/**
 * Live: what changed since the previous message. Throttled and coalesced by the sender; a trace
 * both added and evicted within one window appears only in `evicted` (ids in `evicted` that the
 * viewer never saw are to be ignored). Ids appear in at most one of the three lists.
 */
export interface ChangedMessage {
  readonly type: 'changed';
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly evicted: readonly string[];
  readonly stats: StoreStatsDto;
}

/** Live: messages were dropped (a slow reader); forget the incremental state and ask for a snapshot. */
export interface ResyncMessage {
  readonly type: 'resync';
}

export type LiveMessage = ChangedMessage | ResyncMessage;

/** The body of every HTTP error answer. */
export interface ErrorDto {
  readonly error: string;
}

// ---------------------------------------------------------------------------------------------
// The viewer's requests and their answers. The same messages travel over `postMessage` in the
// webview and as the body of `POST /api/rpc` in the browser (live changes there come over SSE,
// GET /api/stream), so the viewer has one client and the host one bridge
// (src/receiver/viewer-bridge.ts) for both.

/** What the viewer may ask, the params each method takes and the result it gets. */
export interface ViewerMethods {
  /** Trace summaries matching the filters, newest first. */
  query: { params: TraceQueryDto; result: TraceListDto };
  /** One trace; null when it is not (or no longer) in the store. `traceId`: 32 hex digits. */
  trace: { params: { readonly traceId: string }; result: TraceDto | null };
  /** What the waterfall draws of one trace; null when it is not in the store. */
  layout: { params: { readonly traceId: string }; result: TraceLayoutDto | null };
  /**
   * One span with everything it carries: a TraceDto holding only that span (with its depth, skew
   * and logs) and the resources and scopes it and its logs point at. Null when either is gone.
   * `spanId`: 16 hex digits.
   */
  span: { params: { readonly traceId: string; readonly spanId: string }; result: TraceDto | null };
  /**
   * Spans of one trace whose name, service, span id, status message, event names, or attribute
   * keys or values (span attributes, as text) contain `text`, case-insensitively. Null when the
   * trace is gone. `text`: 1 to 256 characters.
   */
  search: { params: { readonly traceId: string; readonly text: string }; result: TraceSearchDto | null };
  services: { params: Readonly<Record<string, never>>; result: ServicesDto };
  stats: { params: Readonly<Record<string, never>>; result: StatsDto };
}
export type ViewerMethod = keyof ViewerMethods;

/**
 * Viewer -> host. `id` is the viewer's own (a positive safe integer, unique among its requests in
 * flight); the answer carries it back. Discriminated by `method`, so params are typed per method.
 */
export type ViewerRequest<M extends ViewerMethod = ViewerMethod> = {
  [K in M]: { readonly type: 'request'; readonly id: number; readonly method: K; readonly params: ViewerMethods[K]['params'] };
}[M];

/**
 * Host -> viewer, one per request. `error` is for people (bad params, "busy", the receiver is not
 * running); the viewer shows it and may ask again.
 */
export type ViewerResponse<M extends ViewerMethod = ViewerMethod> =
  | { readonly type: 'response'; readonly id: number; readonly result: ViewerMethods[M]['result'] }
  | { readonly type: 'response'; readonly id: number; readonly error: string };

/**
 * Viewer -> host, once its script runs (again after every reload of the page): from then on the
 * host sends live messages; anything the viewer shows it then asks for (snapshots on request).
 */
export interface ReadyMessage {
  readonly type: 'ready';
}

export type ViewerToHost = ViewerRequest | ReadyMessage;
/** DebugSessionsMessage: see the debugging section at the end of this file. */
export type HostToViewer = ViewerResponse | LiveMessage | DebugSessionsMessage;

/**
 * What the viewer keeps across a reload of VS Code: it stores it with the webview API's
 * `setState`, the panel serializer hands it back (validated) on restore, and `getState` returns it.
 * Plain JSON, small: the trace is refetched by id, never stored.
 */
export interface ViewerState {
  /** The trace open in the waterfall, if any. */
  readonly selectedTraceId?: string;
  /** The trace list's filters. */
  readonly filters?: TraceQueryDto;
  /**
   * The "this debug session" toggle of the list; absent means its default (on while a debug
   * session runs). Kept apart from `filters`: it follows whichever session is current, not an id.
   */
  readonly followDebugSession?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Code links and trace files (issue 8). These methods are answered by the host that shows the
// viewer, not by the trace store: in VS Code by the panel (it opens editors and dialogs); `meshlens
// serve` refuses them with an error, since a browser has its own ways (the vscode:// href of a code
// link, a download, an <input type=file> posted to POST /api/import).

/** A place in a source file as a span or a stack frame names it: any path, as the app saw it. */
export interface CodeLocationDto {
  /** As recorded: absolute, relative, a container path, or a file:// URL. 1 to 4096 characters. */
  readonly file: string;
  /** 1-based; clamped to the file when opened. */
  readonly line: number;
}

/** Stack frames asked about per `resolveCode` request, at most. */
export const MAX_RESOLVE_FILES = 256;

// Declaration merging: these join ViewerMethods (and so ViewerRequest and the viewer's channel)
// without touching the declaration above.
export interface ViewerMethods {
  /**
   * Open the file at the line in an editor (workspace file, relative path or a path from a
   * container matched by its trailing segments). `opened` false when nothing matched, or the
   * person declined to open a file outside the workspace; `message` then says why, for people.
   */
  openCode: { params: CodeLocationDto; result: { readonly opened: boolean; readonly message?: string } };
  /** Which of these files (as a span or frame names them) resolve to a file the host can open; the same order. */
  resolveCode: { params: { readonly files: readonly string[] }; result: { readonly resolved: readonly boolean[] } };
  /**
   * Ask the person for a trace file, import it, and give the ids of the traces it held (the
   * first is the one to show). Null when the dialog was cancelled.
   */
  openTraceFile: { params: Readonly<Record<string, never>>; result: TraceFileImportDto | null };
  /** Ask where to save, and write one trace as OTLP/JSON there. Null when the dialog was cancelled. */
  exportTrace: { params: { readonly traceId: string }; result: { readonly file: string; readonly spans: number } | null };
  /**
   * Answered when the host wants the viewer to show a trace (an Explorer "Open Trace File" while
   * the viewer is open or opening). One such request waits at a time: a new one answers the older
   * with null, so a reloaded page does not leave a request behind.
   */
  nextTraceToOpen: { params: Readonly<Record<string, never>>; result: { readonly traceId: string } | null };
}

// The bridge between manifests and the service map (issue 9), also the panel host's own.
export interface ViewerMethods {
  /**
   * The workspace manifests that configure each service (VirtualService, DestinationRule,
   * Rollout, ...), by service name as the graph names it; the map puts a badge on those services
   * and opens a manifest with `openCode`.
   */
  serviceManifests: { params: Readonly<Record<string, never>>; result: ServiceManifestsDto };
  /**
   * Answered when the host wants the map to show a service ("Reveal on Service Map" from a
   * manifest). One waits at a time, as nextTraceToOpen.
   */
  nextMapReveal: { params: Readonly<Record<string, never>>; result: { readonly service: string } | null };
}

export interface ManifestRefDto {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Absolute path of the file, and the 1-based line of the object's `kind:`. */
  readonly file: string;
  readonly line: number;
}

export interface ServiceManifestsDto {
  readonly services: Readonly<Record<string, readonly ManifestRefDto[]>>;
}

/** The methods above: the panel host answers them itself; a trace store never sees them. */
export const HOST_VIEWER_METHODS = ['openCode', 'resolveCode', 'openTraceFile', 'exportTrace', 'nextTraceToOpen', 'serviceManifests', 'nextMapReveal'] as const;
export type HostViewerMethod = (typeof HOST_VIEWER_METHODS)[number];

/** What an import of a trace file gave (VS Code's openTraceFile, and POST /api/import of `meshlens serve`). */
export interface TraceFileImportDto {
  readonly fileName: string;
  readonly format: string;
  readonly spans: number;
  readonly logs: number;
  /** Spans and logs left out for a missing or all-zero id, and why (the first). */
  readonly rejected: number;
  readonly rejectMessage: string;
  /** The traces the file held, in the order of the file (by first span). */
  readonly traceIds: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Debugging with traces (issue 11). The extension host tags the environment of a program it
// debugs with a resource attribute carrying a MeshLens debug-session id; the store groups traces
// by it, and the viewer follows the session.

/** The resource attribute whose value is the MeshLens debug-session id of the program that sent the span. */
export const DEBUG_SESSION_ATTRIBUTE = 'meshlens.debug.session';

export interface DebugSessionDto {
  /** The id MeshLens made when it resolved the launch configuration (the attribute's value). */
  readonly id: string;
  /** The launch configuration's (or the VS Code debug session's) name, for people. */
  readonly name: string;
  readonly running: boolean;
  readonly startedUnixMs: number;
  readonly endedUnixMs?: number;
}

/**
 * Host -> viewer, a LiveMessage-like push: the debug sessions the host knows, and the one the
 * "this debug session" filter follows (absent when none runs). Sent again on every change and
 * after every `ready`.
 */
export interface DebugSessionsMessage {
  readonly type: 'debugSessions';
  readonly sessions: readonly DebugSessionDto[];
  readonly current?: string;
}

export interface ViewerMethods {
  /**
   * Spans and traces held per debug session, for the ids asked (all the sessions the store
   * tracks when `ids` is absent). An id the store does not know is left out of `counts`.
   */
  debugSessionCounts: {
    params: { readonly ids?: readonly string[] };
    result: { readonly counts: readonly { readonly id: string; readonly spans: number; readonly traces: number }[] };
  };
  /**
   * The trace whose spans cover a paused code location: a span (of the session, when given) whose
   * code.* attributes name the file (path-suffix match) and whose time covers `atUnixMs`; else the
   * innermost span of the session covering that time; else neither id, and `reason` says why.
   * `file`: as the debugger names it (any separators, or a file:// URL); `line`: 1-based.
   */
  traceAt: {
    params: { readonly debugSession?: string; readonly file: string; readonly line: number; readonly atUnixMs: number };
    result: { readonly traceId?: string; readonly spanId?: string; readonly reason: string };
  };
}
