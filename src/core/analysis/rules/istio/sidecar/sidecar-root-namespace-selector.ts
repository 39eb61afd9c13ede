import { ROOT_NAMESPACE, selectorPolicyOf, SIDECAR } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const sidecarRootNamespaceSelector: ObjectRule = {
  meta: {
    id: 'sidecar-root-namespace-selector',
    code: 'ML1134',
    severity: 'warning',
    scope: 'object',
    kinds: [SIDECAR],
    title: 'Sidecar in the root namespace with a workload selector',
    description:
      'A Sidecar in the root namespace (`istio-system`) is meant to be the mesh-wide default, which has no `workloadSelector`. With a selector it applies only to the matching workloads of `istio-system` itself and is not a default anywhere else, which is rarely what was intended.',
    remediation: 'Remove the selector to make it the mesh-wide default, or move the Sidecar to the namespace of the workloads it is for.',
    messages: {
      selector: 'A Sidecar in the root namespace {namespace} with a workloadSelector is not the mesh-wide default: it applies only to matching workloads of {namespace}.',
    },
    upstream: ['KIA1006'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  workloadSelector:\n    labels: {version: v1}\n  egress: [{hosts: ["./*"]}]\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  egress: [{hosts: ["./*"]}]\n',
    },
  },
  check({ object, report }) {
    if (groupKindOf(object) !== SIDECAR) return;
    if (object.namespace !== ROOT_NAMESPACE) return;
    const self = selectorPolicyOf(object, SIDECAR);
    if (self.selector) report({ messageId: 'selector', data: { namespace: object.namespace }, path: ['spec', 'workloadSelector'], target: 'key' });
  },
};
