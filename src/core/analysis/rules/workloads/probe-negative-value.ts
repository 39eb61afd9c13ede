import { probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

const FIELDS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;

export const probeNegativeValue: ObjectRule = {
  meta: {
    id: 'probe-negative-value',
    code: 'ML4006',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Negative probe timing or threshold',
    description:
      "A probe's `initialDelaySeconds`, `timeoutSeconds`, `periodSeconds`, `successThreshold` and `failureThreshold` cannot be negative; the API server rejects the object. (0 means the default for all but `initialDelaySeconds`.)",
    remediation: 'Use 0 or a positive number, or remove the field to get the default.',
    messages: {
      negative: '{field} of the {probe} of container "{container}" is {value}; the API server rejects it ("must be greater than or equal to 0").',
    },
    upstream: ['API server: must be greater than or equal to 0'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        tcpSocket:\n          port: 8080\n        initialDelaySeconds: -5\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        tcpSocket:\n          port: 8080\n        initialDelaySeconds: 5\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        for (const field of FIELDS) {
          const value = p.value[field];
          if (typeof value === 'number' && value < 0) report({ messageId: 'negative', data: { field, probe: p.kind, container: c.name, value }, path: [...p.path, field] });
        }
      }
    }
  },
};
