// Configuration next to observed traffic: the workspace's VirtualServices, DestinationRules and
// Rollouts read against a versioned service graph (src/shared/graph.ts). Pure: objects and a graph
// in, CodeLens items and findings (ML5xxx, codes.ts) out.
//
// What matches what (codes.ts says the same to users):
// - A route destination `host` names a service: `reviews`, `reviews.prod` and
//   `reviews.prod.svc.cluster.local` all name `reviews` in `prod` (a short name is in the
//   VirtualService's namespace). The graph's service is the first of `reviews`, `reviews.prod`, the
//   FQDN and the host as written that the graph has as a `service` node (service.name).
// - A `subset` is looked up in the DestinationRules whose host names the same service; its labels
//   select the workloads (pod templates) of that namespace; each workload's `version` or
//   `app.kubernetes.io/version` pod label is a graph version (service.version); a workload without
//   one is matched by the `-v<digit>` suffix of its name, which is what the graph reads from
//   k8s.deployment.name. A subset whose labels carry the version but select no workload here
//   still matches by that label.
// - A subset an Argo Rollout manages (`trafficRouting.istio.destinationRule` names its DestinationRule
//   and the subset as `canarySubsetName` or `stableSubsetName`) cannot be told apart by labels in
//   git: Argo writes each ReplicaSet's `rollouts-pod-template-hash` into it at run time. The canary
//   subset is the pod template's version; the stable subset is every other version the graph has
//   for the service but those the DestinationRule's other subsets stand for (the stable pods run
//   the previous template, which is no longer in git).
// - A destination without subset takes every request into its service.
// - Observed requests into a destination: the requests of every edge into its version nodes (or,
//   without subset, into the service and all its versions), summed over callers; an edge counts
//   its server-side requests, else its client side (as the graph's shares do).
import { DESTINATION_RULE, VIRTUAL_SERVICE, WORKLOAD_GROUP_KINDS, buildWorkloads, selects, type Workload } from '../istio/mesh';
import { rulesOf, specOf } from '../istio/routes';
import { parseGoDuration } from '../istio/duration';
import { isRecord, type K8sObject } from '../k8s/object';
import { isSuppressed } from '../analysis/suppress';
import { fillTemplate, type Finding } from '../analysis/types';
import { locatePath } from '../yaml/locate';
import { formatPath, type FieldPath } from '../yaml/path';
import type { ParsedFile } from '../yaml/parse';
import type { Range } from '../yaml/positions';
import type { GraphDto, GraphEdgeDto, GraphMetricsDto, GraphWindow } from '../../shared/graph';
import { chiSquareGoodnessOfFit } from './stats';
import { connectionPoolBelowConcurrency, errorsVersusRetries, observedSplitDiffers, timeoutNearObservedP99, type CorrelationMeta } from './codes';

/** Requests a route needs before its split is tested (and its error rate judged). */
export const MIN_SPLIT_REQUESTS = 100;
/** The test's significance level: Pearson's chi-square goodness of fit, p below this. */
export const SPLIT_P_VALUE = 0.001;
/** And the largest difference between an observed and a configured share, in percentage points, at least this. */
export const SPLIT_MIN_POINTS = 5;
/** A timeout is reported when the observed p99 is above this fraction of it. */
export const TIMEOUT_P99_FRACTION = 0.8;
/** Requests a caller's edge needs before its p99 (or its concurrency) is trusted. */
export const MIN_LATENCY_REQUESTS = 20;
/** Error rate (as callers saw it) above which retries are discussed. */
export const ERROR_RATE_THRESHOLD = 0.01;
/** Concurrency (Little's law) at or above this fraction of a connection-pool limit is reported. */
export const POOL_FRACTION = 0.8;
/** A canary share within this many points of a step's setWeight matches that step. */
export const CANARY_STEP_POINTS = 5;

