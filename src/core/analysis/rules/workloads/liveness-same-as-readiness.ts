import { isRecord } from '../../../k8s/object';
import { probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

/** Key order does not matter to the API; compare values canonically. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

export const livenessSameAsReadiness: ObjectRule = {
  meta: {
    id: 'liveness-same-as-readiness',
    code: 'ML4021',
    severity: 'hint',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Liveness probe identical to the readiness probe',
    description:
      'Readiness answers "should this pod get requests now?", liveness "is this process beyond repair?". When both are the same check, a pod that is merely overloaded or waiting for a dependency fails both: it is taken out of service and then restarted, and under load the restarts spread from pod to pod. A hint only: the Kubernetes documentation itself uses identical TCP probes in its example, and for a simple TCP check that is reasonable.',
    remediation: 'Point the liveness probe at a check of the process alone (or give it a much larger failureThreshold), and keep dependency checks in the readiness probe.',
    messages: {
      same: 'The livenessProbe of container "{container}" is identical to its readinessProbe: an overloaded pod fails both and is restarted, not just taken out of service (kube-score: Container has the same readiness and liveness probe).',
    },
    upstream: ['kube-score pod-probes: Container has the same readiness and liveness probe'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: 8080\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      const probes = probesOf(c);
      const liveness = probes.find((p) => p.kind === 'livenessProbe');
      const readiness = probes.find((p) => p.kind === 'readinessProbe');
      if (!liveness || !readiness || liveness.handlers.length === 0) continue;
      if (canonical(liveness.value) !== canonical(readiness.value)) continue;
      report({
        messageId: 'same',
        data: { container: c.name },
        path: liveness.path,
        target: 'key',
        related: [{ object, path: readiness.path, target: 'key', message: 'the readinessProbe it repeats' }],
      });
    }
  },
};
