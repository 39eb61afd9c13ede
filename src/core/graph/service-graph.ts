// The service graph, derived from spans as they are ingested, as the OpenTelemetry Collector's
// servicegraph connector and Tempo's service-graphs processor derive theirs (the facts carry over,
// the code is ours). The rules:
//
// - A CLIENT or PRODUCER span is the caller's half of a request, kept under (traceId, spanId); a
//   SERVER or CONSUMER span is the callee's half, kept under (traceId, parentSpanId). When both
//   halves are there (in either order of arrival) they make one request on the edge from the
//   caller's service to the callee's: connection type `messaging` when either half is a
//   producer/consumer (as the collector does: a direct producer -> consumer service edge),
//   `request` otherwise. INTERNAL (and UNSPECIFIED) spans are ignored.
// - A client span with db.system(.name) is complete at once, as in the collector: databases are not
//   traced, so it is an edge to a `database` node named by db.namespace / db.name (else the system).
// - A root SERVER span (no parent) is complete at once: an edge from the `user` node. A root
//   CONSUMER span is an edge from its `messaging` node (messaging.system / destination), else from
//   `user`.
// - Halves wait at most `ttlMs` (default 10 s; the collector's 2 s suits a collector that sees
//   spans within a batch interval, a local receiver gets them from several SDKs' exporters with
//   their own 5 s batch delays) and `maxPending` of them at most (default 10,000; when full, the
//   oldest half is dropped and counted: it is the one least likely still to be paired).
// - An expired client half becomes an edge to a virtual node: a producer's to its `messaging`
//   node; else `external`, named by peer.service, else server.address (or url.full's host) and
//   port. A loopback address (localhost, 127.0.0.1, ::1) whose port is one a known service's SERVER
//   spans reported as server.port is that service instead (the most recent such service).
// - An expired server half (it had a parent, which never came: an uninstrumented or non-exporting
//   caller such as a gateway that only propagates the context) becomes an edge from `user` (a
//   consumer's: from its messaging node) rather than being dropped as the collector does: the
//   request happened and its server-side figures are real.
//
// Metrics, per edge series (source, target, their versions, connection type):
// - recorded when the request completes (paired, complete at once, or expired), by span start, in
//   per-second buckets for the last 15 minutes (the largest window) plus an all-time total; a
//   window is the whole seconds up to and including now's (1m: the 60 seconds whose start second
//   is > now's second - 60), so its edges are exact to the second;
// - client side from the caller's span, server side from the callee's; an error is status ERROR,
//   and on a SERVER span also http.response.status_code (or http.status_code) >= 500;
// - rate: requests / window seconds (`all`: / the seconds between the first and last start, at
//   least 1); percentiles: nearest rank on a log histogram, within 2.19% (histogram.ts);
// - memory: per series at most 900 seconds of twelve numbers each, and a count per (second, side,
//   histogram bin) in use (series.ts: in practice a few dozen bins per second); `maxEdges` series
//   (default 10,000; the least recently active is evicted and counted), `tracesPerEdge` trace ids
//   per series (default 200, a ring).
//
// Versions: the resource's service.version, else a `-v<digit>...` suffix of k8s.deployment.name
// (`reviews-v2` -> `v2`). Spans without either stay on their service node in the versioned graph.
// Span attributes the graph reads are span attributes only (GRAPH_ATTRIBUTE_KEYS, the names of
// src/core/trace/semconv.ts, old and new).
//
// Pure: no Node APIs; the clock is injected (wall clock by default).
import { attrNumber, HeadWithAttributes, SpanKind, StatusCode, type Attributes, type AttrValue, type Resource, type SpanHeadWithAttributes } from '../trace';
import { SEMCONV, semconvNames, type SemconvKey } from '../trace/semconv';
import {
  GRAPH_WINDOW_MS,
  type GraphConnectionType,
  type GraphDto,
  type GraphEdgeDto,
  type GraphMetricsDto,
  type GraphNodeDto,
  type GraphNodeKind,
  type GraphQueryDto,
  type GraphStatsDto,
  type GraphTracesDto,
  type GraphTracesQueryDto,
  type GraphWindow,
} from '../../shared/graph';
import { SideStats } from './histogram';
import { CALLER, ERROR, MESSAGING, WaitingHalves } from './waiting';
import { CLIENT_SIDE, EdgeSeries, SERVER_SIDE } from './series';

