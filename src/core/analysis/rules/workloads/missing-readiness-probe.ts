import { containersOf, hasTrafficRouting, runsToCompletion } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { readinessSkeletonFix } from '../../probe-fixes';
import { ObjectRule } from '../../types';

export const missingReadinessProbe: ObjectRule = {
  meta: {
    id: 'missing-readiness-probe',
    code: 'ML4011',
    severity: 'info',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Container without a readiness probe',
    description:
      "Without a readiness probe a pod counts as ready as soon as its containers have started, so Services and the mesh send it requests before the app may be listening: errors on every rollout and restart. Information by default, because a worker that serves no traffic needs none and MeshLens cannot tell the two apart; set it to `warning` (`\"meshlens.rules\": {\"ML4011\": \"warning\"}`) to match Polaris and kube-linter. Where it surely matters, a Rollout that shifts traffic, ML4024 reports it as a warning instead. Jobs, CronJobs, Pods that run to completion and init containers are not checked.",
    remediation: "Add a readinessProbe that succeeds only when the app can serve: an HTTP endpoint that checks what a request needs, or at least a tcpSocket check on the app's port (the quick fix).",
    messages: {
      missing: 'Container "{container}" has no readinessProbe: its pod gets traffic as soon as the container starts, before the app may be listening (Polaris: Readiness probe should be configured).',
    },
    upstream: ['Polaris readinessProbeMissing', 'kube-linter no-readiness-probe'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      ports:\n        - name: http\n          containerPort: 8080\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      ports:\n        - name: http\n          containerPort: 8080\n      readinessProbe:\n        tcpSocket:\n          port: http\n',
    },
  },
  check({ object, lines, report }) {
    // A Rollout with traffic routing is ML4024's, with a stronger reason.
    if (runsToCompletion(object) || hasTrafficRouting(object)) return;
    for (const c of containersOf(object)) {
      if (c.init || c.value.readinessProbe) continue;
      report({ messageId: 'missing', data: { container: c.name }, path: [...c.path, 'name'], fixes: readinessSkeletonFix(object, lines, c) });
    }
  },
};
