import { containersOf, probesOf } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

export const probeOnInitContainer: ObjectRule = {
  meta: {
    id: 'probe-on-init-container',
    code: 'ML4005',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Probe on an init container',
    description:
      'An init container runs to completion before the app containers start, so there is nothing to probe: the API server rejects liveness, readiness and startup probes on it. The exception is a native sidecar, an init container with `restartPolicy: Always` (Kubernetes 1.29 and later), which keeps running next to the app and may have all three.',
    remediation: 'Remove the probe, or, if the container is meant to keep running next to the app, make it a sidecar with `restartPolicy: Always`.',
    messages: {
      init: '{probe} on init container "{container}": the API server rejects it ("may not be set for init containers without restartPolicy=Always"). Remove it, or make the container a sidecar with restartPolicy: Always.',
    },
    upstream: ['API server: may not be set for init containers without restartPolicy=Always'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: migrate\n      image: migrate:1\n      readinessProbe:\n        exec:\n          command: [test, -f, /done]\n  containers:\n    - name: web\n      image: web:1\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: proxy\n      image: proxy:1\n      restartPolicy: Always\n      readinessProbe:\n        tcpSocket:\n          port: 15001\n  containers:\n    - name: web\n      image: web:1\n',
    },
  },
  check({ object, report }) {
    for (const c of containersOf(object)) {
      if (!c.init || c.sidecar) continue;
      for (const p of probesOf(c)) report({ messageId: 'init', data: { probe: p.kind, container: c.name }, path: p.path, target: 'key' });
    }
  },
};