// Read once: through the module system's re-exports each use would be a getter call per span.
const { CLIENT, SERVER, PRODUCER, CONSUMER } = SpanKind;
const STATUS_ERROR = StatusCode.ERROR;
const toNumber = attrNumber;

/** What the graph reads of a span: its head and these attributes (Ingest.onSpanHeads keys). */
export type GraphSpan = SpanHeadWithAttributes;

const GRAPH_SEMCONV: readonly SemconvKey[] = ['dbSystem', 'dbNamespace', 'peerService', 'serverAddress', 'serverPort', 'httpUrl', 'httpStatusCode', 'messagingSystem', 'messagingDestination'];
/** The span attribute keys the graph reads: register them with Ingest.onSpanHeads. */
export const GRAPH_ATTRIBUTE_KEYS: readonly string[] = semconvNames(GRAPH_SEMCONV);
// The names of the conventions read per span, looked up once (SEMCONV[key] per span was a keyed load that showed in profiles).
const HTTP_STATUS_NAMES = SEMCONV.httpStatusCode;
const SERVER_PORT_NAMES = SEMCONV.serverPort;
const DB_SYSTEM_NAMES = SEMCONV.dbSystem;
const DB_NAMESPACE_NAMES = SEMCONV.dbNamespace;

export const DEFAULT_GRAPH_TTL_MS = 10_000;
export const DEFAULT_GRAPH_MAX_PENDING = 10_000;
export const DEFAULT_GRAPH_MAX_EDGES = 10_000;
export const DEFAULT_GRAPH_TRACES_PER_EDGE = 200;
export const DEFAULT_GRAPH_TRACES_LIMIT = 100;
export const MAX_GRAPH_TRACES_LIMIT = 1000;

export interface ServiceGraphOptions {
  readonly ttlMs?: number;
  readonly maxPending?: number;
  readonly maxEdges?: number;
  readonly tracesPerEdge?: number;
  /** Wall clock by default; tests inject one. */
  readonly clock?: () => number;
}

interface Endpoint {
  readonly kind: GraphNodeKind;
  readonly name: string;
  /** Service endpoints only. */
  readonly version?: string;
  readonly system?: string;
  /** The edges from here, by target and connection type: object keys, so no string is built per request. */
  out?: Map<Endpoint, Partial<Record<GraphConnectionType, Edge>>>;
}

/**
 * What resolving a half alone reads of its span, taken when it starts to wait: a head's attributes
 * are in its request's bytes, which are not kept, and a Map of them per waiting caller was garbage
 * the ingest paid for.
 */
interface Alone {
  /** A producer's or a consumer's messaging node, from messaging.system / destination. */
  readonly messaging?: Endpoint;
  /** A client's peer.service. */
  readonly peer?: string;
  /** A client's server address and port (else url.full's). */
  readonly host?: string;
  readonly port?: number;
}

const NOTHING: Alone = {};
/** Alone records remembered for reuse (aloneOf); when full they are forgotten, which costs only reuse. */
const MAX_ALONES = 1024;

class Edge {
  /** Requests by the second, and before (series.ts). */
  readonly series = new EdgeSeries();
  /** Recent (traceId, start) pairs, a ring. */
  readonly traceIds: string[] = [];
  readonly traceStarts: number[] = [];
  traceNext = 0;
  hasClient = false;
  hasServer = false;
  lastUpdateMs = 0;

  constructor(
    readonly source: Endpoint,
    readonly target: Endpoint,
    readonly type: GraphConnectionType,
  ) {}

  trace(traceId: string, startMs: number, capacity: number): void {
    if (this.traceIds.length < capacity) {
      this.traceIds.push(traceId);
      this.traceStarts.push(startMs);
      return;
    }
    this.traceIds[this.traceNext] = traceId;
    this.traceStarts[this.traceNext] = startMs;
    this.traceNext = (this.traceNext + 1) % capacity;
  }
}

