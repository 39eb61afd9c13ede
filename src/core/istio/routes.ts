/**
 * A VirtualService read the way the VirtualService analyzers need it: its destinations (routes and
 * mirrors of http, tcp and tls rules, each with the path where it is written), its gateways and its
 * exportTo. Plain reads of `body`; no workspace access.
 */
import type { WorkspaceView } from '../analysis/types';
import { closest } from '../schema/suggest';
import { isRecord, K8sObject, objectKey } from '../k8s/object';
import type { FieldPath } from '../yaml/path';
import { buildRegistry, DESTINATION_RULE, DOMAIN_SUFFIX, GATEWAY, GatewayRef, hostCovers, hostsIntersect, registry, REGISTRY_KINDS, RegistryEntry, resolveGatewayRef, toFqdn } from './mesh';

/** Appends to a list in a map of lists (a spread per insert would make large groups quadratic). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export type RouteProtocol = 'http' | 'tcp' | 'tls';
export const ROUTE_PROTOCOLS: readonly RouteProtocol[] = ['http', 'tcp', 'tls'];

export interface VsDestination {
  protocol: RouteProtocol;
  /** Index of the rule in `spec.<protocol>`. */
  rule: number;
  /** Index in the rule's `route` list (or `mirrors` list); undefined for `mirror`. */
  index?: number;
  /** `route`, `mirror` (http only) or `mirrors` (http only). */
  via: 'route' | 'mirror' | 'mirrors';
  /** Path of the `destination` mapping (for `mirror`, the mirror itself). */
  path: FieldPath;
  host?: string;
  subset?: string;
  /** `port.number`, when given. */
  port?: number;
  hasPort: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function specOf(o: K8sObject): Record<string, unknown> {
  return isRecord(o.body.spec) ? o.body.spec : {};
}

/** The rules of one protocol, with their index; non-mapping items are skipped. */
export function rulesOf(o: K8sObject, protocol: RouteProtocol): Array<{ rule: Record<string, unknown>; index: number }> {
  const list = specOf(o)[protocol];
  if (!Array.isArray(list)) return [];
  return list.flatMap((rule, index) => (isRecord(rule) ? [{ rule, index }] : []));
}

function destination(raw: unknown, base: Omit<VsDestination, 'host' | 'subset' | 'port' | 'hasPort'>): VsDestination | undefined {
  if (!isRecord(raw)) return undefined;
  const port = isRecord(raw.port) ? raw.port.number : undefined;
  return { ...base, host: str(raw.host), subset: str(raw.subset), port: typeof port === 'number' ? port : undefined, hasPort: isRecord(raw.port) };
}

/**
 * Per-object results, kept as long as the object: an object's body never changes (an edit makes a
 * new K8sObject), and index rebuilds and every rule read the same VirtualServices again.
 */
function memo<T>(fn: (o: K8sObject) => T): (o: K8sObject) => T {
  const cache = new WeakMap<K8sObject, T>();
  return (o) => {
    let v = cache.get(o);
    if (v === undefined && !cache.has(o)) cache.set(o, (v = fn(o)));
    return v as T;
  };
}

/** Every route destination and mirror, in the order upstream reads them (tcp, tls, http, then mirrors). Shared: do not mutate. */
export const destinationsOf = memo(computeDestinations);

