import { isRecord } from '../../../../k8s/object';
import { DESTINATION_RULE, REGISTRY_KINDS, toFqdn, visibleFrom, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { registryEntries } from '../../../../istio/routes';
import { closestLabelValue, isTopologyLabel, labelsAt, replaceValueFix, selectFrom, workloadsInNamespace } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const destinationruleSubsetNoWorkload: ObjectRule = {
  meta: {
    id: 'destinationrule-subset-no-workload',
    code: 'ML1102',
    severity: 'warning',
    scope: 'object',
    kinds: [DESTINATION_RULE, ...REGISTRY_KINDS, ...WORKLOAD_GROUP_KINDS],
    title: 'DestinationRule subset selects no workload',
    description:
      'A subset\'s labels match none of the pod templates behind the host\'s Service (Deployments, StatefulSets, Argo Rollouts, DaemonSets, Jobs, OpenShift DeploymentConfigs, Pods in the workspace), so a route to that subset has no endpoints and fails with 503 "no healthy upstream". Topology labels (`topology.kubernetes.io/zone`, ...) come from nodes and are not looked for in pod templates. Hosts whose Service has no selector, ServiceEntry hosts, and Services with no workload in the workspace at all (probably deployed from elsewhere) are not checked.',
    remediation: 'Make the subset labels match the pod template labels of one version (usually `version: v1`), or add the workload of that version.',
    messages: {
      noWorkload: 'Subset "{subset}" selects none of the workloads behind {host} ({found}).',
      didYouMean: 'Subset "{subset}" selects none of the workloads behind {host}; {key}: "{value}" matches nothing, did you mean "{suggestion}"?',
    },
    upstream: ['IST0173 (destinationrule.SubsetSelectPodAnalyzer: subset selects no pods)', 'KIA0203'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews-v1\nspec:\n  selector:\n    matchLabels: {app: reviews, version: v1}\n  template:\n    metadata:\n      labels: {app: reviews, version: v1}\n    spec:\n      containers: [{name: reviews, image: reviews}]\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v1\n      labels:\n        version: v01\n',
      valid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews-v1\nspec:\n  selector:\n    matchLabels: {app: reviews, version: v1}\n  template:\n    metadata:\n      labels: {app: reviews, version: v1}\n    spec:\n      containers: [{name: reviews, image: reviews}]\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v1\n      labels:\n        version: v1\n',
    },
  },
  check({ object, workspace, lines, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (typeof spec.host !== 'string' || spec.host.includes('*') || !Array.isArray(spec.subsets)) return;
    const services = registryEntries(workspace, `host|${toFqdn(spec.host, object.namespace)}`).filter((e) => visibleFrom(e, object.namespace) && e.object.kind === 'Service' && e.object.group === '');
    if (services.length === 0) return;
    const behind = services.flatMap((e) => {
      const selector = labelsAt(isRecord(e.object.body.spec) ? e.object.body.spec.selector : undefined);
      return selector && Object.keys(selector).length ? selectFrom(workloadsInNamespace(workspace, e.namespace), selector) : [];
    });
    if (behind.length === 0) return;
    spec.subsets.forEach((subset, i) => {
      if (!isRecord(subset)) return;
      const labels = labelsAt(subset.labels);
      if (!labels) return;
      const own = Object.entries(labels).filter(([k]) => !isTopologyLabel(k));
      if (own.length === 0 || behind.some((w) => own.every(([k, v]) => w.labels[k] === v))) return;
      const name = typeof subset.name === 'string' ? subset.name : String(i);
      const host = services[0].host;
      // One label off by a typo (`version: v01`): offer the value the workloads carry.
      for (const [key, value] of own) {
        const others = own.filter(([k]) => k !== key);
        const values = [...new Set(behind.filter((w) => key in w.labels && others.every(([k, v]) => w.labels[k] === v)).map((w) => w.labels[key]))];
        const suggestion = closestLabelValue(value, values);
        if (!suggestion) continue;
        const path = ['spec', 'subsets', i, 'labels', key];
        report({ messageId: 'didYouMean', data: { subset: name, host, key, value, suggestion }, path, fixes: replaceValueFix(object, lines, path, suggestion, `Change ${key} to "${suggestion}"`) });
        return;
      }
      const found = describeVersions(behind.map((w) => w.labels));
      report({
        messageId: 'noWorkload',
        data: { subset: name, host, found },
        path: ['spec', 'subsets', i, 'labels'],
        related: [...behind].sort((a, b) => a.object.ref.localeCompare(b.object.ref)).slice(0, 5).map((w) => ({ object: w.object, path: [...w.templatePath, 'metadata', 'labels'], message: `${w.object.ref} runs behind ${host}` })),
      });
    });
  },
};

function describeVersions(labels: ReadonlyArray<Readonly<Record<string, string>>>): string {
  const versions = [...new Set(labels.map((l) => l.version).filter((v): v is string => v !== undefined))].sort();
  return versions.length ? `their versions: ${versions.join(', ')}` : `${labels.length} workload${labels.length === 1 ? '' : 's'}, none with these labels`;
}
