import { expand, FieldPattern, resolvePattern } from '../../../istio/pattern';
import { groupKindOf, ObjectRule } from '../../types';

interface PercentField {
  pattern: FieldPattern;
  /** Fault injection also refuses values between 0 and 0.0001 (Envoy's resolution of a fraction). */
  fault?: boolean;
}

const outlier = expand(
  ['spec.trafficPolicy', 'spec.trafficPolicy.portLevelSettings[]', 'spec.subsets[].trafficPolicy', 'spec.subsets[].trafficPolicy.portLevelSettings[]'],
  ['outlierDetection.maxEjectionPercent', 'outlierDetection.minHealthPercent'],
);

/** From istiod's webhook (validatePercentage, ValidatePercent, the mirror checks); the CRDs bound none of these. */
const FIELDS: Record<string, PercentField[]> = {
  'networking.istio.io/VirtualService': [
    { pattern: 'spec.http[].fault.abort.percentage.value', fault: true },
    { pattern: 'spec.http[].fault.delay.percentage.value', fault: true },
    { pattern: 'spec.http[].mirrorPercentage.value' },
    { pattern: 'spec.http[].mirrors[].percentage.value' },
    { pattern: 'spec.http[].mirrorPercent' },
  ],
  'networking.istio.io/DestinationRule': outlier.map((pattern) => ({ pattern })),
  'telemetry.istio.io/Telemetry': [{ pattern: 'spec.tracing[].randomSamplingPercentage' }],
};

export const invalidPercentage: ObjectRule = {
  meta: {
    id: 'invalid-percentage',
    code: 'ML0018',
    severity: 'error',
    scope: 'object',
    kinds: Object.keys(FIELDS),
    title: 'Percentage out of range',
    description:
      'A percentage outside 0-100: the share of requests a fault injection aborts or delays, the share of traffic mirrored, the maximum share of hosts outlier detection may eject, the tracing sampling rate. The CRD schema types them as plain numbers; istiod\'s webhook rejects the object. Fault percentages must also be 0 or at least 0.0001, the finest fraction Envoy applies.',
    remediation: 'Use a value between 0 and 100 (a percentage, not a fraction of 1000 or a count).',
    messages: {
      range: '{value} is not a percentage: use a value between 0 and 100.',
      fault: '{value} is not a valid fault percentage: use 0, or a value between 0.0001 and 100.',
    },
    upstream: ['istiod webhook: percentage is neither 0.0, nor in range [0.0001, 100.0]', 'istiod webhook: mirror_percentage must have a max value of 100', 'istiod webhook: percentage is not in range 0..100'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ratings\nspec:\n  hosts: [ratings]\n  http:\n    - fault:\n        abort:\n          httpStatus: 503\n          percentage:\n            value: 150\n      route:\n        - destination:\n            host: ratings\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ratings\nspec:\n  hosts: [ratings]\n  http:\n    - fault:\n        abort:\n          httpStatus: 503\n          percentage:\n            value: 15\n      route:\n        - destination:\n            host: ratings\n',
    },
  },
  check({ object, report }) {
    for (const field of FIELDS[groupKindOf(object)] ?? []) {
      for (const { path, value } of resolvePattern(object.body, field.pattern)) {
        if (typeof value !== 'number') continue;
        if (value < 0 || value > 100) report({ messageId: field.fault ? 'fault' : 'range', data: { value }, path });
        else if (field.fault && value > 0 && value < 0.0001) report({ messageId: 'fault', data: { value }, path });
      }
    }
  },
};
