import { reportSelectorConflicts, SIDECAR } from '../../../../istio/policy';
import { WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { ObjectRule } from '../../../types';

export const sidecarSelectorConflict: ObjectRule = {
  meta: {
    id: 'sidecar-selector-conflict',
    code: 'ML1131',
    severity: 'error',
    scope: 'object',
    kinds: [SIDECAR, ...WORKLOAD_GROUP_KINDS],
    title: 'Several Sidecars select one workload',
    description:
      'Two Sidecars of a namespace have workload selectors that both match one pod template. A proxy takes exactly one Sidecar, and which one is not defined (in practice the oldest), so the egress and ingress settings of the other are silently ignored for that workload.',
    remediation: 'Make the selectors disjoint (one Sidecar per workload), or merge the two Sidecars.',
    messages: {
      conflict: 'This Sidecar and {others} both select {workload}; a proxy uses only one Sidecar.',
    },
    upstream: ['IST0110 (sidecar.SelectorAnalyzer: several Sidecars select one workload)', 'KIA0003'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: a\nspec:\n  workloadSelector:\n    labels: {app: reviews}\n  egress: [{hosts: ["./*"]}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: b\nspec:\n  workloadSelector:\n    labels: {app: reviews}\n  egress: [{hosts: ["istio-system/*"]}]\n',
      valid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: a\nspec:\n  workloadSelector:\n    labels: {app: reviews}\n  egress: [{hosts: ["./*", "istio-system/*"]}]\n',
    },
  },
  check(ctx) {
    reportSelectorConflicts(ctx, SIDECAR);
  },
};