/** The first second inside a window ending at `nowMs` (windows resolve to whole seconds), or undefined for `all`. */
export function windowFromSecond(window: GraphWindow, nowMs: number): number | undefined {
  const ms = GRAPH_WINDOW_MS[window];
  if (!Number.isFinite(ms)) return undefined;
  return Math.floor(nowMs / 1000) - ms / 1000 + 1;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export class ServiceGraph {
  readonly ttlMs: number;
  readonly maxPending: number;
  readonly maxEdges: number;
  readonly tracesPerEdge: number;
  private readonly clock: () => number;
  /** Halves waiting for their other half (waiting.ts), at most maxPending. */
  private readonly waiting = new WaitingHalves<Endpoint, Alone>();
  private readonly edges = new Set<Edge>();
  /** server.port of SERVER spans -> the service that answered on it last (the localhost rule). */
  private readonly ports = new Map<number, Endpoint>();
  /** A resource's service endpoint (name and version): resources are shared by the spans of a request. */
  private readonly byResource = new WeakMap<Resource, Endpoint>();
  private lastResource: Resource | undefined;
  private lastService: Endpoint | undefined;
  /** Waiting callers' Alone records by server.address as sent (aloneOf), at most MAX_ALONES. */
  private readonly alones = new Map<string, Alone>();
  /** Endpoints by kind, name, version and system, so equal endpoints are one object. */
  private endpoints = new Map<string, Endpoint>();
  private readonly user: Endpoint;
  /** Database endpoints by system and name: a db client span is common, and endpoint() builds a key string. */
  private databases = new Map<string, Map<string, Endpoint>>();
  private counts = { spans: 0, badSpans: 0, expired: 0, dropped: 0, evictedEdges: 0 };

  constructor(options: ServiceGraphOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_GRAPH_TTL_MS;
    this.maxPending = options.maxPending ?? DEFAULT_GRAPH_MAX_PENDING;
    this.maxEdges = options.maxEdges ?? DEFAULT_GRAPH_MAX_EDGES;
    this.tracesPerEdge = options.tracesPerEdge ?? DEFAULT_GRAPH_TRACES_PER_EDGE;
    this.clock = options.clock ?? Date.now;
    this.user = this.endpoint({ kind: 'user', name: 'user' });
  }

  /** Spans as they are ingested; never throws (a span it cannot read is counted as bad). */
  add(spans: readonly GraphSpan[], nowMs: number = this.clock()): void {
    this.expire(nowMs);
    for (let i = 0; i < spans.length; i++) {
      this.counts.spans++;
      try {
        this.addOne(spans[i], nowMs);
      } catch {
        this.counts.badSpans++;
      }
    }
  }

  /** Resolves the halves whose TTL is over (add and snapshot do it too). */
  expire(nowMs: number = this.clock()): void {
    const waiting = this.waiting;
    for (let slot = waiting.expired(nowMs); slot >= 0; slot = waiting.expired(nowMs)) {
      this.counts.expired++;
      this.resolveWaiting(slot, nowMs);
    }
  }

  stats(): GraphStatsDto {
    const c = this.counts;
    return { spans: c.spans, badSpans: c.badSpans, pendingEdges: this.waiting.size, expiredEdges: c.expired, droppedEdges: c.dropped, edgeSeries: this.edges.size, evictedEdgeSeries: c.evictedEdges };
  }

  private addOne(span: GraphSpan, nowMs: number): void {
    const kind = span.kind;
    if (kind !== CLIENT && kind !== SERVER && kind !== PRODUCER && kind !== CONSUMER) return;
    // Doubles, not a BigInt difference per span: a time near 2^60 ns is exact to 256 ns as a double,
    // far below what a latency in ms shows.
    const head = span instanceof HeadWithAttributes;
    const startNs = head ? span.startNs() : Number(span.startUnixNano);
    const startMs = startNs / 1e6;
    const d = ((head ? span.endNs() : Number(span.endUnixNano)) - startNs) / 1e6;
    const durationMs = d > 0 ? d : 0;
    const traceId = span.traceId;
    if (!Number.isFinite(startMs) || typeof traceId !== 'string') throw new Error('not a span');
    const caller = kind === CLIENT || kind === PRODUCER;
    const messaging = kind === PRODUCER || kind === CONSUMER;
    const service = this.serviceOf(span.resource);
    let error = span.status.code === STATUS_ERROR;
    let key: string;
    if (kind === SERVER) {
      const status = spanNumber(span, 'httpStatusCode', HTTP_STATUS_NAMES);
      if (status !== undefined && status >= 500) error = true;
      const port = spanNumber(span, 'serverPort', SERVER_PORT_NAMES);
      if (port !== undefined) this.ports.set(port, service);
    }
    if (caller) {
      const dbSystem = kind === CLIENT ? spanText(span, 'dbSystem', DB_SYSTEM_NAMES) : undefined;
      if (dbSystem !== undefined) {
        const edge = this.edge(service, this.database(dbSystem, spanText(span, 'dbNamespace', DB_NAMESPACE_NAMES) ?? dbSystem), 'database', nowMs);
        edge.hasClient = true;
        edge.series.record(CLIENT_SIDE, startMs, durationMs, error);
        edge.trace(traceId, startMs, this.tracesPerEdge);
        return;
      }
      key = span.spanId;
    } else {
      const parent = span.parentSpanId;
      if (parent === undefined) {
        this.calleeOnly(service, messaging ? this.aloneOf(span, false, true).messaging : undefined, traceId, startMs, durationMs, error, nowMs);
        return;
      }
      key = parent;
    }
    // The other half, if it waits (most spans find theirs or wait for it). The id as two words:
    // from a head's record, else parsed from its hex; an id that is not 16 hex digits (no decoder
    // gives one) waits under its text.
    let w0 = 0;
    let w1 = 0;
    let textKey: string | undefined;
    if (head) {
      w0 = span.idWord(!caller, 0);
      w1 = span.idWord(!caller, 1);
    } else if (parseId(key)) {
      w0 = parsed0;
      w1 = parsed1;
    } else textKey = traceId + key;
    const waiting = this.waiting;
    const other = textKey === undefined ? waiting.find(w0, w1, traceId) : waiting.findText(textKey);
    if (other >= 0) {
      const flags = waiting.flags[other];
      if (((flags & CALLER) === 0) === caller) {
        const otherEndpoint = waiting.endpoints[other]!;
        const otherStartMs = waiting.startMs[other];
        const otherDurationMs = waiting.durationMs[other];
        const otherError = (flags & ERROR) !== 0;
        waiting.remove(other);
        const edge = this.edge(caller ? service : otherEndpoint, caller ? otherEndpoint : service, messaging || (flags & MESSAGING) !== 0 ? 'messaging' : 'request', nowMs);
        edge.hasClient = edge.hasServer = true;
        if (caller) {
          edge.series.record(CLIENT_SIDE, startMs, durationMs, error);
          edge.series.record(SERVER_SIDE, otherStartMs, otherDurationMs, otherError);
          edge.trace(traceId, startMs, this.tracesPerEdge);
        } else {
          edge.series.record(CLIENT_SIDE, otherStartMs, otherDurationMs, otherError);
          edge.series.record(SERVER_SIDE, startMs, durationMs, error);
          edge.trace(traceId, otherStartMs, this.tracesPerEdge);
        }
        return;
      }
      // The same span twice (a resend): the earlier copy is resolved on its own, the later waits.
      this.counts.expired++;
      this.resolveWaiting(other, nowMs);
    }
    if (waiting.size >= this.maxPending) {
      this.expire(nowMs);
      if (waiting.size >= this.maxPending) {
        waiting.remove(waiting.oldest());
        this.counts.dropped++;
      }
    }
    const alone = caller || messaging ? this.aloneOf(span, caller, messaging) : NOTHING;
    waiting.add((caller ? CALLER : 0) | (messaging ? MESSAGING : 0) | (error ? ERROR : 0), w0, w1, textKey, traceId, startMs, durationMs, nowMs + this.ttlMs, service, alone);
  }

  private aloneOf(span: GraphSpan, caller: boolean, messaging: boolean): Alone {
    if (messaging) {
      const m = messagingEndpoint(span);
      // A producer without messaging attributes is resolved as a client is.
      if (m !== undefined || !caller) return m === undefined ? NOTHING : { messaging: m };
    }
    const peer = spanText(span, 'peerService');
    const serverAddress = spanText(span, 'serverAddress');
    const serverPort = spanPort(span);
    if (serverAddress === undefined || serverPort === undefined) return { peer, ...address(span, serverAddress, serverPort) };
    // Most callers call a few hosts: the record made for this address before, if it says the same.
    const known = this.alones.get(serverAddress);
    if (known !== undefined && known.peer === peer && known.port === serverPort) return known;
    const made: Alone = { peer, host: serverAddress.toLowerCase(), port: serverPort };
    if (this.alones.size >= MAX_ALONES) this.alones.clear();
    this.alones.set(serverAddress, made);
    return made;
  }

  /** Takes the half at `slot` out of waiting and resolves it alone: its other half is not coming. */
  private resolveWaiting(slot: number, nowMs: number): void {
    const w = this.waiting;
    const flags = w.flags[slot];
    const endpoint = w.endpoints[slot]!;
    const alone = w.alones[slot]!;
    const traceId = w.traceIds[slot]!;
    const startMs = w.startMs[slot];
    const durationMs = w.durationMs[slot];
    const error = (flags & ERROR) !== 0;
    w.remove(slot);
    if ((flags & CALLER) === 0) return this.calleeOnly(endpoint, alone.messaging, traceId, startMs, durationMs, error, nowMs);
    if (alone.messaging) return this.callerOnly(endpoint, this.endpoint(alone.messaging), 'messaging', traceId, startMs, durationMs, error, nowMs);
    const local = this.localService(alone);
    if (local) return this.callerOnly(endpoint, local, 'request', traceId, startMs, durationMs, error, nowMs);
    this.callerOnly(endpoint, this.endpoint(externalEndpoint(alone)), 'virtual', traceId, startMs, durationMs, error, nowMs);
  }

  private callerOnly(source: Endpoint, target: Endpoint, type: GraphConnectionType, traceId: string, startMs: number, durationMs: number, error: boolean, nowMs: number): void {
    const edge = this.edge(source, target, type, nowMs);
    edge.hasClient = true;
    edge.series.record(CLIENT_SIDE, startMs, durationMs, error);
    edge.trace(traceId, startMs, this.tracesPerEdge);
  }

  /** A root server span, or one whose caller never came: from its messaging node, if any, or the user. */
  private calleeOnly(target: Endpoint, messaging: Endpoint | undefined, traceId: string, startMs: number, durationMs: number, error: boolean, nowMs: number): void {
    const edge = this.edge(messaging ? this.endpoint(messaging) : this.user, target, messaging ? 'messaging' : 'virtual', nowMs);
    edge.hasServer = true;
    edge.series.record(SERVER_SIDE, startMs, durationMs, error);
    edge.trace(traceId, startMs, this.tracesPerEdge);
  }

  private localService({ host, port }: Alone): Endpoint | undefined {
    if (host === undefined || port === undefined || !LOOPBACK.has(host)) return undefined;
    return this.ports.get(port);
  }

  private database(system: string, name: string): Endpoint {
    let byName = this.databases.get(system);
    if (byName === undefined) this.databases.set(system, (byName = new Map()));
    let e = byName.get(name);
    if (e === undefined) byName.set(name, (e = this.endpoint({ kind: 'database', name, system })));
    return e;
  }

  /** The one endpoint object for these fields. */
  private endpoint(e: Endpoint): Endpoint {
    const key = endpointKey(e);
    let known = this.endpoints.get(key);
    if (known === undefined) {
      // Bounded with the edges: when names churn (many external hosts), forget the endpoints no
      // edge holds. A resource may still hold one; an equal new object is then made, and the
      // snapshot merges edges by id, so that costs nothing but a second series.
      if (this.endpoints.size >= 2 * this.maxEdges + 1024) this.compactEndpoints();
      known = e;
      this.endpoints.set(key, known);
    }
    return known;
  }

  private compactEndpoints(): void {
    const live = new Map<string, Endpoint>();
    for (const e of this.edges) {
      live.set(endpointKey(e.source), e.source);
      live.set(endpointKey(e.target), e.target);
    }
    live.set(endpointKey(this.user), this.user);
    this.endpoints = live;
    this.databases = new Map();
  }

  private serviceOf(resource: Resource): Endpoint {
    // A request's spans come in runs per resource: the last one answers most without a WeakMap lookup.
    if (resource === this.lastResource) return this.lastService!;
    let e = this.byResource.get(resource);
    if (e === undefined) {
      const version = versionOf(resource);
      e = this.endpoint(version === undefined ? { kind: 'service', name: resource.serviceName } : { kind: 'service', name: resource.serviceName, version });
      this.byResource.set(resource, e);
    }
    this.lastResource = resource;
    this.lastService = e;
    return e;
  }

  private edge(source: Endpoint, target: Endpoint, type: GraphConnectionType, nowMs: number): Edge {
    const out = (source.out ??= new Map());
    let byType = out.get(target);
    if (byType === undefined) out.set(target, (byType = {}));
    let edge = byType[type];
    if (edge === undefined) {
      if (this.edges.size >= this.maxEdges) this.evictEdge();
      edge = new Edge(source, target, type);
      byType[type] = edge;
      this.edges.add(edge);
    }
    edge.lastUpdateMs = nowMs;
    return edge;
  }

  private evictEdge(): void {
    let victim: Edge | undefined;
    for (const e of this.edges) if (victim === undefined || e.lastUpdateMs < victim.lastUpdateMs) victim = e;
    if (victim === undefined) return;
    this.edges.delete(victim);
    const byType = victim.source.out?.get(victim.target);
    if (byType) {
      delete byType[victim.type];
      if (Object.keys(byType).length === 0) victim.source.out!.delete(victim.target);
    }
    this.counts.evictedEdges++;
  }

  /** The graph for a window ending at `nowMs`; nodes and edges sorted by id. */
  snapshot(query: GraphQueryDto, nowMs: number = this.clock()): GraphDto {
    this.expire(nowMs);
    const versioned = query.versioned === true;
    const from = windowFromSecond(query.window, nowMs);
    const seconds = Number.isFinite(GRAPH_WINDOW_MS[query.window]) ? GRAPH_WINDOW_MS[query.window] / 1000 : undefined;
    const nodes = new Map<string, { kind: GraphNodeKind; name: string; parent?: string; system?: string; inbound: SideStats; outbound: SideStats }>();
    const edges = new Map<string, { source: string; target: string; type: GraphConnectionType; client: SideStats | null; server: SideStats | null }>();
    const node = (e: Endpoint) => {
      const ids = nodeIds(e, versioned);
      for (let i = 0; i < ids.length; i++) {
        if (nodes.has(ids[i])) continue;
        const version = i === 0 && ids.length === 2;
        nodes.set(ids[i], {
          kind: version ? 'version' : e.kind,
          name: version ? e.version! : e.name,
          ...(version && { parent: ids[1] }),
          ...(e.system !== undefined && { system: e.system }),
          inbound: new SideStats(),
          outbound: new SideStats(),
        });
      }
      return ids;
    };
    for (const e of this.edges) {
      const w = e.series.window(from);
      if (w.client.count === 0 && w.server.count === 0) continue;
      const src = node(e.source);
      const dst = node(e.target);
      const id = edgeId(src[0], dst[0], e);
      let out = edges.get(id);
      if (!out) edges.set(id, (out = { source: src[0], target: dst[0], type: e.type, client: null, server: null }));
      if (e.hasClient) (out.client ??= new SideStats()).merge(w.client);
      if (e.hasServer) (out.server ??= new SideStats()).merge(w.server);
      const inbound = e.hasServer ? w.server : w.client;
      const outbound = e.hasClient ? w.client : w.server;
      for (const n of dst) nodes.get(n)!.inbound.merge(inbound);
      for (const n of src) nodes.get(n)!.outbound.merge(outbound);
    }
    // Shares: an edge into a version, against all from the same source into that version's service.
    const shares = new Map<string, number>();
    if (versioned) {
      for (const e of edges.values()) {
        const t = nodes.get(e.target)!;
        const svc = t.kind === 'version' ? t.parent! : t.kind === 'service' ? e.target : undefined;
        if (svc === undefined) continue;
        const k = `${e.source}\u0001${svc}`;
        shares.set(k, (shares.get(k) ?? 0) + requestsOf(e));
      }
    }
    const edgeDtos: GraphEdgeDto[] = [];
    for (const [id, e] of edges) {
      const t = nodes.get(e.target)!;
      const total = t.kind === 'version' ? shares.get(`${e.source}\u0001${t.parent!}`) : undefined;
      edgeDtos.push({
        id,
        source: e.source,
        target: e.target,
        connectionType: e.type,
        client: e.client && metrics(e.client, seconds),
        server: e.server && metrics(e.server, seconds),
        ...(total !== undefined && total > 0 && { share: round(requestsOf(e) / total, 6) }),
      });
    }
    const nodeDtos: GraphNodeDto[] = [];
    for (const [id, n] of nodes) {
      nodeDtos.push({
        id,
        kind: n.kind,
        name: n.name,
        ...(n.parent !== undefined && { parent: n.parent }),
        ...(n.system !== undefined && { system: n.system }),
        inbound: metrics(n.inbound, seconds),
        outbound: metrics(n.outbound, seconds),
      });
    }
    nodeDtos.sort((a, b) => compare(a.id, b.id));
    edgeDtos.sort((a, b) => compare(a.id, b.id));
    return { window: query.window, nowUnixMs: nowMs, versioned, nodes: nodeDtos, edges: edgeDtos, stats: this.stats() };
  }

  /** Trace ids of requests through a node or an edge in the window, newest first (at most tracesPerEdge per stored edge series). */
  tracesThrough(query: GraphTracesQueryDto, nowMs: number = this.clock()): GraphTracesDto {
    this.expire(nowMs);
    const from = windowFromSecond(query.window, nowMs);
    const fromMs = from === undefined ? Number.NEGATIVE_INFINITY : from * 1000;
    const limit = Math.min(query.limit ?? DEFAULT_GRAPH_TRACES_LIMIT, MAX_GRAPH_TRACES_LIMIT);
    const found: { traceId: string; startMs: number }[] = [];
    for (const e of this.edges) {
      if (!matches(e, query)) continue;
      for (let i = 0; i < e.traceIds.length; i++) if (e.traceStarts[i] >= fromMs) found.push({ traceId: e.traceIds[i], startMs: e.traceStarts[i] });
    }
    found.sort((a, b) => b.startMs - a.startMs || compare(a.traceId, b.traceId));
    const seen = new Set<string>();
    const traceIds: string[] = [];
    for (const f of found) {
      if (traceIds.length >= limit) break;
      if (seen.has(f.traceId)) continue;
      seen.add(f.traceId);
      traceIds.push(f.traceId);
    }
    return { traceIds };
  }
}

// parseId's result (a pair per span would be garbage).
let parsed0 = 0;
let parsed1 = 0;

/** A 16-hex-digit span id (as every decoder gives them) into parsed0 and parsed1, as HeadWithAttributes.idWord has it; false for any other text. */
function parseId(id: string): boolean {
  if (id.length !== 16) return false;
  let a = 0;
  let b = 0;
  for (let i = 0; i < 8; i++) {
    const d = hexDigit(id.charCodeAt(i));
    const e = hexDigit(id.charCodeAt(i + 8));
    if (d < 0 || e < 0) return false;
    a = (a << 4) | d;
    b = (b << 4) | e;
  }
  parsed0 = a;
  parsed1 = b;
  return true;
}

/** A lowercase hex digit's value, else -1 (decoders give ids lowercased). */
function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
}