function computeDestinations(o: K8sObject): VsDestination[] {
  const out: VsDestination[] = [];
  for (const protocol of ['tcp', 'tls', 'http'] as const) {
    for (const { rule, index } of rulesOf(o, protocol)) {
      if (!Array.isArray(rule.route)) continue;
      rule.route.forEach((rd, j) => {
        if (!isRecord(rd)) return;
        const d = destination(rd.destination, { protocol, rule: index, index: j, via: 'route', path: ['spec', protocol, index, 'route', j, 'destination'] });
        if (d) out.push(d);
      });
    }
  }
  for (const { rule, index } of rulesOf(o, 'http')) {
    const m = destination(rule.mirror, { protocol: 'http', rule: index, via: 'mirror', path: ['spec', 'http', index, 'mirror'] });
    if (m) out.push(m);
    if (Array.isArray(rule.mirrors)) {
      rule.mirrors.forEach((md, j) => {
        if (!isRecord(md)) return;
        const d = destination(md.destination, { protocol: 'http', rule: index, index: j, via: 'mirrors', path: ['spec', 'http', index, 'mirrors', j, 'destination'] });
        if (d) out.push(d);
      });
    }
  }
  return out;
}

/** `spec.gateways` entries with their index; an empty list means the mesh (sidecars). Shared: do not mutate. */
export const gatewaysOf = memo(computeGateways);

function computeGateways(o: K8sObject): Array<{ ref: string; index: number }> {
  const list = specOf(o).gateways;
  if (!Array.isArray(list)) return [];
  return list.flatMap((g, index) => (typeof g === 'string' && g ? [{ ref: g, index }] : []));
}

/** Whether the VirtualService applies to sidecars: no gateways at all, or `mesh` among them. */
export function appliesToMesh(o: K8sObject): boolean {
  const gws = gatewaysOf(o);
  return gws.length === 0 || gws.some((g) => g.ref === 'mesh');
}

/** `spec.hosts` entries with their index. Shared: do not mutate. */
export const hostsOf = memo(computeHosts);

function computeHosts(o: K8sObject): Array<{ host: string; index: number }> {
  const list = specOf(o).hosts;
  if (!Array.isArray(list)) return [];
  return list.flatMap((h, index) => (typeof h === 'string' && h ? [{ host: h, index }] : []));
}

/**
 * The namespaces an Istio object is exported to, `.` resolved; `['*']` when it has no `exportTo`.
 * `*` stays a literal entry, as upstream keeps it.
 */
export function exportToOf(o: K8sObject): string[] {
  const list = specOf(o).exportTo;
  const names = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && !!x) : [];
  if (!names.length) return ['*'];
  return [...new Set(names.map((x) => (x === '.' ? o.namespace : x)))];
}

/**
 * The namespaces from which a VirtualService's destinations must be visible: those it is exported
 * to (`.` resolved), or its own namespace when it has no `exportTo` (upstream's GetDestinationHost).
 */
export function destinationScopes(vs: K8sObject): string[] {
  const list = specOf(vs).exportTo;
  const names = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && !!x) : [];
  if (!names.length) return [vs.namespace];
  return [...new Set(names.map((x) => (x === '.' ? vs.namespace : x)))];
}

/**
 * The service registry as a keyed view (see `WorkspaceView.lookup`): a VirtualService that reads
 * the entries of its hosts is re-checked when those entries change, not on every Service edit.
 * Keys: `host|<fqdn>` (concrete hosts), `wild` (wildcard ServiceEntry hosts), `ns|<namespace>`
 * (namespaces with an entry), `inNs|<namespace>` (cluster-local hosts by the namespace in their
 * name), `name|<first label>` (cluster-local hosts by Service name), `external` (other concrete
 * hosts), `seScope|<namespace or *>` (where ServiceEntries are exported).
 */
export function registryView<T>(ws: WorkspaceView, key: string): T | undefined {
  return ws.lookup<unknown>('istio.registry.keyed', REGISTRY_KINDS, buildRegistryView, key) as T | undefined;
}

