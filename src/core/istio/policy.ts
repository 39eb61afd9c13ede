/**
 * What the DestinationRule, Gateway, ServiceEntry, Sidecar and Telemetry analyzers share: indexes
 * of workloads by label, of Namespaces and Secrets, canonical selectors, and the value-replacing
 * fix. Every index is built once per change of its kinds through `WorkspaceView.derived`, so a rule
 * answers "which workloads does this selector pick" without scanning the workspace per object.
 */
import type { FixSpec, ObjectContext, WorkspaceView } from '../analysis/types';
import { isRecord, K8sObject } from '../k8s/object';
import { closest } from '../schema/suggest';
import { locatePath } from '../yaml/locate';
import type { FieldPath } from '../yaml/path';
import type { LineIndex } from '../yaml/positions';
import { registryEntries } from './routes';
import { buildWorkloads, DOMAIN_SUFFIX, NAMESPACE, SECRET, SERVICE, SERVICE_ENTRY, toFqdn, Workload, WORKLOAD_GROUP_KINDS, workloads } from './mesh';

export const POD = '/Pod';
export const CONFIG_MAP = '/ConfigMap';
export const SIDECAR = 'networking.istio.io/Sidecar';
export const ENVOY_FILTER = 'networking.istio.io/EnvoyFilter';
export const WORKLOAD_GROUP = 'networking.istio.io/WorkloadGroup';
export const TELEMETRY = 'telemetry.istio.io/Telemetry';
export const WASM_PLUGIN = 'extensions.istio.io/WasmPlugin';
export const AUTHORIZATION_POLICY = 'security.istio.io/AuthorizationPolicy';
export const REQUEST_AUTHENTICATION = 'security.istio.io/RequestAuthentication';

/** Istio's default root namespace, where selector-less policies apply to the whole mesh. */
export const ROOT_NAMESPACE = 'istio-system';

/** Labels Istio adds to endpoints from their node and network, never written in a pod template. */
export function isTopologyLabel(key: string): boolean {
  return key.startsWith('topology.kubernetes.io/') || key.startsWith('topology.istio.io/') || key === 'kubernetes.io/hostname' || key.startsWith('failure-domain.beta.kubernetes.io/');
}

// ---------------------------------------------------------------------------------------------
// Workloads by label

