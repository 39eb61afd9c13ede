/**
 * The workspace seen the way Istio's control plane sees a cluster: a service registry (Services and
 * ServiceEntries, by host, with their ports and exportTo), the workloads and their pod labels, and
 * how references between Istio objects resolve (short host names, gateway names). Every analyzer
 * reads the workspace through these, so that "host not found" means the same thing everywhere.
 *
 * Built once per change of the kinds involved via `WorkspaceView.derived`, not once per object.
 */
import type { WorkspaceView } from '../analysis/types';
import { isRecord, K8sObject } from '../k8s/object';
import type { FieldPath } from '../yaml/path';

export const DOMAIN_SUFFIX = 'svc.cluster.local';

export const SERVICE = '/Service';
export const SERVICE_ENTRY = 'networking.istio.io/ServiceEntry';
export const NAMESPACE = '/Namespace';
export const GATEWAY = 'networking.istio.io/Gateway';
export const VIRTUAL_SERVICE = 'networking.istio.io/VirtualService';
export const DESTINATION_RULE = 'networking.istio.io/DestinationRule';
export const SECRET = '/Secret';
export const SERVICE_ACCOUNT = '/ServiceAccount';

/** Kinds whose objects run pods, and where their pod template is. */
export const WORKLOAD_KINDS: Readonly<Record<string, FieldPath>> = {
  '/Pod': [],
  'apps/Deployment': ['spec', 'template'],
  'apps/StatefulSet': ['spec', 'template'],
  'apps/DaemonSet': ['spec', 'template'],
  'apps/ReplicaSet': ['spec', 'template'],
  'batch/Job': ['spec', 'template'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  'argoproj.io/Rollout': ['spec', 'template'],
  'apps.openshift.io/DeploymentConfig': ['spec', 'template'],
};
export const WORKLOAD_GROUP_KINDS: readonly string[] = Object.keys(WORKLOAD_KINDS);

/** The kinds `registry()` reads; rules that call it list these in `meta.kinds`. */
export const REGISTRY_KINDS: readonly string[] = [SERVICE, SERVICE_ENTRY];

// ---------------------------------------------------------------------------------------------
// Host names

/**
 * Istio's ResolveShortnameToFQDN: a name without a dot is a Service in the referring object's
 * namespace; anything with a dot (or a wildcard) is taken as written.
 */
export function toFqdn(host: string, namespace: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${namespace || 'default'}.${DOMAIN_SUFFIX}`;
}

/** Whether `pattern` (possibly `*` or `*.suffix`) covers the concrete or wildcard `host`. */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) {
    const suffix = pattern.slice(1); // `.example.com`
    if (host.startsWith('*')) return host.slice(1).endsWith(suffix);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return pattern === host;
}

/** Whether two host patterns can name a common host (either covers the other). */
export function hostsIntersect(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

// ---------------------------------------------------------------------------------------------
// Service registry

export interface RegistryPort {
  number: number;
  name?: string;
  protocol?: string;
  /** Where the port is written in its object. */
  path: FieldPath;
}

export interface RegistryEntry {
  /** A FQDN, or a wildcard (`*.example.com`) for ServiceEntries. */
  host: string;
  namespace: string;
  object: K8sObject;
  /** Where the host is written (ServiceEntry `spec.hosts[i]`, Service `metadata.name`). */
  path: FieldPath;
  ports: RegistryPort[];
  /** Namespaces that see it: `*` for all, otherwise names (`.` already resolved). */
  exportTo: readonly string[];
}

export interface Registry {
  entries: readonly RegistryEntry[];
  /** Entries by exact host. */
  byHost: ReadonlyMap<string, readonly RegistryEntry[]>;
  /** Entries whose host is a wildcard, checked by suffix. */
  wildcards: readonly RegistryEntry[];
  /** Namespaces that have at least one Service or ServiceEntry. */
  namespaces: ReadonlySet<string>;
}

function exportToList(raw: unknown, namespace: string): string[] {
  const list = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [];
  if (list.length === 0) return ['*'];
  return list.map((x) => (x === '.' ? namespace : x));
}

function portsOf(raw: unknown, base: FieldPath): RegistryPort[] {
  if (!Array.isArray(raw)) return [];
  const out: RegistryPort[] = [];
  raw.forEach((p, i) => {
    if (!isRecord(p)) return;
    const number = typeof p.number === 'number' ? p.number : typeof p.port === 'number' ? p.port : undefined;
    if (number === undefined) return;
    out.push({
      number,
      name: typeof p.name === 'string' ? p.name : undefined,
      protocol: typeof p.protocol === 'string' ? p.protocol : undefined,
      path: [...base, i],
    });
  });
  return out;
}

/**
 * The entries of one Service or ServiceEntry, kept per object instance (an edit makes a new one):
 * rebuilding the registry after an edit then reuses every other object's records, and the keyed
 * views over them (`WorkspaceView.lookup`) keep their prints instead of printing the whole registry.
 */
const entriesOfObject = new WeakMap<K8sObject, RegistryEntry[]>();

function registryEntriesOf(o: K8sObject): RegistryEntry[] {
  let list = entriesOfObject.get(o);
  if (list) return list;
  list = [];
  const spec = isRecord(o.body.spec) ? o.body.spec : {};
  if (o.kind === 'Service') {
    if (o.name) {
      list.push({
        host: `${o.name}.${o.namespace}.${DOMAIN_SUFFIX}`,
        namespace: o.namespace,
        object: o,
        path: ['metadata', 'name'],
        ports: portsOf(spec.ports, ['spec', 'ports']),
        exportTo: exportToList(o.annotations['networking.istio.io/exportTo'], o.namespace),
      });
    }
  } else if (Array.isArray(spec.hosts)) {
    const ports = portsOf(spec.ports, ['spec', 'ports']);
    const exportTo = exportToList(spec.exportTo, o.namespace);
    spec.hosts.forEach((h, i) => {
      if (typeof h !== 'string' || !h) return;
      list!.push({ host: toFqdn(h, o.namespace), namespace: o.namespace, object: o, path: ['spec', 'hosts', i], ports, exportTo });
    });
  }
  entriesOfObject.set(o, list);
  return list;
}

export function buildRegistry(objectsOfKind: (gk: string) => readonly K8sObject[]): Registry {
  const entries: RegistryEntry[] = [];
  for (const s of objectsOfKind(SERVICE)) entries.push(...registryEntriesOf(s));
  for (const se of objectsOfKind(SERVICE_ENTRY)) entries.push(...registryEntriesOf(se));
  const byHost = new Map<string, RegistryEntry[]>();
  const wildcards: RegistryEntry[] = [];
  for (const e of entries) {
    if (e.host.startsWith('*')) wildcards.push(e);
    else {
      const list = byHost.get(e.host);
      if (list) list.push(e);
      else byHost.set(e.host, [e]);
    }
  }
  return { entries, byHost, wildcards, namespaces: new Set(entries.map((e) => e.namespace)) };
}

export function registry(ws: WorkspaceView): Registry {
  return ws.derived('istio.registry', REGISTRY_KINDS, buildRegistry);
}

export function visibleFrom(entry: RegistryEntry, namespace: string): boolean {
  return entry.exportTo.includes('*') || entry.exportTo.includes(namespace);
}

/**
 * The registry entries a host reference resolves to from a namespace: exact matches first, then
 * ServiceEntries whose wildcard covers it. A wildcard reference matches entries it covers.
 */
export function lookupHost(reg: Registry, host: string, fromNamespace: string): RegistryEntry[] {
  const visible = (e: RegistryEntry) => visibleFrom(e, fromNamespace);
  if (host.startsWith('*')) return reg.entries.filter((e) => visible(e) && hostsIntersect(host, e.host));
  const exact = (reg.byHost.get(host) ?? []).filter(visible);
  if (exact.length) return exact;
  return reg.wildcards.filter((e) => visible(e) && hostCovers(e.host, host));
}

// ---------------------------------------------------------------------------------------------
// Workloads

export interface Workload {
  object: K8sObject;
  namespace: string;
  /** Labels of the pods it runs. */
  labels: Readonly<Record<string, string>>;
  /** Where the pod template (or the Pod itself) is. */
  templatePath: FieldPath;
  /** The pod spec, as plain values. */
  podSpec: Record<string, unknown>;
}

function stringMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  return out;
}

function at(body: unknown, path: FieldPath): unknown {
  let v = body;
  for (const seg of path) {
    if (!isRecord(v) && !Array.isArray(v)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Exported for keyed views over workloads (`WorkspaceView.lookup`). */
export function buildWorkloads(objectsOfKind: (gk: string) => readonly K8sObject[]): Workload[] {
  const out: Workload[] = [];
  const deployments = objectsOfKind('apps/Deployment');
  for (const [gk, templatePath] of Object.entries(WORKLOAD_KINDS)) {
    for (const o of objectsOfKind(gk)) {
      let template = templatePath.length ? at(o.body, templatePath) : o.body;
      // A Rollout may take its pod template from a Deployment (`spec.workloadRef`).
      if (gk === 'argoproj.io/Rollout' && !isRecord(template)) {
        const ref = at(o.body, ['spec', 'workloadRef']);
        const name = isRecord(ref) ? ref.name : undefined;
        const target = deployments.find((d) => d.name === name && d.namespace === o.namespace);
        template = target ? at(target.body, ['spec', 'template']) : undefined;
      }
      if (!isRecord(template)) continue;
      const labels = stringMap(at(template, ['metadata', 'labels']));
      const podSpec = isRecord(template.spec) ? template.spec : {};
      out.push({ object: o, namespace: o.namespace, labels, templatePath, podSpec });
    }
  }
  return out;
}

export function workloads(ws: WorkspaceView): Workload[] {
  return ws.derived('istio.workloads', WORKLOAD_GROUP_KINDS, buildWorkloads);
}

/** The workloads of one namespace, from an index built once per change of the workload kinds. */
export function workloadsIn(ws: WorkspaceView, namespace: string): readonly Workload[] {
  const byNs = ws.derived('istio.workloads.byNamespace', WORKLOAD_GROUP_KINDS, (of) => {
    const out = new Map<string, Workload[]>();
    for (const w of buildWorkloads(of)) {
      const list = out.get(w.namespace);
      if (list) list.push(w);
      else out.set(w.namespace, [w]);
    }
    return out;
  });
  return byNs.get(namespace) ?? [];
}

/** A Kubernetes equality selector (`matchLabels`) against pod labels; an empty selector matches all. */
export function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** Workloads in a namespace whose pods a selector picks; `namespace` undefined means any. */
export function selectedWorkloads(ws: WorkspaceView, selector: Readonly<Record<string, string>>, namespace: string | undefined): Workload[] {
  return workloads(ws).filter((w) => (namespace === undefined || w.namespace === namespace) && selects(selector, w.labels));
}

/** `matchLabels` of a selector field (`spec.selector`, `spec.workloadSelector`), when it is one. */
export function matchLabelsOf(v: unknown, key: 'matchLabels' | 'labels' = 'matchLabels'): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  return stringMap(v[key]);
}

// ---------------------------------------------------------------------------------------------
// References

export interface GatewayRef {
  namespace: string;
  name: string;
  /** `name.namespace` or `name.namespace.svc.cluster.local`: accepted, but `namespace/name` is preferred (KIA1108). */
  legacy: boolean;
}

/**
 * How Istio resolves a VirtualService's `gateways` entry: `mesh` is the sidecars; `ns/name`;
 * a dotted legacy form whose second label is the namespace; a bare name is in the VS's namespace.
 */
export function resolveGatewayRef(ref: string, namespace: string): GatewayRef | 'mesh' {
  if (ref === 'mesh') return 'mesh';
  const slash = ref.indexOf('/');
  if (slash >= 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1), legacy: false };
  const dot = ref.indexOf('.');
  if (dot >= 0) {
    const parts = ref.split('.');
    return { namespace: parts[1], name: parts[0], legacy: true };
  }
  return { namespace, name: ref, legacy: false };
}

/** The namespaces the workspace declares with Namespace objects. */
export function knownNamespaces(ws: WorkspaceView): ReadonlySet<string> {
  return ws.derived('istio.namespaces', [NAMESPACE], (of) => new Set(of(NAMESPACE).flatMap((n) => (n.name ? [n.name] : []))));
}
