/**
 * What the security analyzers share: the mTLS picture of the workspace (namespace- and mesh-wide
 * PeerAuthentications and the DestinationRules that switch client TLS for whole namespaces or the
 * whole mesh, as Kiali classifies them), namespaces and service accounts the workspace knows, and
 * the selector of a policy. Indexes are built once per change through `WorkspaceView.derived`.
 */
import type { FixSpec, WorkspaceView } from '../analysis/types';
import { locatePath } from '../yaml/locate';
import type { FieldPath } from '../yaml/path';
import { isRecord, K8sObject } from '../k8s/object';
import { DESTINATION_RULE, DOMAIN_SUFFIX, NAMESPACE, REGISTRY_KINDS, SERVICE_ACCOUNT, WORKLOAD_GROUP_KINDS, WORKLOAD_KINDS } from './mesh';

export const PEER_AUTHENTICATION = 'security.istio.io/PeerAuthentication';
export const AUTHORIZATION_POLICY = 'security.istio.io/AuthorizationPolicy';
export const REQUEST_AUTHENTICATION = 'security.istio.io/RequestAuthentication';
export const SECURITY_POLICY_KINDS: readonly string[] = [AUTHORIZATION_POLICY, PEER_AUTHENTICATION, REQUEST_AUTHENTICATION];

export function specOf(o: K8sObject): Record<string, unknown> {
  return isRecord(o.body.spec) ? o.body.spec : {};
}

/** `matchLabels` of a policy's selector; undefined when the policy applies namespace- or mesh-wide. */
export function policySelector(o: K8sObject): Record<string, string> | undefined {
  const sel = specOf(o).selector;
  if (!isRecord(sel) || !isRecord(sel.matchLabels)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sel.matchLabels)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return Object.keys(out).length ? out : undefined;
}

/** A policy attached to a Gateway or Service by `targetRef(s)` has no pod selector to check. */
export function hasTargetRefs(o: K8sObject): boolean {
  const spec = specOf(o);
  return isRecord(spec.targetRef) || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0);
}

// ---------------------------------------------------------------------------------------------
// mTLS

export type PeerMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

export interface WidePeerAuthentication {
  object: K8sObject;
  namespace: string;
  mode: PeerMode;
}

export interface WideDestinationRule {
  object: K8sObject;
  /** `*` for a rule covering every service of the mesh, otherwise the namespace it covers. */
  scope: string;
  /** `spec.trafficPolicy.tls.mode`, undefined when the rule sets no TLS. */
  mode: string | undefined;
}

export interface MtlsIndex {
  /** Selector-less PeerAuthentications of a namespace. */
  peers(namespace: string): readonly WidePeerAuthentication[];
  /** DestinationRules whose host covers a whole namespace, or the mesh (`*`). */
  wideRules(scope: string): readonly WideDestinationRule[];
  /** Whether the namespace has a workload-level PeerAuthentication (a selector). */
  hasWorkloadPeers(namespace: string): boolean;
}

/** Kiali reads `*.local` as mesh-wide; the longer suffixes of the cluster domain mean the same. */
const MESH_HOSTS = new Set(['*', '*.local', '*.cluster.local', `*.${DOMAIN_SUFFIX}`]);
const NAMESPACE_HOST = new RegExp(`^\\*\\.([a-z0-9-]+)\\.${DOMAIN_SUFFIX.replace(/\./g, '\\.')}$`);

/** `*` for a mesh-wide host, the namespace for `*.ns.svc.cluster.local`, otherwise undefined. */
export function wideScope(host: string): string | undefined {
  if (MESH_HOSTS.has(host)) return '*';
  return NAMESPACE_HOST.exec(host)?.[1];
}

export function peerMode(o: K8sObject): PeerMode {
  const mtls = specOf(o).mtls;
  const mode = isRecord(mtls) ? mtls.mode : undefined;
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : 'UNSET';
}