const ROLLOUT = 'argoproj.io/Rollout';
const VERSION_LABELS = ['version', 'app.kubernetes.io/version'];
const DOMAIN = '.svc.cluster.local';
/** Istio's retry policy when a route sets none. */
const ISTIO_DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** What correlate() reads of the workspace (WorkspaceIndex has both). */
export interface CorrelationWorkspace {
  objectsOfKind(groupKind: string): readonly K8sObject[];
  /** The parsed file an object lives in: positions, and the disable-next-line comments. */
  fileOf(uri: string): ParsedFile | undefined;
}

export interface BridgeLens {
  uri: string;
  /** The line the lens stands above: the route's `route:` key, or the Rollout's `steps:` key. */
  range: Range;
  title: string;
  tooltip: string;
  /** The graph's service name to reveal on the map (as written when the graph has not seen it). */
  service: string;
  /** `Kind ns/name` of the object. */
  object: string;
}

export interface CorrelationResult {
  lenses: BridgeLens[];
  findings: Finding[];
}

export function windowLabel(w: GraphWindow): string {
  return w === 'all' ? 'all time' : `${w.slice(0, -1)} m`;
}

// ---------------------------------------------------------------------------------------------
// Names

export interface HostService {
  /** The service's short name (the host's first label for cluster hosts). */
  name: string;
  namespace: string;
  /** Names the graph may know it by, most likely first. */
  candidates: string[];
}

/** `reviews`, `reviews.prod`, `reviews.prod.svc` and `reviews.prod.svc.cluster.local` name `reviews` in `prod`; any other host is itself. */
export function hostService(host: string, fromNamespace: string): HostService {
  let name = host;
  let namespace = fromNamespace;
  let cluster = true;
  const labels = host.split('.');
  if (labels.length === 1) name = host;
  else if (labels.length === 2 || (labels.length === 3 && labels[2] === 'svc') || (host.endsWith(DOMAIN) && labels.length === 5)) [name, namespace] = labels;
  else cluster = false;
  const candidates = cluster ? [name, `${name}.${namespace}`, `${name}.${namespace}${DOMAIN}`, host] : [host];
  return { name, namespace, candidates: [...new Set(candidates)] };
}

/** The version the graph gives a workload without a version label: its name's `-v<digit>...` suffix (k8s.deployment.name). */
function nameVersion(name: string | undefined): string | undefined {
  return name ? /-(v\d[\w.]*)$/.exec(name)?.[1] : undefined;
}

function workloadVersions(w: Workload): string[] {
  for (const k of VERSION_LABELS) if (w.labels[k]) return [w.labels[k]];
  const v = nameVersion(w.object.name);
  return v ? [v] : [];
}

// ---------------------------------------------------------------------------------------------
// The graph, indexed

interface NodeInfo {
  name: string;
  kind: string;
  parent?: string;
}

class GraphView {
  readonly nodes = new Map<string, NodeInfo>();
  /** Edges into each service, its versions included, by service name. */
  private readonly into = new Map<string, GraphEdgeDto[]>();

  constructor(readonly graph: GraphDto) {
    for (const n of graph.nodes) this.nodes.set(n.id, { name: n.name, kind: n.kind, parent: n.parent });
    for (const e of graph.edges) {
      const t = this.nodes.get(e.target);
      if (!t) continue;
      const svc = t.kind === 'version' ? this.nodes.get(t.parent ?? '') : t.kind === 'service' ? t : undefined;
      if (!svc) continue;
      const list = this.into.get(svc.name);
      if (list) list.push(e);
      else this.into.set(svc.name, [e]);
    }
  }

  /** The first candidate name the graph has a service node for. */
  service(candidates: readonly string[]): string | undefined {
    return candidates.find((c) => this.nodes.has(`service:${c}`));
  }

  /** Edges into a service: all of them, or only those into the given versions. */
  edgesInto(service: string, versions: readonly string[] | 'all'): GraphEdgeDto[] {
    const all = this.into.get(service) ?? [];
    if (versions === 'all') return all;
    const ids = new Set(versions.map((v) => `version:${service}@${v}`));
    return all.filter((e) => ids.has(e.target));
  }

