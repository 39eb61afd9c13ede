import { otherNamespaceWide, selectorPolicyOf, SIDECAR } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const sidecarDefaultDuplicate: ObjectRule = {
  meta: {
    id: 'sidecar-default-duplicate',
    code: 'ML1132',
    severity: 'error',
    scope: 'object',
    kinds: [SIDECAR],
    title: 'Several Sidecars without selector in one namespace',
    description:
      'A Sidecar without `workloadSelector` is the default for every workload of its namespace (of the whole mesh in the root namespace, `istio-system`). With two of them, which one applies is not defined, so one of them is silently ignored.',
    remediation: 'Keep one namespace-wide Sidecar and merge the other into it, or give one a workload selector.',
    messages: {
      duplicate: 'Namespace {namespace} has other Sidecars without workloadSelector ({others}); only one namespace default applies.',
    },
    upstream: ['IST0111 (sidecar.SelectorAnalyzer: several Sidecars without selector)', 'KIA0002'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  egress: [{hosts: ["./*"]}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: restrict\nspec:\n  egress: [{hosts: ["istio-system/*"]}]\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  egress: [{hosts: ["./*", "istio-system/*"]}]\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== SIDECAR) return;
    const self = selectorPolicyOf(object, SIDECAR);
    const others = otherNamespaceWide(workspace, SIDECAR, self);
    if (others.length === 0) return;
    report({
      messageId: 'duplicate',
      data: { namespace: object.namespace, others: others.map((o) => o.object.ref).join(', ') },
      path: ['metadata', 'name'],
      related: others.map((o) => ({ object: o.object, path: ['metadata', 'name'], message: `${o.object.ref} is also a namespace default` })),
    });
  },
};