function buildRegistryView(of: (gk: string) => readonly K8sObject[]): ReadonlyMap<string, unknown> {
  const out = new Map<string, unknown>();
  const add = (k: string, e: RegistryEntry) => pushTo(out as Map<string, RegistryEntry[]>, k, e);
  for (const e of buildRegistry(of).entries) {
    out.set(`ns|${e.namespace}`, true);
    if (e.object.kind === 'ServiceEntry') for (const s of e.exportTo) out.set(`seScope|${s}`, true);
    if (e.host.startsWith('*')) {
      add('wild', e);
      continue;
    }
    add(`host|${e.host}`, e);
    const ns = clusterLocalNamespace(e.host);
    if (ns === undefined) add('external', e);
    else {
      add(`inNs|${ns}`, e);
      add(`name|${e.host.slice(0, e.host.indexOf('.'))}`, e);
    }
  }
  return out;
}

export const registryEntries = (ws: WorkspaceView, key: string): readonly RegistryEntry[] => registryView<RegistryEntry[]>(ws, key) ?? [];

/** The registry entries a destination host of a VirtualService resolves to, as istiod sees it. */
export function lookupDestination(ws: WorkspaceView, host: string, vs: K8sObject): RegistryEntry[] {
  const fqdn = toFqdn(host, vs.namespace);
  const scopes = destinationScopes(vs);
  const visible = (e: RegistryEntry) => e.exportTo.includes('*') || scopes.some((s) => e.exportTo.includes(s));
  // A wildcard reference may name any concrete host under it: the rare case that reads the whole registry.
  if (fqdn.startsWith('*')) return registry(ws).entries.filter((e) => visible(e) && hostsIntersect(fqdn, e.host));
  const exact = registryEntries(ws, `host|${fqdn}`).filter(visible);
  if (exact.length) return exact;
  // Wildcard ServiceEntries count when exported to all or to the VirtualService's own namespace.
  return registryEntries(ws, 'wild').filter((e) => (e.exportTo.includes('*') || e.exportTo.includes(vs.namespace)) && hostCovers(e.host, fqdn));
}

/** The namespace of a cluster-local host (`name.ns.svc.cluster.local`), if it is one. */
export function clusterLocalNamespace(fqdn: string): string | undefined {
  if (!fqdn.endsWith(`.${DOMAIN_SUFFIX}`)) return undefined;
  const labels = fqdn.slice(0, -DOMAIN_SUFFIX.length - 1).split('.');
  return labels.length === 2 ? labels[1] : undefined;
}

/** How a host of the registry is best written from a namespace: the short name for its own Services. */
export function hostAsWritten(fqdn: string, fromNamespace: string): string {
  const suffix = `.${fromNamespace}.${DOMAIN_SUFFIX}`;
  return fqdn.endsWith(suffix) && !fqdn.slice(0, -suffix.length).includes('.') ? fqdn.slice(0, -suffix.length) : fqdn;
}

export interface DrSubsets {
  /** The DestinationRule's host as a FQDN (or wildcard). */
  host: string;
  dr: K8sObject;
  subsets: Array<{ name: string; index: number; labels: Record<string, string> }>;
}

/** DestinationRules with their subsets, keyed: `host|<fqdn>`, `wild` (wildcard hosts), `ns|<namespace>`. */
function buildSubsetView(of: (gk: string) => readonly K8sObject[]): ReadonlyMap<string, unknown> {
  const out = new Map<string, unknown>();
  for (const dr of of(DESTINATION_RULE)) {
    out.set(`ns|${dr.namespace}`, true);
    const entry = subsetsOf(dr);
    if (entry) pushTo(out as Map<string, DrSubsets[]>, entry.host.startsWith('*') ? 'wild' : `host|${entry.host}`, entry);
  }
  return out;
}

/** One DestinationRule's entry, kept with it so that a rebuild after an edit redoes only the edited ones. */
const subsetsOf = memo((dr: K8sObject): DrSubsets | undefined => {
  const spec = specOf(dr);
  if (typeof spec.host !== 'string' || !spec.host) return undefined;
  const host = toFqdn(spec.host, dr.namespace);
  const subsets = Array.isArray(spec.subsets)
    ? spec.subsets.flatMap((s, index) => {
        if (!isRecord(s) || typeof s.name !== 'string') return [];
        const labels: Record<string, string> = {};
        if (isRecord(s.labels)) for (const [k, v] of Object.entries(s.labels)) if (typeof v === 'string') labels[k] = v;
        return [{ name: s.name, index, labels }];
      })
    : [];
  return { host, dr, subsets };
});

