// The service graph as the viewer's map and the editor's bridge read it: plain JSON, derived from
// spans by src/core/graph (as the OpenTelemetry Collector's servicegraph connector and Tempo derive
// theirs) and answered by the trace source (the extension's trace worker, `meshlens serve`) for the
// `graph` and `graphTraces` viewer methods (added to ViewerMethods below). Types and constants only.
// The header of src/core/graph/service-graph.ts states how spans become nodes and edges.
//
// Nodes:
// - `service`: a resource's service.name; with `versioned`, each version it ran as is a `version`
//   node inside it (`app` names the service, as Kiali draws versions inside their app box).
// - `database`: a client span with db.system(.name) and no server span answering it; named by
//   db.namespace / db.name, else db.system.
// - `messaging`: the system or destination between a PRODUCER and its CONSUMERs.
// - `external`: a client span with no server span and no database: named by peer.service, else
//   server.address (a localhost address that matches a known service is that service instead).
// - `user`: the caller of root SERVER spans (requests that came from outside the traced apps), and
//   of server spans whose caller's span never came within the pending TTL.
//
// Node ids: `service:<name>`, `version:<service>@<version>`, `database:<system>/<name>`,
// `messaging:<system>/<destination>`, `external:<name>`, and `user`.
//
// Times: metrics are for the requests that started within the window before `nowUnixMs`
// (`all`: everything the graph still holds). Latencies are in ms, from the client side (what the
// caller waited) and the server side (what the callee spent); null when there is no request.

export type GraphWindow = '1m' | '5m' | '15m' | 'all';
export const GRAPH_WINDOWS: readonly GraphWindow[] = ['1m', '5m', '15m', 'all'];
export const GRAPH_WINDOW_MS: Readonly<Record<GraphWindow, number>> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, all: Number.POSITIVE_INFINITY };

export type GraphNodeKind = 'service' | 'version' | 'database' | 'messaging' | 'external' | 'user';

/** How a pair of nodes talk (the collector's `connection_type`, plus `request` for the ordinary case). */
export type GraphConnectionType = 'request' | 'messaging' | 'database' | 'virtual';

export interface GraphMetricsDto {
  readonly requests: number;
  readonly errors: number;
  /** Requests per second over the window (for `all`: over the time the requests span). */
  readonly ratePerSec: number;
  /** errors / requests; 0 when there is no request. */
  readonly errorRate: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

export interface GraphNodeDto {
  /** Stable across snapshots (the map keeps its layout by it): e.g. `service:reviews`, `version:reviews@v2`, `database:postgresql/orders`. */
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** What people read: the service, database, topic or host name; for a version node, the version. */
  readonly name: string;
  /** For `version` nodes: the id of their service node. */
  readonly parent?: string;
  /** db.system(.name) or messaging.system, when known. */
  readonly system?: string;
  /** Requests this node served (server and consumer spans), for the window. */
  readonly inbound: GraphMetricsDto;
  /** Requests this node made (client and producer spans). */
  readonly outbound: GraphMetricsDto;
}

export interface GraphEdgeDto {
  /**
   * `<source id>-><target id>`; a messaging edge between two services is
   * `<source id>-><target id>#messaging` (the same two may also talk by request).
   */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly connectionType: GraphConnectionType;
  /** As the caller saw it (client/producer spans); null when no caller span is known (from `user`, or from a messaging node). */
  readonly client: GraphMetricsDto | null;
  /** As the callee saw it (server/consumer spans); null for databases, external and messaging nodes (and a localhost call matched to a service by port). */
  readonly server: GraphMetricsDto | null;
  /**
   * With `versioned`, for an edge into a version node: its share (0..1) of the requests from the
   * same source into that version's service over the window.
   */
  readonly share?: number;
}

/** What the graph keeps and drops: bounded pending edges, as the collector's store. */
export interface GraphStatsDto {
  readonly spans: number;
  /** Spans the graph could not read (counted, never thrown). */
  readonly badSpans: number;
  /** Client or server halves waiting for their other half. */
  readonly pendingEdges: number;
  /** Halves whose other half never came within the TTL (then drawn to an external/user node, or dropped). */
  readonly expiredEdges: number;
  /** Halves dropped because the pending store was full. */
  readonly droppedEdges: number;
  /** Edge series held (an edge per pair of endpoints, versions and connection type); bounded. */
  readonly edgeSeries: number;
  /** Least recently active edge series evicted because the bound was reached. */
  readonly evictedEdgeSeries: number;
}

export interface GraphDto {
  readonly window: GraphWindow;
  readonly nowUnixMs: number;
  readonly versioned: boolean;
  readonly nodes: readonly GraphNodeDto[];
  readonly edges: readonly GraphEdgeDto[];
  readonly stats: GraphStatsDto;
}

export interface GraphQueryDto {
  readonly window: GraphWindow;
  /** Version nodes inside their service (Kiali's versioned app graph); default false. */
  readonly versioned?: boolean;
}

/** Which traces went through a node or an edge in the window, newest first. */
export interface GraphTracesQueryDto {
  readonly window: GraphWindow;
  /** Exactly one of nodeId and edgeId. */
  readonly nodeId?: string;
  readonly edgeId?: string;
  /** Default 100, at most 1,000. */
  readonly limit?: number;
}

export interface GraphTracesDto {
  readonly traceIds: readonly string[];
}

/**
 * Edge colour by health, as Kiali's defaults: error rate at or above `failure` is red, at or
 * above `degraded` orange, else green (no traffic: grey). Configurable (`meshlens.graph.*`).
 */
export interface GraphHealthThresholds {
  readonly degraded: number;
  readonly failure: number;
}
export const DEFAULT_HEALTH_THRESHOLDS: GraphHealthThresholds = { degraded: 0.001, failure: 0.2 };

// The two viewer methods, added to the protocol's table where they are defined.
declare module './protocol' {
  interface ViewerMethods {
    /** The service graph for a window (see GraphDto). */
    graph: { params: GraphQueryDto; result: GraphDto };
    /** Trace ids through a node or an edge, newest first. */
    graphTraces: { params: GraphTracesQueryDto; result: GraphTracesDto };
  }
}
