import { isAmbientNamespace, isAmbientWorkload, namespaceObjects, selectFrom, selectorPolicyOf, SIDECAR, workloadsInNamespace } from '../../../../istio/policy';
import { NAMESPACE, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { groupKindOf, ObjectRule } from '../../../types';

export const sidecarInAmbientNamespace: ObjectRule = {
  meta: {
    id: 'sidecar-in-ambient-namespace',
    code: 'ML1133',
    severity: 'warning',
    scope: 'object',
    kinds: [SIDECAR, NAMESPACE, ...WORKLOAD_GROUP_KINDS],
    title: 'Sidecar resource for ambient workloads',
    description:
      'The Sidecar resource configures sidecar proxies. Workloads in an ambient namespace (Namespace label `istio.io/dataplane-mode: ambient`, without `istio-injection: enabled` or `istio.io/rev`) run without one, so a namespace-wide Sidecar there, or one whose selector picks only ambient workloads, has no effect. Decided from the Namespace objects in the workspace.',
    remediation: 'Remove the Sidecar, or configure the ambient data plane instead (waypoint proxies, `istio.io/use-waypoint`).',
    messages: {
      namespace: 'Namespace {namespace} is an ambient namespace: its workloads run without sidecar proxies, so this Sidecar has no effect.',
      workload: 'This Sidecar selects {workload}, which runs in ambient mode without a sidecar proxy.',
    },
    upstream: ['IST0167 (sidecar.SelectorAnalyzer: Sidecar in ambient mode)'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio.io/dataplane-mode: ambient\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  egress: [{hosts: ["./*"]}]\n',
      valid: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  egress: [{hosts: ["./*"]}]\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== SIDECAR) return;
    const self = selectorPolicyOf(object, SIDECAR);
    const ns = namespaceObjects(workspace).get(object.namespace);
    if (!self.selector) {
      if (isAmbientNamespace(ns)) report({ messageId: 'namespace', data: { namespace: object.namespace }, path: ['metadata', 'namespace'] });
      return;
    }
    const selected = selectFrom(workloadsInNamespace(workspace, object.namespace), self.selector);
    const ambient = selected.filter((w) => isAmbientWorkload(w, ns));
    if (ambient.length && ambient.length === selected.length) {
      report({ messageId: 'workload', data: { workload: ambient.map((w) => w.object.ref).join(', ') }, path: self.path, target: 'key', related: ambient.map((w) => ({ object: w.object, path: ['metadata', 'name'], message: `${w.object.ref} runs in ambient mode` })) });
    }
  },
};