/**
 * service.version of the resource; else the version suffix of k8s.deployment.name
 * (`reviews-v2` -> `v2`: a `-v<digit>...` last segment), as Istio's samples name deployments.
 */
function versionOf(resource: Resource): string | undefined {
  const v = firstOf(resource.attributes, 'serviceVersion');
  if (typeof v === 'string' && v !== '') return v;
  const deployment = firstOf(resource.attributes, 'k8sDeployment');
  if (typeof deployment === 'string') {
    const m = /-(v\d[0-9a-z.]*)$/i.exec(deployment);
    if (m) return m[1];
  }
  return undefined;
}

function matches(e: Edge, q: GraphTracesQueryDto): boolean {
  for (const versioned of [false, true]) {
    const src = nodeIds(e.source, versioned);
    const dst = nodeIds(e.target, versioned);
    if (q.nodeId !== undefined && (src.includes(q.nodeId) || dst.includes(q.nodeId))) return true;
    if (q.edgeId !== undefined && edgeId(src[0], dst[0], e) === q.edgeId) return true;
  }
  return false;
}

/** A node's id, and for a version node its service's id after it. */
function nodeIds(e: Endpoint, versioned: boolean): string[] {
  switch (e.kind) {
    case 'service':
      return versioned && e.version !== undefined ? [`version:${e.name}@${e.version}`, `service:${e.name}`] : [`service:${e.name}`];
    case 'database':
      return [`database:${e.system ?? ''}/${e.name}`];
    case 'messaging':
      return [`messaging:${e.system ?? ''}/${e.name}`];
    case 'user':
      return ['user'];
    default:
      return [`${e.kind}:${e.name}`];
  }
}

