/**
 * A Rollout read the way the Argo Rollouts controller reads it: plain accessors over the decoded
 * body (the schema rules have already said what is mistyped, so these return undefined rather
 * than guess), the kind constants, and the indexes the cross-file rules share.
 */
import type { WorkspaceView } from '../analysis/types';
import { isRecord, K8sObject } from '../k8s/object';
import type { FieldPath } from '../yaml/path';

export { closest } from '../schema/suggest';

export const ROLLOUT = 'argoproj.io/Rollout';
export const ANALYSIS_TEMPLATE = 'argoproj.io/AnalysisTemplate';
export const CLUSTER_ANALYSIS_TEMPLATE = 'argoproj.io/ClusterAnalysisTemplate';

/** The label the controller adds to Services and pods; a Service may select on it freely. */
export const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

export type Rec = Record<string, unknown>;

export function rec(v: unknown): Rec | undefined {
  return isRecord(v) ? v : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function at(v: unknown, path: FieldPath): unknown {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** Whether a key is present (even with a null value): Go's pointer fields are set by `key: {}`. */
export function has(v: unknown, key: string): boolean {
  return isRecord(v) && key in v && v[key] !== undefined;
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  return out;
}

export interface RolloutView {
  spec: Rec;
  canary: Rec | undefined;
  blueGreen: Rec | undefined;
  /** `spec.strategy.canary` or `spec.strategy.blueGreen`, whichever is set (canary first). */
  strategyPath: FieldPath;
  trafficRouting: Rec | undefined;
  steps: unknown[];
}

export function rolloutView(o: K8sObject): RolloutView {
  const spec = rec(o.body.spec) ?? {};
  const strategy = rec(spec.strategy) ?? {};
  const canary = rec(strategy.canary);
  const blueGreen = rec(strategy.blueGreen);
  return {
    spec,
    canary,
    blueGreen,
    strategyPath: ['spec', 'strategy', canary ? 'canary' : 'blueGreen'],
    trafficRouting: rec(canary?.trafficRouting),
    steps: list(canary?.steps),
  };
}

export type ServiceRole = 'canaryService' | 'stableService' | 'activeService' | 'previewService' | 'pingService' | 'pongService';

export interface ServiceRef {
  role: ServiceRole;
  name: string;
  path: FieldPath;
}

/** The Services a Rollout names, where it names them (the order the controller checks them). */
export function serviceRefs(o: K8sObject): ServiceRef[] {
  const { canary, blueGreen } = rolloutView(o);
  const out: ServiceRef[] = [];
  const add = (role: ServiceRole, holder: Rec | undefined, path: FieldPath) => {
    const name = str(holder?.[role]);
    if (name) out.push({ role, name, path: [...path, role] });
  };
  const c: FieldPath = ['spec', 'strategy', 'canary'];
  const b: FieldPath = ['spec', 'strategy', 'blueGreen'];
  add('canaryService', canary, c);
  add('stableService', canary, c);
  add('pingService', rec(canary?.pingPong), [...c, 'pingPong']);
  add('pongService', rec(canary?.pingPong), [...c, 'pingPong']);
  add('activeService', blueGreen, b);
  add('previewService', blueGreen, b);
  return out;
}

/** Pod template labels of a Rollout, through `workloadRef` when it has one (`deployment` looks one up by namespace and name). */
export function templateLabels(o: K8sObject, deployment: (namespace: string, name: string) => K8sObject | undefined): Record<string, string> | undefined {
  const spec = rec(o.body.spec) ?? {};
  let template = rec(spec.template);
  const ref = rec(spec.workloadRef);
  if (ref && !rec(template?.metadata)) {
    const name = str(ref.name);
    const target = name ? deployment(o.namespace, name) : undefined;
    if (!target) return undefined;
    template = rec(at(target.body, ['spec', 'template']));
  }
  if (!template) return undefined;
  return stringMap(at(template, ['metadata', 'labels']));
}

/** Objects of some kinds by namespace and by name, built once per change of those kinds. */
export interface NameIndex {
  get(namespace: string, name: string): K8sObject | undefined;
  names(namespace: string): string[];
}

export function nameIndex(ws: WorkspaceView, kind: string): NameIndex {
  return ws.derived(`rollouts.names:${kind}`, [kind], (of) => {
    const byNs = new Map<string, Map<string, K8sObject>>();
    for (const o of of(kind)) {
      if (!o.name) continue;
      let m = byNs.get(o.namespace);
      if (!m) byNs.set(o.namespace, (m = new Map()));
      if (!m.has(o.name)) m.set(o.name, o);
    }
    return {
      get: (ns: string, name: string) => byNs.get(ns)?.get(name),
      names: (ns: string) => [...(byNs.get(ns)?.keys() ?? [])],
    };
  });
}

/** Go's intstr: an int, a numeric string or a percentage; undefined when unreadable. */
export function intOrPercent(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)%?$/.exec(v);
  return m ? Number(m[1]) : undefined;
}
