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
import { DESTINATION_RULE, DOMAIN_SUFFIX, knownNamespaces, NAMESPACE, registry, REGISTRY_KINDS, SERVICE_ACCOUNT, Workload, WORKLOAD_GROUP_KINDS, workloads } from './mesh';

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
  /** Selector-less PeerAuthentications by namespace. */
  peers: ReadonlyMap<string, readonly WidePeerAuthentication[]>;
  /** DestinationRules whose host covers a whole namespace (by namespace) or the mesh (`*`). */
  wideRules: ReadonlyMap<string, readonly WideDestinationRule[]>;
  /** Namespaces with a workload-level PeerAuthentication (a selector). */
  workloadPeerNamespaces: ReadonlySet<string>;
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

export function mtlsIndex(ws: WorkspaceView): MtlsIndex {
  return ws.derived('istio.security.mtls', MTLS_KINDS, (of) => {
    const peers = new Map<string, WidePeerAuthentication[]>();
    const workloadPeerNamespaces = new Set<string>();
    for (const pa of of(PEER_AUTHENTICATION)) {
      if (policySelector(pa)) workloadPeerNamespaces.add(pa.namespace);
      if (policySelector(pa) || hasTargetRefs(pa)) continue;
      push(peers, pa.namespace, { object: pa, namespace: pa.namespace, mode: peerMode(pa) });
    }
    const wideRules = new Map<string, WideDestinationRule[]>();
    for (const dr of of(DESTINATION_RULE)) {
      const host = specOf(dr).host;
      const scope = typeof host === 'string' ? wideScope(host) : undefined;
      if (scope) push(wideRules, scope, { object: dr, scope, mode: tlsMode(dr) });
    }
    return { peers, wideRules, workloadPeerNamespaces };
  });
}

/** The mode a namespace's own selector-less PeerAuthentication sets, if any sets one. */
export function namespacePeer(index: MtlsIndex, namespace: string): WidePeerAuthentication | undefined {
  return (index.peers.get(namespace) ?? []).find((p) => p.mode !== 'UNSET');
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

export function namespaceFacts(ws: WorkspaceView): NamespaceFacts {
  const declared = knownNamespaces(ws);
  const reg = registry(ws);
  const wl = workloads(ws);
  return ws.derived('istio.security.namespaces', NAMESPACE_SOURCE_KINDS, () => {
    const known = new Set<string>([...declared, ...BUILTIN_NAMESPACES, ...reg.namespaces, ...wl.map((w) => w.namespace)]);
    return { declared, known };
  });
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
  /** ServiceAccount objects by namespace. */
  declared: ReadonlyMap<string, ReadonlySet<string>>;
  /** Declared ones and those pod templates run as (`serviceAccountName`), by namespace. */
  known: ReadonlyMap<string, ReadonlySet<string>>;
}

export function serviceAccounts(ws: WorkspaceView): ServiceAccountFacts {
  const wl = workloads(ws);
  return ws.derived('istio.security.serviceAccounts', SERVICE_ACCOUNT_SOURCE_KINDS, (of) => {
    const declared = new Map<string, Set<string>>();
    const known = new Map<string, Set<string>>();
    const add = (m: Map<string, Set<string>>, ns: string, name: string) => {
      let set = m.get(ns);
      if (!set) m.set(ns, (set = new Set()));
      set.add(name);
    };
    for (const sa of of(SERVICE_ACCOUNT)) {
      if (!sa.name) continue;
      add(declared, sa.namespace, sa.name);
      add(known, sa.namespace, sa.name);
    }
    for (const w of wl) {
      const name = w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount;
      if (typeof name === 'string' && name) add(known, w.namespace, name);
    }
    return { declared, known };
  });
}

/** A suggestion that replaces the scalar at `path` (quotes included) with `newText`. */
export function replaceValueFix(o: K8sObject, path: FieldPath, newText: string, title = `Change to "${newText}"`): FixSpec {
  const at = locatePath(o.doc.node, path);
  return { title, preferred: false, edits: [{ start: at.start, end: at.end, newText }] };
}

/** Workloads by namespace, for selectors that must not scan the whole workspace per object. */
export function workloadsByNamespace(ws: WorkspaceView): ReadonlyMap<string, readonly Workload[]> {
  const all = workloads(ws);
  return ws.derived('istio.security.workloadsByNamespace', WORKLOAD_GROUP_KINDS, () => {
    const out = new Map<string, Workload[]>();
    for (const w of all) push(out, w.namespace, w);
    return out;
  });
}
