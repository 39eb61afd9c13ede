import { isRecord, K8sObject } from '../../../../k8s/object';
import { labelsAt, sameUnitAs, selectorKey, WORKLOAD_GROUP } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

function labelsOf(o: K8sObject): Record<string, string> | undefined {
  const spec = isRecord(o.body.spec) ? o.body.spec : {};
  const labels = labelsAt(isRecord(spec.metadata) ? spec.metadata.labels : undefined);
  return labels && Object.keys(labels).length ? labels : undefined;
}

/** WorkloadGroups by namespace and exact label set. */
function byLabels(of: (gk: string) => readonly K8sObject[]): Map<string, K8sObject[]> {
  const out = new Map<string, K8sObject[]>();
  for (const o of of(WORKLOAD_GROUP)) {
    const labels = labelsOf(o);
    if (!labels) continue;
    const key = `${o.namespace}|${selectorKey(labels)}`;
    out.set(key, [...(out.get(key) ?? []), o]);
  }
  return out;
}

export const workloadgroupDuplicateLabels: ObjectRule = {
  meta: {
    id: 'workloadgroup-duplicate-labels',
    code: 'ML1160',
    severity: 'warning',
    scope: 'object',
    kinds: [WORKLOAD_GROUP],
    title: 'WorkloadGroups with the same labels',
    description:
      'Two WorkloadGroups of a namespace give their WorkloadEntries (the VMs that join the mesh) exactly the same labels, so every Service, ServiceEntry `workloadSelector`, subset and policy that selects one group selects the other: traffic for one fleet of VMs is spread over both.',
    remediation: 'Give each WorkloadGroup a label that tells its workloads apart (`app`, `version`), or merge the groups.',
    messages: {
      duplicate: 'The labels {labels} are also those of {others}: selectors cannot tell their workloads apart.',
    },
    upstream: ['KIA1702'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: ratings-vm\nspec:\n  metadata:\n    labels: {app: ratings}\n  template: {serviceAccount: ratings}\n---\napiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: ratings-vm-2\nspec:\n  metadata:\n    labels: {app: ratings}\n  template: {serviceAccount: ratings}\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: ratings-vm\nspec:\n  metadata:\n    labels: {app: ratings, version: v1}\n  template: {serviceAccount: ratings}\n---\napiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: ratings-vm-2\nspec:\n  metadata:\n    labels: {app: ratings, version: v2}\n  template: {serviceAccount: ratings}\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== WORKLOAD_GROUP) return;
    const labels = labelsOf(object);
    if (!labels) return;
    const key = selectorKey(labels);
    const sameUnit = sameUnitAs(workspace, object.uri);
    const others = (workspace.lookup<K8sObject[]>('istio.workloadgroup.byLabels', [WORKLOAD_GROUP], byLabels, `${object.namespace}|${key}`) ?? []).filter(
      (o) => o.id !== object.id && o.key !== object.key && sameUnit(o.uri),
    );
    if (others.length === 0) return;
    report({
      messageId: 'duplicate',
      data: { labels: `"${key}"`, others: others.map((o) => o.ref).join(', ') },
      path: ['spec', 'metadata', 'labels'],
      target: 'key',
      related: others.map((o) => ({ object: o, path: ['spec', 'metadata', 'labels'], message: `${o.ref} has the same labels`, target: 'key' as const })),
    });
  },
};
