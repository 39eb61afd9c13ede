import { containersOf, runsToCompletion } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

export const missingLivenessProbe: ObjectRule = {
  meta: {
    id: 'missing-liveness-probe',
    code: 'ML4012',
    severity: 'hint',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Container without a liveness probe',
    description:
      "Without a liveness probe a container that hangs without exiting (a deadlock, a stuck event loop) is never restarted. A hint by default, not a warning: an app that exits when it breaks needs none (the Kubernetes documentation says so), and a liveness probe that fails under load restarts healthy pods and turns a slowdown into an outage. Set it to `warning` (`\"meshlens.rules\": {\"ML4012\": \"warning\"}`) to match Polaris and kube-linter. Jobs, CronJobs, Pods that run to completion and init containers are not checked.",
    remediation: 'If the app can hang, add a livenessProbe on an endpoint that checks only the process itself (not its dependencies), with a failureThreshold that tolerates a busy moment.',
    messages: {
      missing: 'Container "{container}" has no livenessProbe: if the app hangs without exiting, nothing restarts it (Polaris: Liveness probe should be configured).',
    },
    upstream: ['Polaris livenessProbeMissing', 'kube-linter no-liveness-probe'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n',
    },
  },
  check({ object, report }) {
    if (runsToCompletion(object)) return;
    for (const c of containersOf(object)) {
      if (c.init || c.value.livenessProbe) continue;
      report({ messageId: 'missing', data: { container: c.name }, path: [...c.path, 'name'] });
    }
  },
};
