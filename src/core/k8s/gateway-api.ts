/**
 * Kubernetes Gateway API objects read the way the Gateway API spec reads them: the defaults the CRDs
 * give to references (a parentRef is a Gateway, a backendRef a core Service, both in the Route's
 * namespace), which listeners of a Gateway a Route may attach to, and what a ReferenceGrant permits.
 * The Gateway API rules share these so that "the Route reaches its Gateway" means the same everywhere.
 */
import type { WorkspaceView } from '../analysis/types';
import { requirementMatches } from './selector';
import type { FieldPath } from '../yaml/path';
import { isRecord, K8sObject } from './object';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const K8S_GATEWAY = `${GATEWAY_API_GROUP}/Gateway`;
export const HTTP_ROUTE = `${GATEWAY_API_GROUP}/HTTPRoute`;
export const GRPC_ROUTE = `${GATEWAY_API_GROUP}/GRPCRoute`;
export const REFERENCE_GRANT = `${GATEWAY_API_GROUP}/ReferenceGrant`;
export const SERVICE = '/Service';
export const NAMESPACE = '/Namespace';
/** The Route kinds whose references the rules follow (the ones Kiali validates). */
export const ROUTE_KINDS: readonly string[] = [HTTP_ROUTE, GRPC_ROUTE];

/** Every namespace carries this label (set by the API server), so a selector on it is decidable without the Namespace object. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A reference from a Route to another object, with the CRD defaults applied. */
export interface RouteRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
  /** Whether the reference writes its namespace (without one it stays in the Route's namespace). */
  namespaceWritten: boolean;
  /** Path of the reference's mapping inside the Route. */
  path: FieldPath;
}