export function tlsMode(o: K8sObject): string | undefined {
  const tp = specOf(o).trafficPolicy;
  const tls = isRecord(tp) ? tp.tls : undefined;
  return isRecord(tls) && typeof tls.mode === 'string' ? tls.mode : undefined;
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export const MTLS_KINDS: readonly string[] = [PEER_AUTHENTICATION, DESTINATION_RULE];

/**
 * Keyed lookups, so that a PeerAuthentication or DestinationRule depends on the entries it reads
 * (its namespace's, the mesh's), not on every object of the two kinds.
 */
export function mtlsIndex(ws: WorkspaceView): MtlsIndex {
  return {
    peers: (namespace) =>
      ws.lookup('istio.security.widePeers', [PEER_AUTHENTICATION], (of) => {
        const out = new Map<string, WidePeerAuthentication[]>();
        for (const pa of of(PEER_AUTHENTICATION)) {
          if (!policySelector(pa) && !hasTargetRefs(pa)) push(out, pa.namespace, { object: pa, namespace: pa.namespace, mode: peerMode(pa) });
        }
        return out;
      }, namespace) ?? [],
    wideRules: (scope) =>
      ws.lookup('istio.security.wideRules', [DESTINATION_RULE], (of) => {
        const out = new Map<string, WideDestinationRule[]>();
        for (const dr of of(DESTINATION_RULE)) {
          const host = specOf(dr).host;
          const s = typeof host === 'string' ? wideScope(host) : undefined;
          if (s) push(out, s, { object: dr, scope: s, mode: tlsMode(dr) });
        }
        return out;
      }, scope) ?? [],
    hasWorkloadPeers: (namespace) =>
      ws.lookup('istio.security.workloadPeers', [PEER_AUTHENTICATION], (of) => {
        const out = new Map<string, boolean>();
        for (const pa of of(PEER_AUTHENTICATION)) if (policySelector(pa)) out.set(pa.namespace, true);
        return out;
      }, namespace) === true,
  };
}

/** The mode a namespace's own selector-less PeerAuthentication sets, if any sets one. */
export function namespacePeer(index: MtlsIndex, namespace: string): WidePeerAuthentication | undefined {
  return index.peers(namespace).find((p) => p.mode !== 'UNSET');
}

// ---------------------------------------------------------------------------------------------
// Namespaces and service accounts

/** Namespaces Kubernetes creates itself: they exist whatever the workspace says. */
export const BUILTIN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const NAMESPACE_SOURCE_KINDS: readonly string[] = [NAMESPACE, ...REGISTRY_KINDS, ...WORKLOAD_GROUP_KINDS];

export interface NamespaceFacts {
  /** Namespace objects in the workspace. */
  declared: ReadonlySet<string>;
  /** Declared, built in, or holding a Service, ServiceEntry or workload. */
  known: ReadonlySet<string>;
}

/** Sorted name lists: an edit that leaves the set of namespaces alone leaves the entries alone. */
export function namespaceFacts(ws: WorkspaceView): NamespaceFacts {
  const build = (of: (gk: string) => readonly K8sObject[]) => {
    const declared = new Set(of(NAMESPACE).flatMap((n) => (n.name ? [n.name] : [])));
    const known = new Set<string>([...declared, ...BUILTIN_NAMESPACES]);
    for (const gk of [...REGISTRY_KINDS, ...WORKLOAD_GROUP_KINDS]) for (const o of of(gk)) known.add(o.namespace);
    return new Map([
      ['declared', [...declared].sort()],
      ['known', [...known].sort()],
    ]);
  };
  return {
    declared: new Set(ws.lookup('istio.security.namespaces', NAMESPACE_SOURCE_KINDS, build, 'declared') ?? []),
    known: new Set(ws.lookup('istio.security.namespaces', NAMESPACE_SOURCE_KINDS, build, 'known') ?? []),
  };
}

/** Istio's namespace match for policies: `*`, a `prefix*`, a `*suffix`, or the exact name. */
export function namespaceMatches(pattern: string, namespace: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  return pattern === namespace;
}

export const SERVICE_ACCOUNT_SOURCE_KINDS: readonly string[] = [SERVICE_ACCOUNT, ...WORKLOAD_GROUP_KINDS];

export interface ServiceAccountFacts {
  /** ServiceAccount objects of the namespace; undefined when it has none. */
  declared: ReadonlySet<string> | undefined;
  /** Declared ones and those pod templates run as (`serviceAccountName`). */
  known: ReadonlySet<string>;
}

/** The service accounts of one namespace (a keyed lookup: other namespaces' edits do not matter). */
export function serviceAccounts(ws: WorkspaceView, namespace: string): ServiceAccountFacts {
  const entry = ws.lookup('istio.security.serviceAccounts', SERVICE_ACCOUNT_SOURCE_KINDS, (of) => {
    const sets = new Map<string, { declared: Set<string>; known: Set<string> }>();
    const at = (ns: string) => {
      let e = sets.get(ns);
      if (!e) sets.set(ns, (e = { declared: new Set(), known: new Set() }));
      return e;
    };
    for (const sa of of(SERVICE_ACCOUNT)) {
      if (!sa.name) continue;
      at(sa.namespace).declared.add(sa.name);
      at(sa.namespace).known.add(sa.name);
    }
    for (const gk of WORKLOAD_GROUP_KINDS) {
      for (const o of of(gk)) {
        const spec = podTemplateOf(o)?.spec;
        const name = isRecord(spec) ? (spec.serviceAccountName ?? spec.serviceAccount) : undefined;
        if (typeof name === 'string' && name) at(o.namespace).known.add(name);
      }
    }
    return new Map([...sets].map(([ns, e]) => [ns, { declared: [...e.declared].sort(), known: [...e.known].sort() }]));
  }, namespace);
  return { declared: entry?.declared.length ? new Set(entry.declared) : undefined, known: new Set(entry?.known ?? []) };
}

// ---------------------------------------------------------------------------------------------
// Workloads by namespace

/** The pod template of a workload (the Pod itself for a Pod); a Rollout's `workloadRef` is not followed. */
export function podTemplateOf(o: K8sObject): Record<string, unknown> | undefined {
  const path = WORKLOAD_KINDS[`${o.group}/${o.kind}`];
  if (!path) return undefined;
  let v: unknown = o.body;
  for (const seg of path) v = isRecord(v) ? v[seg] : undefined;
  return isRecord(v) ? v : undefined;
}

export interface PodRecord {
  object: K8sObject;
  labels: Readonly<Record<string, string>>;
  /** Container ports the pod template declares. */
  portNumbers: readonly number[];
  portNames: readonly string[];
}

function podRecord(o: K8sObject): PodRecord | undefined {
  const t = podTemplateOf(o);
  if (!t) return undefined;
  const meta = isRecord(t.metadata) ? t.metadata : {};
  const labels: Record<string, string> = {};
  if (isRecord(meta.labels)) for (const [k, v] of Object.entries(meta.labels)) if (v !== null && v !== undefined && typeof v !== 'object') labels[k] = String(v);
  const portNumbers: number[] = [];
  const portNames: string[] = [];
  const spec = isRecord(t.spec) ? t.spec : {};
  for (const list of [spec.containers, spec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isRecord(c) || !Array.isArray(c.ports)) continue;
      for (const p of c.ports) {
        if (!isRecord(p)) continue;
        if (typeof p.containerPort === 'number') portNumbers.push(p.containerPort);
        if (typeof p.name === 'string') portNames.push(p.name);
      }
    }
  }
  return { object: o, labels, portNumbers, portNames };
}

/**
 * The workloads of a namespace, or of every namespace (`*`), as a keyed lookup: a policy depends on
 * its own namespace's workloads only.
 */
export function workloadsIn(ws: WorkspaceView, namespace: string): readonly PodRecord[] {
  return (
    ws.lookup('istio.security.workloadsByNamespace', WORKLOAD_GROUP_KINDS, (of) => {
      const out = new Map<string, PodRecord[]>();
      for (const gk of WORKLOAD_GROUP_KINDS) {
        for (const o of of(gk)) {
          const r = podRecord(o);
          if (!r) continue;
          push(out, o.namespace, r);
          push(out, '*', r);
        }
      }
      return out;
    }, namespace) ?? []
  );
}

/** A suggestion that replaces the scalar at `path` (quotes included) with `newText`. */
export function replaceValueFix(o: K8sObject, path: FieldPath, newText: string, title = `Change to "${newText}"`): FixSpec {
  const at = locatePath(o.doc.node, path);
  return { title, preferred: false, edits: [{ start: at.start, end: at.end, newText }] };
}
