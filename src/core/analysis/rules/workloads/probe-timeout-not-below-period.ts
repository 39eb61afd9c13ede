import { probesOf, probingContainers, timing } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

export const probeTimeoutNotBelowPeriod: ObjectRule = {
  meta: {
    id: 'probe-timeout-not-below-period',
    code: 'ML4022',
    severity: 'warning',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Probe timeoutSeconds not below periodSeconds',
    description:
      'The kubelet runs one probe at a time per container: a probe that hangs until `timeoutSeconds` holds up the next one, so with a timeout as long as the period (or longer) a hung app is probed less often than `periodSeconds` says, and failures take longer to detect than `failureThreshold × periodSeconds`. It usually means the two were mixed up (defaults: timeout 1 s, period 10 s).',
    remediation: 'Keep `timeoutSeconds` well below `periodSeconds`: a few seconds of timeout, a period several times longer.',
    messages: {
      notBelow:
        'The {probe} of container "{container}" has timeoutSeconds {timeout} ≥ periodSeconds {period}: a probe that hangs delays the next one, so failures are detected later than the period suggests.',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        tcpSocket:\n          port: 8080\n        timeoutSeconds: 10\n        periodSeconds: 5\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        tcpSocket:\n          port: 8080\n        timeoutSeconds: 2\n        periodSeconds: 5\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        const timeout = timing(p, 'timeoutSeconds');
        const period = timing(p, 'periodSeconds');
        if (timeout < period) continue;
        const field = p.value.timeoutSeconds !== undefined ? 'timeoutSeconds' : 'periodSeconds';
        report({ messageId: 'notBelow', data: { probe: p.kind, container: c.name, timeout, period }, path: [...p.path, field] });
      }
    }
  },
};