export interface ParentRef extends RouteRef {
  sectionName?: string;
  port?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function specOf(o: K8sObject): Record<string, unknown> {
  return isRecord(o.body.spec) ? o.body.spec : {};
}

function toRef(r: Record<string, unknown>, defaults: { group: string; kind: string }, route: K8sObject, path: FieldPath): RouteRef | undefined {
  const name = str(r.name);
  if (!name) return undefined;
  // An empty namespace is the same as none (that is how Gateway implementations read it).
  const namespace = str(r.namespace) || undefined;
  return {
    group: str(r.group) ?? defaults.group,
    kind: str(r.kind) ?? defaults.kind,
    name,
    namespace: namespace ?? route.namespace,
    namespaceWritten: namespace !== undefined,
    path,
  };
}

/** `spec.parentRefs`: a Gateway of gateway.networking.k8s.io unless `group`/`kind` say otherwise. */
export function parentRefsOf(route: K8sObject): ParentRef[] {
  return list(specOf(route).parentRefs).flatMap((p, i) => {
    if (!isRecord(p)) return [];
    const ref = toRef(p, { group: GATEWAY_API_GROUP, kind: 'Gateway' }, route, ['spec', 'parentRefs', i]);
    if (!ref) return [];
    const sectionName = str(p.sectionName) || undefined;
    const port = typeof p.port === 'number' ? p.port : undefined;
    return [{ ...ref, sectionName, port }];
  });
}

/**
 * The backends of a Route's rules: `backendRefs` and the backends of `requestMirror` filters (on the
 * rule and on each backendRef). A backend is a core Service unless `group`/`kind` say otherwise.
 */
export function backendRefsOf(route: K8sObject): RouteRef[] {
  const defaults = { group: '', kind: 'Service' };
  const out: RouteRef[] = [];
  const mirrors = (filters: unknown, at: FieldPath) =>
    list(filters).forEach((f, j) => {
      if (isRecord(f) && isRecord(f.requestMirror) && isRecord(f.requestMirror.backendRef)) {
        const ref = toRef(f.requestMirror.backendRef, defaults, route, [...at, 'filters', j, 'requestMirror', 'backendRef']);
        if (ref) out.push(ref);
      }
    });
  list(specOf(route).rules).forEach((rule, k) => {
    if (!isRecord(rule)) return;
    const at: FieldPath = ['spec', 'rules', k];
    list(rule.backendRefs).forEach((b, i) => {
      if (!isRecord(b)) return;
      const ref = toRef(b, defaults, route, [...at, 'backendRefs', i]);
      if (ref) out.push(ref);
      mirrors(b.filters, [...at, 'backendRefs', i]);
    });
    mirrors(rule.filters, at);
  });
  return out;
}

export interface Listener {
  index: number;
  name: string | undefined;
  hostname: string | undefined;
  port: number | undefined;
  protocol: string | undefined;
  value: Record<string, unknown>;
}

export function listenersOf(gateway: K8sObject): Listener[] {
  return list(specOf(gateway).listeners).flatMap((l, index) =>
    isRecord(l) ? [{ index, name: str(l.name), hostname: str(l.hostname) || undefined, port: typeof l.port === 'number' ? l.port : undefined, protocol: str(l.protocol), value: l }] : [],
  );
}

/** `spec.addresses` with the CRD default type (IPAddress). */
export function addressesOf(gateway: K8sObject): Array<{ index: number; type: string; value: string }> {
  return list(specOf(gateway).addresses).flatMap((a, index) => {
    if (!isRecord(a)) return [];
    const value = str(a.value);
    return value ? [{ index, type: str(a.type) || 'IPAddress', value }] : [];
  });
}

/** `allowedRoutes.namespaces.from` of a listener, `Same` when absent (the CRD default). */
export function allowedFrom(l: Listener): string {
  const ar = isRecord(l.value.allowedRoutes) ? l.value.allowedRoutes : {};
  const ns = isRecord(ar.namespaces) ? ar.namespaces : {};
  return str(ns.from) ?? 'Same';
}

/** One label-selector requirement against labels; undefined when it cannot be decided. */
function requirement(key: string, operator: string, values: readonly string[], labels: Readonly<Record<string, string>>, known: (key: string) => boolean): boolean | undefined {
  return known(key) ? requirementMatches(key, operator, values, labels) : undefined;
}

/**
 * Whether a Kubernetes label selector selects these labels; undefined when it cannot be told.
 * `known(key)` says whether the labels are complete for that key: without the Namespace object
 * only its `kubernetes.io/metadata.name` label is certain. One failed requirement decides.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>, known: (key: string) => boolean): boolean | undefined {
  if (!isRecord(selector)) return undefined;
  const results: Array<boolean | undefined> = [];
  if (isRecord(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) results.push(requirement(k, 'In', [String(v)], labels, known));
  }
  for (const e of list(selector.matchExpressions)) {
    if (!isRecord(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') return undefined;
    results.push(requirement(e.key, e.operator, list(e.values).map(String), labels, known));
  }
  if (results.includes(false)) return false;
  return results.includes(undefined) ? undefined : true;
}

/**
 * Whether a listener lets Routes from `routeNamespace` attach: `Same` (the default) the Gateway's
 * own namespace, `All` every namespace, `Selector` the namespaces whose labels match. Undefined
 * when the labels needed are not in the workspace or `from` is a value the spec does not define.
 */
export function listenerAdmitsNamespace(l: Listener, gateway: K8sObject, routeNamespace: string, namespaceObject: K8sObject | undefined): boolean | undefined {
  switch (allowedFrom(l)) {
    case 'Same':
      return gateway.namespace === routeNamespace;
    case 'All':
      return true;
    case 'Selector': {
      const ar = isRecord(l.value.allowedRoutes) ? l.value.allowedRoutes : {};
      const selector = isRecord(ar.namespaces) ? ar.namespaces.selector : undefined;
      const labels = { ...(namespaceObject?.labels ?? {}), [NAMESPACE_NAME_LABEL]: routeNamespace };
      return selectorMatches(selector, labels, (key) => !!namespaceObject || key === NAMESPACE_NAME_LABEL);
    }
    default:
      return undefined;
  }
}

/** The Route kinds a listener takes when `allowedRoutes.kinds` is empty, by protocol (the spec's defaults; Istio adds GRPCRoute to HTTP). */
const KINDS_BY_PROTOCOL: Readonly<Record<string, readonly string[]>> = {
  HTTP: [HTTP_ROUTE, GRPC_ROUTE],
  HTTPS: [HTTP_ROUTE, GRPC_ROUTE],
  TLS: [`${GATEWAY_API_GROUP}/TLSRoute`, `${GATEWAY_API_GROUP}/TCPRoute`],
  TCP: [`${GATEWAY_API_GROUP}/TCPRoute`],
  UDP: [`${GATEWAY_API_GROUP}/UDPRoute`],
};

/** The `group/Kind`s of Routes a listener takes; undefined for a protocol whose defaults the spec leaves to the implementation. */
export function listenerRouteKinds(l: Listener): readonly string[] | undefined {
  const ar = isRecord(l.value.allowedRoutes) ? l.value.allowedRoutes : {};
  const kinds = list(ar.kinds).flatMap((k) => (isRecord(k) && typeof k.kind === 'string' ? [`${str(k.group) ?? GATEWAY_API_GROUP}/${k.kind}`] : []));
  if (kinds.length) return kinds;
  return l.protocol ? KINDS_BY_PROTOCOL[l.protocol] : undefined;
}

/** Whether a ReferenceGrant lets a `fromGroupKind` in `fromNamespace` refer to the `toGroupKind` object `toName` in the grant's namespace. */
export function grantPermits(grant: K8sObject, fromGroupKind: string, fromNamespace: string, toGroupKind: string, toName: string): boolean {
  const spec = specOf(grant);
  const from = list(spec.from).some((f) => isRecord(f) && `${str(f.group) ?? ''}/${str(f.kind) ?? ''}` === fromGroupKind && f.namespace === fromNamespace);
  const to = list(spec.to).some((t) => isRecord(t) && `${str(t.group) ?? ''}/${str(t.kind) ?? ''}` === toGroupKind && (!str(t.name) || t.name === toName));
  return from && to;
}

// ---------------------------------------------------------------------------------------------
// Keyed indexes (WorkspaceView.lookup: a reader depends only on the entry it asks for)

function byNamespaceAndName(kind: string) {
  return (of: (gk: string) => readonly K8sObject[]): Map<string, K8sObject[]> => {
    const out = new Map<string, K8sObject[]>();
    const push = (k: string, o: K8sObject) => out.set(k, [...(out.get(k) ?? []), o]);
    for (const o of of(kind)) {
      if (!o.name) continue;
      push(`ns|${o.namespace}`, o);
      push(`name|${o.name}`, o);
    }
    return out;
  };
}

const buildGateways = byNamespaceAndName(K8S_GATEWAY);
const buildGrants = byNamespaceAndName(REFERENCE_GRANT);
const buildServices = byNamespaceAndName(SERVICE);

/** Gateway API Gateways keyed `ns|<namespace>` and `name|<name>`. */
export function k8sGatewaysBy(ws: WorkspaceView, key: string): readonly K8sObject[] {
  return ws.lookup<K8sObject[]>('gatewayapi.gateways', [K8S_GATEWAY], buildGateways, key) ?? [];
}

/** The Kubernetes Services of a namespace (Routes name Services, not hosts: ServiceEntries do not count). */
export function servicesIn(ws: WorkspaceView, namespace: string): readonly K8sObject[] {
  return ws.lookup<K8sObject[]>('gatewayapi.services', [SERVICE], buildServices, `ns|${namespace}`) ?? [];
}

/** The ReferenceGrants of a namespace. */
export function referenceGrantsIn(ws: WorkspaceView, namespace: string): readonly K8sObject[] {
  return ws.lookup<K8sObject[]>('gatewayapi.referenceGrants', [REFERENCE_GRANT], buildGrants, `ns|${namespace}`) ?? [];
}
