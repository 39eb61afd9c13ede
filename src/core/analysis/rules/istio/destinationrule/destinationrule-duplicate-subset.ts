import { isRecord, K8sObject } from '../../../../k8s/object';
import { DESTINATION_RULE, toFqdn } from '../../../../istio/mesh';
import { sameUnitAs } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

interface Entry {
  object: K8sObject;
  /** Subset name to its index in `spec.subsets` (plain data, for the keyed view's fingerprint). */
  subsets: Record<string, number>;
}

/** Entries kept per object from one build to the next, so that the keyed view's prints are kept too. */
const entries = new WeakMap<K8sObject, { key: string; entry: Entry } | null>();

function entryOf(o: K8sObject): { key: string; entry: Entry } | null {
  let e = entries.get(o);
  if (e !== undefined) return e;
  const spec = isRecord(o.body.spec) ? o.body.spec : {};
  if (typeof spec.host !== 'string' || !spec.host || isRecord(spec.workloadSelector)) e = null;
  else {
    const subsets: Record<string, number> = {};
    if (Array.isArray(spec.subsets)) spec.subsets.forEach((s, i) => isRecord(s) && typeof s.name === 'string' && !(s.name in subsets) && (subsets[s.name] = i));
    e = { key: `${o.namespace}|${toFqdn(spec.host, o.namespace)}`, entry: { object: o, subsets } };
  }
  entries.set(o, e);
  return e;
}

/** DestinationRules without a workloadSelector, by namespace and FQDN host: the ones Istio merges. */
function byHost(of: (gk: string) => readonly K8sObject[]): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>();
  for (const o of of(DESTINATION_RULE)) {
    const e = entryOf(o);
    if (!e) continue;
    const list = out.get(e.key);
    if (list) list.push(e.entry);
    else out.set(e.key, [e.entry]);
  }
  return out;
}

export const destinationruleDuplicateSubset: ObjectRule = {
  meta: {
    id: 'destinationrule-duplicate-subset',
    code: 'ML1104',
    severity: 'warning',
    scope: 'object',
    kinds: [DESTINATION_RULE],
    title: 'Several DestinationRules for one host and subset',
    description:
      'Two DestinationRules of one namespace (without workload selectors) name the same host and define a subset of the same name, or both define the host without subsets. Istio merges DestinationRules for a host only where they do not overlap: for a subset defined twice, and for the host-level traffic policy, the older rule wins and the other is silently ignored. Copies of one object (same name) and objects under different kustomization roots (a base and its overlays) are not compared.',
    remediation: 'Keep one DestinationRule per host and subset: merge the subsets into one rule, or rename one subset.',
    messages: {
      subset: 'Subset "{subset}" of host {host} is also defined by {other}; only the older rule\'s subset applies.',
      host: 'Host {host} also has {other} without subsets; only the older rule\'s traffic policy applies.',
    },
    upstream: ['KIA0201'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v1\n      labels: {version: v1}\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews-canary\nspec:\n  host: reviews.default.svc.cluster.local\n  subsets:\n    - name: v1\n      labels: {version: v1}\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v1\n      labels: {version: v1}\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews-canary\nspec:\n  host: reviews.default.svc.cluster.local\n  subsets:\n    - name: v2\n      labels: {version: v2}\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (typeof spec.host !== 'string' || !spec.host || isRecord(spec.workloadSelector)) return;
    const host = toFqdn(spec.host, object.namespace);
    const group = workspace.lookup<Entry[]>('istio.destinationrule.byHost', [DESTINATION_RULE], byHost, `${object.namespace}|${host}`) ?? [];
    const self = group.find((e) => e.object.id === object.id);
    if (!self) return;
    const sameUnit = sameUnitAs(workspace, object.uri);
    for (const other of group) {
      if (other === self || other.object.key === object.key || !sameUnit(other.object.uri)) continue;
      if (Object.keys(self.subsets).length === 0 && Object.keys(other.subsets).length === 0) {
        report({ messageId: 'host', data: { host, other: other.object.ref }, path: ['spec', 'host'], related: [{ object: other.object, path: ['spec', 'host'], message: `${other.object.ref} also configures ${host}` }] });
        continue;
      }
      for (const [name, i] of Object.entries(self.subsets)) {
        const j = other.subsets[name];
        if (j === undefined) continue;
        report({
          messageId: 'subset',
          data: { subset: name, host, other: other.object.ref },
          path: ['spec', 'subsets', i, 'name'],
          related: [{ object: other.object, path: ['spec', 'subsets', j, 'name'], message: `subset "${name}" is also defined here` }],
        });
      }
    }
  },
};