const subsetView = <T>(ws: WorkspaceView, key: string) => ws.lookup<unknown>('istio.dr.subsets', [DESTINATION_RULE], buildSubsetView, key) as T | undefined;

/** The DestinationRules that apply to a FQDN host: exact ones, else those whose wildcard covers it. */
export function destinationRulesFor(ws: WorkspaceView, fqdn: string): readonly DrSubsets[] {
  const exact = subsetView<DrSubsets[]>(ws, `host|${fqdn}`);
  if (exact?.length) return exact;
  return (subsetView<DrSubsets[]>(ws, 'wild') ?? []).filter((w) => hostCovers(w.host, fqdn));
}

/** Whether the workspace has a DestinationRule in a namespace. */
export function hasDestinationRulesIn(ws: WorkspaceView, namespace: string): boolean {
  return subsetView<boolean>(ws, `ns|${namespace}`) === true;
}

/** Names istiod gives the Gateways it generates for Kubernetes Gateway API objects; not for users to reference. */
export function isInternalGatewayRef(ref: string): boolean {
  return ref.includes('~istio-autogenerated-');
}

/** Istio Gateways keyed `ns|<namespace>` and `name|<name>`, for suggestions. */
export function gatewaysBy(ws: WorkspaceView, key: string): readonly K8sObject[] {
  const list = ws.lookup<K8sObject[]>(
    'istio.gateways.keyed',
    [GATEWAY],
    (of) => {
      const out = new Map<string, K8sObject[]>();
      for (const g of of(GATEWAY)) {
        if (!g.name) continue;
        pushTo(out, `ns|${g.namespace}`, g);
        pushTo(out, `name|${g.name}`, g);
      }
      return out;
    },
    key,
  );
  return list ?? [];
}

export interface ResolvedGateway {
  ref: GatewayRef;
  /** The Gateway objects with that namespace and name (several only when it is defined twice). */
  found: readonly K8sObject[];
}

/** A `gateways` entry of a VirtualService resolved to Gateway objects; undefined for `mesh`. */
export function resolveGateway(ws: WorkspaceView, ref: string, vsNamespace: string): ResolvedGateway | undefined {
  const r = resolveGatewayRef(ref, vsNamespace);
  if (r === 'mesh') return undefined;
  return { ref: r, found: ws.objectsWithKey(objectKey('networking.istio.io', 'Gateway', r.namespace, r.name)) };
}

/**
 * A JSON form of a match that ignores key order and the match's `name` (upstream's asJSON): two
 * matches with the same form select the same requests.
 */
export function matchKey(match: unknown, dropName: boolean): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (isRecord(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
    return v;
  };
  if (dropName && isRecord(match)) {
    const rest = { ...match };
    delete rest.name;
    return JSON.stringify(canon(rest));
  }
  return JSON.stringify(canon(match));
}

/** The first key of a mapping at `path`, for a one-line position on a rule or a match. */
export function firstKeyPath(value: unknown, path: FieldPath, prefer: readonly string[] = []): FieldPath {
  if (!isRecord(value)) return path;
  const key = prefer.find((k) => k in value) ?? Object.keys(value)[0];
  return key === undefined ? path : [...path, key];
}

/**
 * The name a person most likely meant, but never another number of the same name: `v3` for a
 * missing `v1`, or `reviews-v2` for `reviews-v1`, is a different version, not a typo.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const shape = (s: string) => s.toLowerCase().replace(/\d+/g, '#');
  const ok = candidates.filter((c) => !(shape(c) === shape(word) && c.toLowerCase() !== word.toLowerCase()));
  return closest(word, ok);
}