  /** Version names seen for a service. */
  versionsOf(service: string): string[] {
    const parent = `service:${service}`;
    return [...this.nodes.values()].filter((n) => n.kind === 'version' && n.parent === parent).map((n) => n.name);
  }

  /** The callee of an edge as people name it: `reviews v2` for a version node. */
  calleeOf(e: GraphEdgeDto): string {
    const n = this.nodes.get(e.target);
    if (!n) return e.target;
    return n.kind === 'version' ? `${this.nodes.get(n.parent ?? '')?.name ?? ''} ${n.name}`.trim() : n.name;
  }

  /** The caller of an edge as people name it: the service (a version node's app), or the virtual node. */
  callerOf(e: GraphEdgeDto): string {
    const n = this.nodes.get(e.source);
    if (!n) return e.source;
    if (n.kind === 'version') return this.nodes.get(n.parent ?? '')?.name ?? n.name;
    return n.name;
  }
}

function requestsOf(e: GraphEdgeDto): number {
  return e.server?.requests ?? e.client?.requests ?? 0;
}

/** What the caller saw (client side), else the callee's side (an edge from `user`). */
function callerSide(e: GraphEdgeDto): GraphMetricsDto | null {
  return e.client ?? e.server;
}

// ---------------------------------------------------------------------------------------------
// Workspace

interface Dr {
  object: K8sObject;
  host: HostService;
  subsets: Array<{ name: string; index: number; labels: Record<string, string> }>;
}

class WorkspaceView {
  readonly drs: Dr[];
  readonly workloads: Workload[];

  constructor(readonly ws: CorrelationWorkspace) {
    this.drs = ws.objectsOfKind(DESTINATION_RULE).flatMap((o) => {
      const spec = specOf(o);
      if (typeof spec.host !== 'string' || !spec.host) return [];
      const subsets = Array.isArray(spec.subsets)
        ? spec.subsets.flatMap((s, index) => {
            if (!isRecord(s) || typeof s.name !== 'string') return [];
            const labels: Record<string, string> = {};
            if (isRecord(s.labels)) for (const [k, v] of Object.entries(s.labels)) if (v !== null && v !== undefined) labels[k] = String(v);
            return [{ name: s.name, index, labels }];
          })
        : [];
      return [{ object: o, host: hostService(spec.host, o.namespace), subsets }];
    });
    this.workloads = buildWorkloads((gk) => (WORKLOAD_GROUP_KINDS.includes(gk) ? ws.objectsOfKind(gk) : []));
  }

  drsFor(h: HostService): Dr[] {
    return this.drs.filter((d) => d.host.name === h.name && d.host.namespace === h.namespace);
  }

  /**
   * The Rollout role of a subset: canary or stable of a Rollout whose Istio traffic routing names
   * this host's DestinationRule, with the pod template's version (the canary's).
   */
  rolloutSubset(h: HostService, subset: string): { role: 'canary' | 'stable'; canaryVersion: string | undefined; others: string[] } | undefined {
    for (const dr of this.drsFor(h)) {
      for (const w of this.workloads) {
        if (w.object.kind !== 'Rollout' || w.object.group !== 'argoproj.io' || w.namespace !== dr.object.namespace) continue;
        const spec = specOf(w.object);
        const routing = isRecord(spec.strategy) && isRecord(spec.strategy.canary) && isRecord(spec.strategy.canary.trafficRouting) ? spec.strategy.canary.trafficRouting : undefined;
        const ref = routing && isRecord(routing.istio) && isRecord(routing.istio.destinationRule) ? routing.istio.destinationRule : undefined;
        if (!ref || ref.name !== dr.object.name) continue;
        const role = ref.canarySubsetName === subset ? 'canary' : ref.stableSubsetName === subset ? 'stable' : undefined;
        if (!role) continue;
        const managed = new Set([ref.canarySubsetName, ref.stableSubsetName]);
        const others = dr.subsets.filter((s) => !managed.has(s.name)).flatMap((s) => this.subsetVersions(h, s.name).versions ?? []);
        return { role, canaryVersion: workloadVersions(w)[0], others };
      }
    }
    return undefined;
  }

