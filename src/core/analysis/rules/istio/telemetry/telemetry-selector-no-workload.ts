import { checkSelectorSelects, TELEMETRY } from '../../../../istio/policy';
import { WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { groupKindOf, ObjectRule } from '../../../types';

export const telemetrySelectorNoWorkload: ObjectRule = {
  meta: {
    id: 'telemetry-selector-no-workload',
    code: 'ML1140',
    severity: 'error',
    scope: 'object',
    kinds: [TELEMETRY, ...WORKLOAD_GROUP_KINDS],
    title: 'Telemetry selector matches no workload',
    description:
      'The `selector` of a Telemetry matches no pod template of its namespace in the workspace, so its metrics, tracing and access-log settings apply to nothing. When the namespace has no workloads here at all they are probably deployed from elsewhere and the `meshlens.references.unresolved` setting decides; a label value that differs from an existing one by a typo is an error with a fix.',
    remediation: 'Use the labels of the workload\'s pod template (in the Telemetry\'s namespace), or remove the selector to apply it to the whole namespace.',
    messages: {
      didYouMean: 'Selector {selector} matches no workload in namespace {namespace}; did you mean {key}: {suggestion}?',
      notFound: 'Selector {selector} matches no workload in namespace {namespace}.',
      unresolved: 'Selector {selector} matches no workload in the workspace (namespace {namespace} has none here; it may be deployed from elsewhere).',
    },
    upstream: ['IST0101 (telemetry.SelectorAnalyzer: selector matches no pod)'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: reviews\nspec:\n  selector:\n    matchLabels:\n      app: reveiws\n  tracing: [{randomSamplingPercentage: 10}]\n',
      valid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: reviews\nspec:\n  selector:\n    matchLabels:\n      app: reviews\n  tracing: [{randomSamplingPercentage: 10}]\n',
    },
  },
  check(ctx) {
    if (groupKindOf(ctx.object) !== TELEMETRY) return;
    checkSelectorSelects(ctx, TELEMETRY, { didYouMean: 'didYouMean', notFound: 'notFound', unresolved: 'unresolved' });
  },
};
