import { reportSelectorConflicts, TELEMETRY } from '../../../../istio/policy';
import { WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { ObjectRule } from '../../../types';

export const telemetrySelectorConflict: ObjectRule = {
  meta: {
    id: 'telemetry-selector-conflict',
    code: 'ML1141',
    severity: 'error',
    scope: 'object',
    kinds: [TELEMETRY, ...WORKLOAD_GROUP_KINDS],
    title: 'Several Telemetries select one workload',
    description:
      'Two Telemetries of a namespace have selectors that both match one pod template. Istio applies one workload-level Telemetry per workload and which one is not defined, so the settings of the other are silently ignored there.',
    remediation: 'Make the selectors disjoint, or merge the two Telemetries into one.',
    messages: {
      conflict: 'This Telemetry and {others} both select {workload}; only one applies to it.',
    },
    upstream: ['IST0159 (telemetry.SelectorAnalyzer: several Telemetries select one workload)'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: a\nspec:\n  selector:\n    matchLabels: {app: reviews}\n  tracing: [{randomSamplingPercentage: 10}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: b\nspec:\n  selector:\n    matchLabels: {app: reviews}\n  accessLogging: [{providers: [{name: envoy}]}]\n',
      valid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: reviews\n  labels: {app: reviews}\nspec:\n  containers: [{name: reviews, image: reviews}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: a\nspec:\n  selector:\n    matchLabels: {app: reviews}\n  tracing: [{randomSamplingPercentage: 10}]\n  accessLogging: [{providers: [{name: envoy}]}]\n',
    },
  },
  check(ctx) {
    reportSelectorConflicts(ctx, TELEMETRY);
  },
};