export interface WorkloadIndex {
  all: readonly Workload[];
  byNamespace: ReadonlyMap<string, readonly Workload[]>;
  /** Workloads carrying `key=value`. */
  byLabel: ReadonlyMap<string, readonly Workload[]>;
  /** Every label key some workload carries. */
  keys: ReadonlySet<string>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function workloadIndex(ws: WorkspaceView): WorkloadIndex {
  const all = workloads(ws);
  return ws.derived('istio.policy.workloadIndex', WORKLOAD_GROUP_KINDS, () => {
    const byNamespace = new Map<string, Workload[]>();
    const byLabel = new Map<string, Workload[]>();
    const keys = new Set<string>();
    for (const w of all) {
      push(byNamespace, w.namespace, w);
      for (const [k, v] of Object.entries(w.labels)) {
        push(byLabel, `${k}=${v}`, w);
        keys.add(k);
      }
    }
    return { all, byNamespace, byLabel, keys };
  });
}

/**
 * Workloads whose pod labels a non-empty equality selector picks, in one namespace or (undefined)
 * in all: the shortest label list is filtered, never the whole workspace.
 */
export function selectWorkloads(index: WorkloadIndex, selector: Readonly<Record<string, string>>, namespace: string | undefined): Workload[] {
  const entries = Object.entries(selector);
  let base: readonly Workload[] | undefined = namespace === undefined ? index.all : (index.byNamespace.get(namespace) ?? []);
  for (const [k, v] of entries) {
    const list = index.byLabel.get(`${k}=${v}`) ?? [];
    if (list.length < base.length) base = list;
  }
  return base.filter((w) => (namespace === undefined || w.namespace === namespace) && entries.every(([k, v]) => w.labels[k] === v));
}

/**
 * For a selector that picks nothing: the closest selector a workload in scope does satisfy when
 * exactly one label value differs by a typo (`istio: ingresgateway`). Returns the label to change.
 */
export function nearMissLabel(scope: readonly Workload[], selector: Readonly<Record<string, string>>): { key: string; value: string; suggestion: string } | undefined {
  const entries = Object.entries(selector);
  for (const [key, value] of entries) {
    const others = entries.filter(([k]) => k !== key);
    const values = new Set<string>();
    for (const w of scope) if (key in w.labels && others.every(([k, v]) => w.labels[k] === v)) values.add(w.labels[key]);
    const suggestion = closestLabelValue(value, [...values]);
    if (suggestion !== undefined && suggestion !== value) return { key, value, suggestion };
  }
  return undefined;
}

/**
 * The existing label value a person most likely meant. Values that differ only in their numbers
 * (`v3` and `v2`, `1.10` and `1.9`) are different versions, not typos, unless the numbers are
 * equal once leading zeros go (`v02` for `v2`).
 */
export function closestLabelValue(value: string, candidates: readonly string[]): string | undefined {
  const numbers = (s: string) => s.replace(/\d+/g, (d) => String(Number(d)));
  const shape = (s: string) => s.replace(/\d+/g, '#');
  return closest(
    value,
    candidates.filter((c) => numbers(c) === numbers(value) || shape(c) !== shape(value)),
  );
}

/** `a=1,b=2`, sorted: two selectors are the same when their keys are. */
export function selectorKey(selector: Readonly<Record<string, string>>): string {
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');
}

/** Whether every label of `sub` is in `sup` with the same value. */
export function isSubset(sub: Readonly<Record<string, string>>, sup: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(sub)) if (sup[k] !== v) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Namespaces and Secrets

export function namespaceObjects(ws: WorkspaceView): ReadonlyMap<string, K8sObject> {
  return ws.derived('istio.policy.namespaces', [NAMESPACE], (of) => new Map(of(NAMESPACE).flatMap((n) => (n.name ? [[n.name, n] as const] : []))));
}

/**
 * Istio's IsAmbientNamespace, from a Namespace object: enrolled in ambient and not also asking for
 * sidecar injection (which wins over ambient).
 */
export function isAmbientNamespace(ns: K8sObject | undefined): boolean {
  if (!ns) return false;
  const l = ns.labels;
  return l['istio.io/dataplane-mode'] === 'ambient' && l['istio-injection'] !== 'enabled' && !l['istio.io/rev'];
}

/** Whether a workload in an ambient namespace runs without a sidecar (it may opt out or opt into injection). */
export function isAmbientWorkload(w: Workload, ns: K8sObject | undefined): boolean {
  if (w.labels['istio.io/dataplane-mode'] === 'none' || w.labels['sidecar.istio.io/inject'] === 'true') return false;
  const annotations = isRecord(w.object.body.metadata) && w.templatePath.length === 0 ? w.object.annotations : {};
  if (annotations['ambient.istio.io/redirection'] === 'enabled') return true;
  return isAmbientNamespace(ns) || w.labels['istio.io/dataplane-mode'] === 'ambient';
}

/** Names of the Secrets the workspace defines, by namespace. */
export function secretsByNamespace(ws: WorkspaceView): ReadonlyMap<string, ReadonlySet<string>> {
  return ws.derived('istio.policy.secrets', [SECRET], (of) => {
    const out = new Map<string, Set<string>>();
    for (const s of of(SECRET)) {
      if (!s.name) continue;
      const set = out.get(s.namespace) ?? new Set<string>();
      set.add(s.name);
      out.set(s.namespace, set);
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Fixes

/** Replaces the scalar at `path` with `text`, keeping its quotes. */
export function replaceValueFix(object: K8sObject, lines: LineIndex, path: FieldPath, text: string, title: string, preferred = false): FixSpec[] {
  const loc = locatePath(object.doc.node, path, 'value');
  if (!loc.exact || loc.end <= loc.start) return [];
  const source = lines.slice(loc.start, loc.end);
  const quote = /^["']/.test(source) ? source[0] : '';
  return [{ title, preferred, edits: [{ start: loc.start, end: loc.end, newText: `${quote}${text}${quote}` }] }];
}

/** String-valued map of a field (`labels`, `matchLabels`), or undefined when absent or not a map. */
export function labelsAt(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  return out;
}

/**
 * Every traffic policy of a DestinationRule spec with its path: the rule's, each subset's, and the
 * port-level settings under each of them.
 */
export function trafficPolicies(spec: Record<string, unknown>): Array<{ policy: Record<string, unknown>; path: FieldPath }> {
  const out: Array<{ policy: Record<string, unknown>; path: FieldPath }> = [];
  const add = (policy: unknown, path: FieldPath) => {
    if (!isRecord(policy)) return;
    out.push({ policy, path });
    if (Array.isArray(policy.portLevelSettings)) policy.portLevelSettings.forEach((p, i) => isRecord(p) && out.push({ policy: p, path: [...path, 'portLevelSettings', i] }));
  };
  add(spec.trafficPolicy, ['spec', 'trafficPolicy']);
  if (Array.isArray(spec.subsets)) spec.subsets.forEach((s, i) => isRecord(s) && add(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']));
  return out;
}

/** Services by namespace. */
export function servicesByNamespace(ws: WorkspaceView): ReadonlyMap<string, readonly K8sObject[]> {
  return ws.derived('istio.policy.servicesByNamespace', [SERVICE], (of) => {
    const out = new Map<string, K8sObject[]>();
    for (const s of of(SERVICE)) push(out, s.namespace, s);
    return out;
  });
}

/** Whether two resolved exportTo lists share a namespace that sees both (`*` all, `~` none). */
export function exportsOverlap(a: readonly string[], b: readonly string[]): boolean {
  if (a.includes('~') || b.includes('~')) return false;
  if (a.includes('*') || b.includes('*')) return true;
  return a.some((x) => b.includes(x));
}

export interface HostPort {
  object: K8sObject;
  host: string;
  port: number;
  protocol: string;
  exportTo: readonly string[];
  /** Where the host and the port are written. */
  hostPath: FieldPath;
  portPath: FieldPath;
}

/** The ServiceEntries' declarations of one `host|port`, as a keyed entry. */
export function serviceEntryPorts(ws: WorkspaceView, key: string): readonly HostPort[] {
  return ws.lookup<HostPort[]>('istio.policy.serviceEntryPorts', [SERVICE_ENTRY], buildServiceEntryPorts, key) ?? [];
}

function buildServiceEntryPorts(of: (gk: string) => readonly K8sObject[]): ReadonlyMap<string, HostPort[]> {
  const out = new Map<string, HostPort[]>();
  for (const object of of(SERVICE_ENTRY)) for (const hp of hostPortsOf(object)) push(out, `${hp.host}|${hp.port}`, hp);
  return out;
}

export function hostPortsOf(object: K8sObject): HostPort[] {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  if (!Array.isArray(spec.hosts) || !Array.isArray(spec.ports)) return [];
  const raw = Array.isArray(spec.exportTo) ? spec.exportTo.filter((x): x is string => typeof x === 'string') : [];
  const exportTo = raw.length ? raw.map((x) => (x === '.' ? object.namespace : x)) : ['*'];
  const out: HostPort[] = [];
  spec.hosts.forEach((h, i) => {
    if (typeof h !== 'string' || !h) return;
    (spec.ports as unknown[]).forEach((p, j) => {
      if (!isRecord(p) || typeof p.number !== 'number') return;
      const protocol = typeof p.protocol === 'string' ? p.protocol.toUpperCase() : '';
      out.push({ object, host: toFqdn(h, object.namespace), port: p.number, protocol, exportTo, hostPath: ['spec', 'hosts', i], portPath: ['spec', 'ports', j] });
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Selector-based policies (Sidecar, Telemetry, ...)

export interface SelectorPolicy {
  object: K8sObject;
  /** Undefined when the policy has no selector (or an empty one): it applies to its whole namespace. */
  selector: Readonly<Record<string, string>> | undefined;
  /** Where the selector's labels are written (for reports), or the spec. */
  path: FieldPath;
  /** Bound by `targetRef(s)` instead of a selector: neither namespace-wide nor selecting pods. */
  targeted: boolean;
}

/** Where each kind keeps its workload selector labels. */
export const SELECTOR_PATHS: Readonly<Record<string, FieldPath>> = {
  [SIDECAR]: ['spec', 'workloadSelector', 'labels'],
  [TELEMETRY]: ['spec', 'selector', 'matchLabels'],
  [WASM_PLUGIN]: ['spec', 'selector', 'matchLabels'],
  [AUTHORIZATION_POLICY]: ['spec', 'selector', 'matchLabels'],
  [REQUEST_AUTHENTICATION]: ['spec', 'selector', 'matchLabels'],
  [ENVOY_FILTER]: ['spec', 'workloadSelector', 'labels'],
};

export function selectorPolicyOf(object: K8sObject, kind: string): SelectorPolicy {
  const path = SELECTOR_PATHS[kind];
  let v: unknown = object.body;
  for (const seg of path) v = isRecord(v) ? v[seg as string] : undefined;
  const labels = labelsAt(v);
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const targeted = isRecord(spec.targetRef) || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0);
  return { object, selector: labels && Object.keys(labels).length ? labels : undefined, path, targeted };
}

/** Other policies of the namespace that select a workload this one selects, with that workload. */
export function overlappingPolicies(ws: WorkspaceView, kind: string, self: SelectorPolicy): Array<{ other: SelectorPolicy; workload: Workload }> {
  if (!self.selector || self.targeted) return [];
  const mine = selectFrom(workloadsInNamespace(ws, self.object.namespace), self.selector);
  if (mine.length === 0) return [];
  const sameUnit = sameUnitAs(ws, self.object.uri);
  const out: Array<{ other: SelectorPolicy; workload: Workload }> = [];
  for (const other of policiesInNamespace(ws, kind, self.object.namespace)) {
    if (other.object.id === self.object.id || other.object.key === self.object.key || !other.selector || other.targeted || !sameUnit(other.object.uri)) continue;
    const sel = other.selector;
    const w = mine.find((x) => Object.entries(sel).every(([k, v]) => x.labels[k] === v));
    if (w) out.push({ other, workload: w });
  }
  return out;
}

/** Other selector-less (namespace-wide) policies of the namespace. */
export function otherNamespaceWide(ws: WorkspaceView, kind: string, self: SelectorPolicy): SelectorPolicy[] {
  if (self.selector || self.targeted) return [];
  const sameUnit = sameUnitAs(ws, self.object.uri);
  return policiesInNamespace(ws, kind, self.object.namespace).filter(
    (o) => o.object.id !== self.object.id && o.object.key !== self.object.key && !o.selector && !o.targeted && sameUnit(o.object.uri),
  );
}

/**
 * The shared check of "this policy's selector picks no workload in its namespace": a near miss
 * is an error with a fix; no workload at all in the namespace means they are deployed from
 * elsewhere (`unresolved`). Returns without reporting when something is selected.
 */
export function checkSelectorSelects(ctx: ObjectContext, kind: string, messages: { didYouMean: string; notFound: string; unresolved: string }): void {
  const { object, workspace, lines, report } = ctx;
  const self = selectorPolicyOf(object, kind);
  if (!self.selector || self.targeted) return;
  const inNamespace = workloadsInNamespace(workspace, object.namespace);
  if (selectFrom(inNamespace, self.selector).length) return;
  const selector = `"${selectorKey(self.selector)}"`;
  const data = { selector, namespace: object.namespace };
  const near = nearMissLabel(inNamespace, self.selector);
  if (near) {
    const path = [...self.path, near.key];
    report({ messageId: messages.didYouMean, data: { ...data, key: near.key, suggestion: near.suggestion }, path, fixes: replaceValueFix(object, lines, path, near.suggestion, `Change ${near.key} to "${near.suggestion}"`) });
  } else if (inNamespace.length) {
    report({ messageId: messages.notFound, data, path: self.path, target: 'key' });
  } else {
    report({ messageId: messages.unresolved, data, path: self.path, target: 'key', unresolved: true });
  }
}

const CLUSTER_LOCAL = new RegExp(`^([^.]+)\\.([^.]+)\\.${DOMAIN_SUFFIX.replace(/\./g, '\\.')}$`);

/** `name` and `namespace` of a `name.namespace.svc.cluster.local` host. */
export function splitClusterLocal(host: string): { name: string; namespace: string } | undefined {
  const m = CLUSTER_LOCAL.exec(host);
  return m ? { name: m[1], namespace: m[2] } : undefined;
}


// ---------------------------------------------------------------------------------------------
// Keyed views (WorkspaceView.lookup): a reader depends on its entry only, so an edit re-checks the
// objects whose entries changed instead of every reader of the kinds.

/** Records kept from one build to the next while their object and labels are the same, so their print is kept. */
const workloadRecords = new WeakMap<K8sObject, { sig: string; workload: Workload }>();

function buildWorkloadsByNamespace(of: (gk: string) => readonly K8sObject[]): ReadonlyMap<string, Workload[]> {
  const out = new Map<string, Workload[]>();
  for (const w of buildWorkloads(of)) {
    const sig = JSON.stringify([w.labels, w.templatePath]);
    const kept = workloadRecords.get(w.object);
    const workload = kept && kept.sig === sig ? kept.workload : w;
    if (workload === w) workloadRecords.set(w.object, { sig, workload: w });
    push(out, w.namespace, workload);
  }
  return out;
}

/** The workloads of one namespace, as a keyed entry: a workload edit elsewhere does not re-check the reader. */
export function workloadsInNamespace(ws: WorkspaceView, namespace: string): readonly Workload[] {
  return ws.lookup<Workload[]>('istio.policy.workloadsByNamespace', WORKLOAD_GROUP_KINDS, buildWorkloadsByNamespace, namespace) ?? [];
}

/** Workloads of a list whose pod labels a non-empty selector picks. */
export function selectFrom(list: readonly Workload[], selector: Readonly<Record<string, string>>): Workload[] {
  const entries = Object.entries(selector);
  return list.filter((w) => entries.every(([k, v]) => w.labels[k] === v));
}

const policyRecords = new WeakMap<K8sObject, SelectorPolicy>();

/** The policies of one kind in one namespace, as a keyed entry. */
export function policiesInNamespace(ws: WorkspaceView, kind: string, namespace: string): readonly SelectorPolicy[] {
  return (
    ws.lookup<SelectorPolicy[]>(
      `istio.policy.byNamespace.${kind}`,
      [kind],
      (of) => {
        const out = new Map<string, SelectorPolicy[]>();
        for (const o of of(kind)) {
          let p = policyRecords.get(o);
          if (!p) policyRecords.set(o, (p = selectorPolicyOf(o, kind)));
          push(out, o.namespace, p);
        }
        return out;
      },
      namespace,
    ) ?? []
  );
}

/**
 * Whether another file is rendered with this one (same kustomization root); the file's own root is
 * looked up only when there is another object to compare it with.
 */
export function sameUnitAs(ws: WorkspaceView, uri: string): (other: string) => boolean {
  let own: string | undefined;
  return (other) => other === uri || (own ??= ws.renderUnitOf(uri)) === ws.renderUnitOf(other);
}

// ---------------------------------------------------------------------------------------------
// A new DestinationRule from the workloads' versions

/**
 * The fix "create a DestinationRule with a subset for every version": for a host whose Service has
 * workloads in the workspace, a new document at the end of `file` with one subset per value of
 * their `version` label (`name: v1`, `labels: {version: v1}`). Nothing when no workload behind the
 * host carries a version. For a rule that finds subsets routed to while no DestinationRule exists.
 */
export function createDestinationRuleFix(ws: WorkspaceView, fqdn: string, namespace: string, file: LineIndex): FixSpec[] {
  const services = registryEntries(ws, `host|${fqdn}`).filter((e) => e.object.kind === 'Service' && e.object.group === '' && (e.exportTo.includes('*') || e.exportTo.includes(namespace)));
  const versions = new Set<string>();
  for (const e of services) {
    const selector = labelsAt(isRecord(e.object.body.spec) ? e.object.body.spec.selector : undefined);
    if (!selector || Object.keys(selector).length === 0) continue;
    for (const w of selectFrom(workloadsInNamespace(ws, e.namespace), selector)) if (w.labels.version) versions.add(w.labels.version);
  }
  if (versions.size === 0 || !services.length) return [];
  const service = services[0];
  const local = splitClusterLocal(fqdn);
  const host = local && local.namespace === namespace ? local.name : fqdn;
  const sorted = [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const subsets = sorted.map((v) => `    - name: ${v}\n      labels:\n        version: ${v}\n`).join('');
  const doc = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${service.object.name}\n  namespace: ${namespace}\nspec:\n  host: ${host}\n  subsets:\n${subsets}`;
  const end = file.offsetAt({ line: file.lineCount, character: 0 });
  const lead = end === 0 ? '' : file.slice(end - 1, end) === '\n' ? '---\n' : '\n---\n';
  return [{ title: `Create DestinationRule ${namespace}/${service.object.name} with subsets ${sorted.join(', ')}`, preferred: false, edits: [{ start: end, end, newText: `${lead}${doc}` }] }];
}

/**
 * The check shared by the "several policies of one kind select one workload" rules (Sidecar,
 * Telemetry): one report on the object's selector, related to every other policy and the workload.
 */
export function reportSelectorConflicts(ctx: ObjectContext, kind: string): void {
  const { object, workspace, report } = ctx;
  if (`${object.group}/${object.kind}` !== kind) return;
  const self = selectorPolicyOf(object, kind);
  const overlaps = overlappingPolicies(workspace, kind, self);
  if (overlaps.length === 0) return;
  report({
    messageId: 'conflict',
    data: { others: overlaps.map((o) => o.other.object.ref).join(', '), workload: overlaps[0].workload.object.ref },
    path: self.path,
    target: 'key',
    related: overlaps.map((o) => ({ object: o.other.object, path: o.other.path, message: `${o.other.object.ref} also selects ${o.workload.object.ref}`, target: 'key' as const })),
  });
}
