import { otherNamespaceWide, selectorPolicyOf, TELEMETRY } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const telemetryDefaultDuplicate: ObjectRule = {
  meta: {
    id: 'telemetry-default-duplicate',
    code: 'ML1142',
    severity: 'error',
    scope: 'object',
    kinds: [TELEMETRY],
    title: 'Several Telemetries without selector in one namespace',
    description:
      'A Telemetry without `selector` (and without `targetRefs`) is the default for its namespace (for the whole mesh in the root namespace, `istio-system`). With two of them, which one applies is not defined, so the other is silently ignored.',
    remediation: 'Merge them into one namespace-wide Telemetry, or give one a selector.',
    messages: {
      duplicate: 'Namespace {namespace} has other Telemetries without selector ({others}); only one namespace default applies.',
    },
    upstream: ['IST0160 (telemetry.DefaultSelectorAnalyzer: several Telemetries without selector)'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: tracing\nspec:\n  tracing: [{randomSamplingPercentage: 10}]\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: logs\nspec:\n  accessLogging: [{providers: [{name: envoy}]}]\n',
      valid: 'apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: default\nspec:\n  tracing: [{randomSamplingPercentage: 10}]\n  accessLogging: [{providers: [{name: envoy}]}]\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== TELEMETRY) return;
    const self = selectorPolicyOf(object, TELEMETRY);
    const others = otherNamespaceWide(workspace, TELEMETRY, self);
    if (others.length === 0) return;
    report({
      messageId: 'duplicate',
      data: { namespace: object.namespace, others: others.map((o) => o.object.ref).join(', ') },
      path: ['metadata', 'name'],
      related: others.map((o) => ({ object: o.object, path: ['metadata', 'name'], message: `${o.object.ref} is also a namespace default` })),
    });
  },
};