function edgeId(source: string, target: string, e: Edge): string {
  // Two services may talk both ways (HTTP and a queue): the messaging edge is a separate one.
  return e.type === 'messaging' && e.source.kind === 'service' && e.target.kind === 'service' ? `${source}->${target}#messaging` : `${source}->${target}`;
}

function endpointKey(e: Endpoint): string {
  return `${e.kind}\u0000${e.name}\u0000${e.version ?? ''}\u0000${e.system ?? ''}`;
}

function requestsOf(e: { client: SideStats | null; server: SideStats | null }): number {
  return e.server?.count ?? e.client?.count ?? 0;
}

function metrics(s: SideStats, seconds: number | undefined): GraphMetricsDto {
  // `all`: over the time the requests span (at least a second, so one request is not infinite).
  const span = seconds ?? (s.count > 0 ? Math.max(1, (s.lastStartMs - s.firstStartMs) / 1000) : 1);
  const [p50, p95, p99] = s.percentiles([0.5, 0.95, 0.99]);
  return {
    requests: s.count,
    errors: s.errors,
    ratePerSec: round(s.count / span, 6),
    errorRate: s.count > 0 ? round(s.errors / s.count, 6) : 0,
    p50Ms: p50 === null ? null : round(p50, 3),
    p95Ms: p95 === null ? null : round(p95, 3),
    p99Ms: p99 === null ? null : round(p99, 3),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first of a convention's names in these attributes. The graph reads span attributes only
 * (not the resource, as semAttr also does): the conventions it reads are per request, and a
 * resource attribute such as server.port would make every span of a service look the same.
 */
function firstOf(attributes: Attributes, key: SemconvKey): AttrValue | undefined {
  for (const name of SEMCONV[key]) {
    const v = attributes.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** firstOf for a head: the slot of the first of `names` it has, or -1. */
function slotOf(head: HeadWithAttributes, names: readonly string[]): number {
  for (let i = 0; i < names.length; i++) {
    const slot = head.indexOf(names[i]);
    if (slot >= 0) return slot;
  }
  return -1;
}

/**
 * attrNumber(firstOf(...)) on a span: a head from the protobuf decode reads the number from the
 * request's bytes, without making the value. `names` is SEMCONV[key], looked up once by the callers.
 */
function spanNumber(span: GraphSpan, key: SemconvKey, names: readonly string[]): number | undefined {
  if (!(span instanceof HeadWithAttributes)) return toNumber(firstOf(span.attributes, key));
  const slot = slotOf(span, names);
  return slot < 0 ? undefined : span.numberAt(slot);
}

function spanText(span: GraphSpan, key: SemconvKey, names: readonly string[] = SEMCONV[key]): string | undefined {
  if (!(span instanceof HeadWithAttributes)) return asText(firstOf(span.attributes, key));
  const slot = slotOf(span, names);
  if (slot < 0) return undefined;
  // A string from the request's bytes is the one made for the same bytes before, if any: names
  // repeat from span to span, and a new string per span was garbage the ingest paid for.
  const s = span.stringAt(slot);
  return s === null ? asText(span.valueAt(slot)) : s !== '' ? s : undefined;
}

/** server.port as a port (a positive integer), else undefined. */
function spanPort(span: GraphSpan): number | undefined {
  const p = spanNumber(span, 'serverPort', SERVER_PORT_NAMES);
  return p !== undefined && Number.isInteger(p) && p > 0 ? p : undefined;
}

function asText(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
}

function messagingEndpoint(span: GraphSpan): Endpoint | undefined {
  const system = spanText(span, 'messagingSystem');
  const destination = spanText(span, 'messagingDestination');
  if (system === undefined && destination === undefined) return undefined;
  return { kind: 'messaging', name: destination ?? system!, ...(system !== undefined && { system }) };
}

/** server.address and server.port (as given: `host` is lowercased here), else url.full's host and port (the scheme's default port). */
function address(span: GraphSpan, serverAddress: string | undefined, serverPort: number | undefined): { host?: string; port?: number } {
  let host = serverAddress?.toLowerCase();
  let port = serverPort;
  if (host === undefined || port === undefined) {
    const url = spanText(span, 'httpUrl');
    if (url !== undefined) {
      try {
        const u = new URL(url);
        host ??= u.hostname.toLowerCase();
        port ??= u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : undefined;
      } catch {
        // Not a URL: the address stays unknown.
      }
    }
  }
  return { host, port };
}

function externalEndpoint({ peer, host, port }: Alone): Endpoint {
  if (peer !== undefined) return { kind: 'external', name: peer };
  if (host === undefined) return { kind: 'external', name: 'unknown' };
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { kind: 'external', name: port !== undefined ? `${h}:${port}` : h };
}