  /** The versions a subset stands for, or why there are none. */
  subsetVersions(h: HostService, subset: string): { versions: string[]; why?: undefined } | { versions?: undefined; why: string } {
    const found = this.drsFor(h).flatMap((d) => d.subsets.filter((s) => s.name === subset));
    if (found.length === 0) return { why: `subset ${subset}: no DestinationRule for ${h.name} defines it` };
    const versions = new Set<string>();
    for (const s of found) {
      const selected = this.workloads.filter((w) => w.namespace === h.namespace && w.object.kind !== 'Pod' && selects(s.labels, w.labels));
      for (const w of selected) for (const v of workloadVersions(w)) versions.add(v);
      if (selected.length === 0) for (const k of VERSION_LABELS) if (s.labels[k]) versions.add(s.labels[k]);
    }
    if (versions.size === 0) return { why: `subset ${subset}: no version label on its workloads` };
    return { versions: [...versions].sort() };
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)}%`;

function fmtMs(ms: number): string {
  if (ms < 10) return `${Number(ms.toFixed(2))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function fmtErrorRate(r: number): string {
  return `${Number((r * 100).toFixed(r < 0.1 ? 1 : 0))}%`;
}

// ---------------------------------------------------------------------------------------------
// The correlation

interface Destination {
  /** What people read: `v1`, or the host when there is no subset. */
  label: string;
  weight: number | undefined;
  host: HostService;
  /** The graph's service name, when the graph has seen it. */
  service?: string;
  /** Versions, `all` (no subset), or undefined with `why`. */
  versions?: string[] | 'all';
  why?: string;
  requests: number;
  edges: GraphEdgeDto[];
}

class Correlator {
  readonly lenses: BridgeLens[] = [];
  readonly findings: Finding[] = [];
  private readonly g: GraphView;
  private readonly w: WorkspaceView;
  private readonly window: string;

  constructor(
    private readonly ws: CorrelationWorkspace,
    graph: GraphDto,
  ) {
    this.g = new GraphView(graph);
    this.w = new WorkspaceView(ws);
    this.window = windowLabel(graph.window);
  }

  run(): void {
    for (const vs of this.ws.objectsOfKind(VIRTUAL_SERVICE)) {
      for (const { rule, index } of rulesOf(vs, 'http')) this.route(vs, rule, index);
    }
    for (const dr of this.w.drs) this.connectionPool(dr);
    for (const ro of this.ws.objectsOfKind(ROLLOUT)) this.canary(ro);
  }

  private range(o: K8sObject, path: FieldPath, target: 'key' | 'value'): Range | undefined {
    const file = this.ws.fileOf(o.uri);
    if (!file) return undefined;
    const at = locatePath(o.doc.node, path, target);
    return file.lines.rangeOf(at.start, at.end);
  }

  private report(meta: CorrelationMeta, o: K8sObject, path: FieldPath, target: 'key' | 'value', messageId: string, data: Record<string, string | number>, severity = meta.severity): void {
    const range = this.range(o, path, target);
    if (!range) return;
    const f: Finding = {
      ruleId: meta.id,
      code: meta.code,
      severity,
      message: fillTemplate(meta.messages[messageId], data),
      uri: o.uri,
      range,
      object: o.ref,
      path: formatPath(path),
      related: [],
      data: { ...data, messageId },
      fixes: [],
      upstream: [],
    };
    if (!isSuppressed(f, this.ws.fileOf(o.uri), o)) this.findings.push(f);
  }

  private destination(vs: K8sObject, raw: unknown): Destination | undefined {
    if (!isRecord(raw) || !isRecord(raw.destination) || typeof raw.destination.host !== 'string' || !raw.destination.host) return undefined;
    const d = raw.destination;
    const hostName = d.host as string;
    const host = hostService(hostName, vs.namespace);
    const subset = typeof d.subset === 'string' && d.subset ? d.subset : undefined;
    const weight = typeof raw.weight === 'number' ? raw.weight : undefined;
    const service = this.g.service(host.candidates);
    const out: Destination = { label: subset ?? hostName, weight, host, service, requests: 0, edges: [] };
    if (subset === undefined) out.versions = 'all';
    else {
      const r = this.subsetVersions(host, subset, service);
      if (r.versions) out.versions = r.versions;
      else out.why = r.why;
    }
    if (service !== undefined && out.versions !== undefined) {
      out.edges = this.g.edgesInto(service, out.versions);
      out.requests = out.edges.reduce((a, e) => a + requestsOf(e), 0);
    }
    return out;
  }

  private route(vs: K8sObject, rule: Record<string, unknown>, index: number): void {
    if (!Array.isArray(rule.route)) return;
    const dests = rule.route.flatMap((r) => this.destination(vs, r) ?? []);
    if (dests.length === 0) return;
    const routePath: FieldPath = ['spec', 'http', index, 'route'];
    const weighted = dests.length > 1 || dests.some((d) => d.weight !== undefined);
    if (weighted) this.split(vs, routePath, dests);
    const edges = dests.flatMap((d) => d.edges);
    const service = dests.find((d) => d.service)?.service ?? dests[0].host.name;
    if (typeof rule.timeout === 'string') this.timeout(vs, index, rule.timeout, edges);
    this.retries(vs, rule, index, edges, service);
  }

  private split(vs: K8sObject, path: FieldPath, dests: Destination[]): void {
    const range = this.range(vs, path, 'key');
    if (!range) return;
    const matched = dests.filter((d) => d.versions !== undefined && d.service !== undefined);
    const total = matched.reduce((a, d) => a + d.requests, 0);
    const service = dests.find((d) => d.service)?.service ?? dests[0].host.name;
    const notes: string[] = [];
    for (const d of dests) {
      if (d.why) notes.push(d.why);
      else if (d.service === undefined) notes.push(`${d.host.name}: no traffic seen`);
      else if (d.requests === 0 && total > 0) notes.push(d.versions === 'all' ? `${d.label}: no traffic seen` : `subset ${d.label}: no traffic seen`);
    }
    const configured = configuredShares(dests);
    let title: string;
    if (total === 0) title = `no traffic seen to ${dests.map((d) => d.host.name).filter((v, i, a) => a.indexOf(v) === i).join(', ')} · ${this.window}`;
    else title = `observed ${dests.map((d) => (d.versions !== undefined && d.service !== undefined ? pct(d.requests / total) : '?')).join(' / ')} · ${fmtInt(total)} req · ${this.window}`;
    // Without any traffic the title already says so; only the reasons a subset cannot be matched are added.
    for (const n of notes) if (total > 0 || !n.endsWith('no traffic seen')) title += ` · ${n}`;
    const tooltip = [
      `Requests the local traces show into each destination over ${this.window} (all callers), next to the route weights.`,
      ...dests.map((d) => `${d.label}: ${d.versions === undefined ? d.why : `${fmtInt(d.requests)} req${d.versions === 'all' ? '' : ` (versions ${d.versions.join(', ')})`}`}${d.weight !== undefined ? `, weight ${d.weight}` : ''}`),
      'Click to show the service on the map.',
    ].join('\n');
    this.lenses.push({ uri: vs.uri, range, title, tooltip, service, object: vs.ref });

    // The test: every destination matched, weights given, enough requests.
    if (configured === undefined || matched.length !== dests.length || total < MIN_SPLIT_REQUESTS) return;
    const observed = dests.map((d) => d.requests);
    const t = chiSquareGoodnessOfFit(observed, configured);
    const points = Math.max(...dests.map((d, i) => Math.abs(d.requests / total - configured[i] / 100) * 100));
    const impossible = t.p === 0 && !Number.isFinite(t.chi2);
    if (!(t.p < SPLIT_P_VALUE) || (points < SPLIT_MIN_POINTS && !impossible)) return;
    this.report(observedSplitDiffers, vs, path, 'key', 'differs', {
      observed: observed.map((o) => pct(o / total)).join(' / '),
      configured: configured.map((c) => `${Number(c.toFixed(1))}%`).join(' / '),
      requests: fmtInt(total),
      service,
      window: this.window,
      chi2: Number.isFinite(t.chi2) ? t.chi2.toFixed(1) : '∞ (requests into a destination of weight 0)',
      df: t.df,
      p: `< ${SPLIT_P_VALUE} (p ${t.p < 1e-12 ? '< 1e-12' : `≈ ${t.p.toPrecision(2)}`})`,
    });
  }

  private timeout(vs: K8sObject, index: number, text: string, edges: GraphEdgeDto[]): void {
    const d = parseGoDuration(text);
    if (!d.ok || d.nanos <= 0n) return;
    const timeoutMs = Number(d.nanos) / 1e6;
    let worst: { p99: number; e: GraphEdgeDto; m: GraphMetricsDto } | undefined;
    for (const e of edges) {
      const m = callerSide(e);
      if (!m || m.requests < MIN_LATENCY_REQUESTS || m.p99Ms === null) continue;
      if (!worst || m.p99Ms > worst.p99) worst = { p99: m.p99Ms, e, m };
    }
    if (!worst || worst.p99 <= TIMEOUT_P99_FRACTION * timeoutMs) return;
    this.report(timeoutNearObservedP99, vs, ['spec', 'http', index, 'timeout'], 'value', 'nearTimeout', {
      p99: fmtMs(worst.p99),
      service: this.g.calleeOf(worst.e),
      window: this.window,
      requests: fmtInt(worst.m.requests),
      caller: this.g.callerOf(worst.e),
      percent: Math.round((worst.p99 / timeoutMs) * 100),
      timeout: text,
    });
  }

  private retries(vs: K8sObject, rule: Record<string, unknown>, index: number, edges: GraphEdgeDto[], service: string): void {
    let requests = 0;
    let errors = 0;
    for (const e of edges) {
      const m = callerSide(e);
      if (!m) continue;
      requests += m.requests;
      errors += m.errors;
    }
    if (requests < MIN_SPLIT_REQUESTS || errors / requests <= ERROR_RATE_THRESHOLD) return;
    const r = isRecord(rule.retries) ? rule.retries : undefined;
    // Istio: a retries block without attempts retries twice; attempts 0 turns retries off.
    const attempts = r ? (typeof r.attempts === 'number' ? r.attempts : 2) : 0;
    const data = { service, window: this.window, errors: fmtInt(errors), requests: fmtInt(requests), errorRate: fmtErrorRate(errors / requests) };
    if (r && attempts > 0) {
      const retryOn = typeof r.retryOn === 'string' && r.retryOn ? r.retryOn : ISTIO_DEFAULT_RETRY_ON;
      this.report(errorsVersusRetries, vs, ['spec', 'http', index, 'retries'], 'key', 'retriesNotEnough', { ...data, attempts, retryOn });
    } else {
      this.report(errorsVersusRetries, vs, r ? ['spec', 'http', index, 'retries'] : ['spec', 'http', index, 'route'], 'key', 'noRetries', data, 'info');
    }
  }

  /** The versions a subset stands for (a Rollout's canary and stable subsets by their role), or why there are none. */
  private subsetVersions(host: HostService, subset: string, service: string | undefined): { versions: string[]; why?: undefined } | { versions?: undefined; why: string } {
    const managed = this.w.rolloutSubset(host, subset);
    if (!managed) return this.w.subsetVersions(host, subset);
    const { role, canaryVersion, others } = managed;
    if (canaryVersion === undefined) return { why: `subset ${subset}: the Rollout's pod template has no version label to tell canary from stable` };
    if (role === 'canary') return { versions: [canaryVersion] };
    return { versions: service === undefined ? [] : this.g.versionsOf(service).filter((v) => v !== canaryVersion && !others.includes(v)).sort() };
  }

  private connectionPool(dr: Dr): void {
    const service = this.g.service(dr.host.candidates);
    if (service === undefined) return;
    const pools: Array<{ path: FieldPath; pool: Record<string, unknown>; versions: string[] | 'all'; label: string }> = [];
    const spec = specOf(dr.object);
    const top = isRecord(spec.trafficPolicy) && isRecord(spec.trafficPolicy.connectionPool) ? spec.trafficPolicy.connectionPool : undefined;
    if (top) pools.push({ path: ['spec', 'trafficPolicy', 'connectionPool'], pool: top, versions: 'all', label: service });
    for (const s of dr.subsets) {
      const raw = (spec.subsets as unknown[])[s.index];
      const tp = isRecord(raw) && isRecord(raw.trafficPolicy) && isRecord(raw.trafficPolicy.connectionPool) ? raw.trafficPolicy.connectionPool : undefined;
      if (!tp) continue;
      const r = this.subsetVersions(dr.host, s.name, service);
      if (r.versions) pools.push({ path: ['spec', 'subsets', s.index, 'trafficPolicy', 'connectionPool'], pool: tp, versions: r.versions, label: `${service} subset ${s.name}` });
    }
    for (const p of pools) {
      // Concurrency per caller service (the limits are per client proxy; a service's edges from its versions add up).
      const callers = new Map<string, { rate: number; requests: number; p50Weighted: number }>();
      for (const e of this.g.edgesInto(service, p.versions)) {
        const m = callerSide(e);
        if (!m || m.p50Ms === null || m.requests === 0) continue;
        const c = this.g.callerOf(e);
        const acc = callers.get(c) ?? { rate: 0, requests: 0, p50Weighted: 0 };
        acc.rate += m.ratePerSec;
        acc.requests += m.requests;
        acc.p50Weighted += m.p50Ms * m.requests;
        callers.set(c, acc);
      }
      let worst: { caller: string; concurrency: number; rate: number; p50: number } | undefined;
      for (const [caller, a] of callers) {
        if (a.requests < MIN_LATENCY_REQUESTS) continue;
        const p50 = a.p50Weighted / a.requests;
        const concurrency = a.rate * (p50 / 1000);
        if (!worst || concurrency > worst.concurrency) worst = { caller, concurrency, rate: a.rate, p50 };
      }
      if (!worst) continue;
      const http = isRecord(p.pool.http) ? p.pool.http : {};
      const tcp = isRecord(p.pool.tcp) ? p.pool.tcp : {};
      const limits: Array<{ name: string; capacity: number; path: FieldPath; limitText: string }> = [];
      if (typeof http.http2MaxRequests === 'number' && http.http2MaxRequests > 0) limits.push({ name: 'http.http2MaxRequests', capacity: http.http2MaxRequests, path: [...p.path, 'http', 'http2MaxRequests'], limitText: String(http.http2MaxRequests) });
      if (typeof tcp.maxConnections === 'number' && tcp.maxConnections > 0) {
        const pending = typeof http.http1MaxPendingRequests === 'number' && http.http1MaxPendingRequests > 0 ? http.http1MaxPendingRequests : 0;
        limits.push({
          name: pending ? 'tcp.maxConnections + http.http1MaxPendingRequests' : 'tcp.maxConnections',
          capacity: tcp.maxConnections + pending,
          path: [...p.path, 'tcp', 'maxConnections'],
          limitText: pending ? `${tcp.maxConnections} + ${pending}` : String(tcp.maxConnections),
        });
      }
      for (const l of limits) {
        if (worst.concurrency < POOL_FRACTION * l.capacity) continue;
        this.report(connectionPoolBelowConcurrency, dr.object, l.path, 'value', 'nearLimit', {
          caller: worst.caller,
          concurrency: Number(worst.concurrency.toFixed(1)),
          service: p.label,
          window: this.window,
          rate: Number(worst.rate.toFixed(2)),
          p50: fmtMs(worst.p50),
          percent: Math.round((worst.concurrency / l.capacity) * 100),
          limitName: l.name,
          limit: l.limitText,
        });
      }
    }
  }

  private canary(ro: K8sObject): void {
    const spec = isRecord(ro.body.spec) ? ro.body.spec : {};
    const strategy = isRecord(spec.strategy) ? spec.strategy : {};
    const canary = isRecord(strategy.canary) ? strategy.canary : undefined;
    if (!canary || !Array.isArray(canary.steps)) return;
    const range = this.range(ro, ['spec', 'strategy', 'canary', 'steps'], 'key');
    if (!range) return;
    const steps = canary.steps.flatMap((s, i) => (isRecord(s) && typeof s.setWeight === 'number' ? [{ step: i + 1, weight: s.setWeight }] : []));
    const workload = this.w.workloads.find((w) => w.object === ro);
    const labels = workload?.labels ?? {};
    const names = [labels['app.kubernetes.io/name'], labels.app, typeof canary.stableService === 'string' ? canary.stableService : undefined, ro.name].filter((n): n is string => !!n);
    const candidates = [...new Set(names.flatMap((n) => hostService(n, ro.namespace).candidates))];
    const service = this.g.service(candidates);
    const shown = service ?? names[0] ?? ro.name ?? '';
    const version = workload ? workloadVersions(workload)[0] : undefined;
    const push = (title: string, tooltip: string): void => {
      this.lenses.push({ uri: ro.uri, range, title, tooltip, service: shown, object: ro.ref });
    };
    const stepsText = steps.length ? `setWeight steps ${steps.map((s) => s.weight).join(', ')}` : 'no setWeight steps';
    if (service === undefined) return push(`no traffic seen to ${shown} · ${this.window}`, `The traces show no service named ${candidates.join(' or ')}.`);
    if (version === undefined) return push(`canary version unknown: no version label on the pod template · ${stepsText}`, 'Label the pod template with `version` (and report it as service.version) to tell canary from stable requests.');
    const edges = this.g.edgesInto(service, 'all');
    const total = edges.reduce((a, e) => a + requestsOf(e), 0);
    if (total === 0) return push(`no traffic seen to ${service} · ${this.window}`, `No request into ${service} over ${this.window}.`);
    const canaryRequests = this.g.edgesInto(service, [version]).reduce((a, e) => a + requestsOf(e), 0);
    const share = (canaryRequests / total) * 100;
    const closest = steps.reduce<{ step: number; weight: number } | undefined>((best, s) => (!best || Math.abs(s.weight - share) < Math.abs(best.weight - share) ? s : best), undefined);
    const match = closest && Math.abs(closest.weight - share) <= CANARY_STEP_POINTS ? `step ${closest.step} setWeight ${closest.weight}` : `no step near it (${stepsText})`;
    const others = this.g.versionsOf(service).filter((v) => v !== version);
    push(
      `observed canary ${Math.round(share)}% · ${match} · ${fmtInt(total)} req · ${this.window}`,
      [
        `Requests into ${service} over ${this.window}: ${fmtInt(canaryRequests)} into the canary version ${version} (the pod template's), ${fmtInt(total - canaryRequests)} into ${others.length ? `the others (${others.join(', ')})` : 'the stable pods'}.`,
        `A step matches when its setWeight is within ${CANARY_STEP_POINTS} points of the observed share.`,
        'Click to show the service on the map.',
      ].join('\n'),
    );
  }
}

/** Shares in percent, in route order; undefined when no destination has a weight (nothing stated to test against). */
function configuredShares(dests: readonly Destination[]): number[] | undefined {
  if (dests.length === 1) return [100];
  if (!dests.some((d) => d.weight !== undefined)) return undefined;
  const w = dests.map((d) => Math.max(0, d.weight ?? 0));
  const sum = w.reduce((a, b) => a + b, 0);
  return sum > 0 ? w.map((x) => (x / sum) * 100) : undefined;
}

/** Lenses and findings (suppressions applied), in workspace object order. */
export function correlate(ws: CorrelationWorkspace, graph: GraphDto): CorrelationResult {
  const c = new Correlator(ws, graph);
  c.run();
  return { lenses: c.lenses, findings: c.findings };
}
