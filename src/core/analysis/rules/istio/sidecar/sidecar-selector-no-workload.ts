import { SIDECAR, checkSelectorSelects } from '../../../../istio/policy';
import { WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { groupKindOf, ObjectRule } from '../../../types';

export const sidecarSelectorNoWorkload: ObjectRule = {
  meta: {
    id: 'sidecar-selector-no-workload',
    code: 'ML1130',
    severity: 'error',
    scope: 'object',
    kinds: [SIDECAR, ...WORKLOAD_GROUP_KINDS],
    title: 'Sidecar selector matches no workload',
    description:
      'The `workloadSelector` of a Sidecar matches no pod template of its namespace in the workspace, so it configures no proxy. When the namespace has no workloads here at all they are probably deployed from elsewhere and the `meshlens.references.unresolved` setting decides; a label value that differs from an existing one by a typo is an error with a fix.',
    remediation: 'Use the labels of the workload\'s pod template, or remove the selector to make the Sidecar the namespace default.',
    messages: {
      didYouMean: 'workloadSelector {selector} matches no workload in namespace {namespace}; did you mean {key}: {suggestion}?',
      notFound: 'workloadSelector {selector} matches no workload in namespace {namespace}.',
      unresolved: 'workloadSelector {selector} matches no workload in the workspace (namespace {namespace} has none here; it may be deployed from elsewhere).',
    },
    upstream: ['IST0101 (sidecar.SelectorAnalyzer: selector matches no pod)', 'KIA0004'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: reviews\nspec:\n  workloadSelector:\n    labels:\n      app: reveiws\n  egress:\n    - hosts: ["./*"]\n',
      valid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: reviews\nspec:\n  workloadSelector:\n    labels:\n      app: reviews\n  egress:\n    - hosts: ["./*"]\n',
    },
  },
  check(ctx) {
    if (groupKindOf(ctx.object) !== SIDECAR) return;
    checkSelectorSelects(ctx, SIDECAR, { didYouMean: 'didYouMean', notFound: 'notFound', unresolved: 'unresolved' });
  },
};
