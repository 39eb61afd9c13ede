/**
 * A Rollout read the way the Argo Rollouts controller reads it: plain accessors over the decoded
 * body (the schema rules have already said what is mistyped, so these return undefined rather
 * than guess), the kind constants, and the indexes the cross-file rules share.
 */
import type { WorkspaceView } from '../analysis/types';
import { isRecord, K8sObject, objectKey } from '../k8s/object';
import type { FieldPath } from '../yaml/path';

import { closest } from '../schema/suggest';

export { closest };

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

/**
 * The object a reference names, by its exact key: the engine then re-checks the referrer only when
 * that object changes, not when any object of the kind does.
 */
export function findObject(ws: WorkspaceView, groupKind: string, namespace: string, name: string): K8sObject | undefined {
  const slash = groupKind.indexOf('/');
  return ws.objectsWithKey(objectKey(groupKind.slice(0, slash), groupKind.slice(slash + 1), namespace, name))[0];
}

/**
 * Names of the objects of a kind in a namespace, as a keyed entry: the reader is re-checked when
 * the names in that namespace change, not on every edit of the kind. Read only when a reference is
 * missing (for "did you mean" and to tell a near miss from a reference elsewhere).
 */
export function namesIn(ws: WorkspaceView, groupKind: string, namespace: string): string[] {
  return (
    ws.lookup<string[]>(
      `rollouts.names:${groupKind}`,
      [groupKind],
      (of) => {
        const m = new Map<string, string[]>();
        for (const o of of(groupKind)) {
          if (!o.name) continue;
          const list = m.get(o.namespace);
          if (list) list.push(o.name);
          else m.set(o.namespace, [o.name]);
        }
        return m;
      },
      namespace,
    ) ?? []
  );
}

/** What a rule reports for a missing reference: a guess among the names there, and whether it is likely defined elsewhere. */
export function missingRef(ws: WorkspaceView, groupKind: string, namespace: string, name: string): { hint: string; unresolved: true | undefined } {
  const existing = namesIn(ws, groupKind, namespace);
  const guess = closest(name, existing);
  return { hint: guess ? ` (did you mean "${guess}"?)` : '', unresolved: existing.length === 0 ? true : undefined };
}

/** Go's intstr: an int, a numeric string or a percentage; undefined when unreadable. */
export function intOrPercent(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)%?$/.exec(v);
  return m ? Number(m[1]) : undefined;
}
