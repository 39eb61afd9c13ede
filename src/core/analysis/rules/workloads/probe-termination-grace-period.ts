import { probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { deleteBlock } from '../../block-edits';
import { ObjectRule } from '../../types';

export const probeTerminationGracePeriod: ObjectRule = {
  meta: {
    id: 'probe-termination-grace-period',
    code: 'ML4003',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'terminationGracePeriodSeconds on a readiness probe, or not positive',
    description:
      "A probe's `terminationGracePeriodSeconds` is the grace period the kubelet gives a container it kills because the probe failed. A failing readiness probe kills nothing, so the API server rejects the field there; on liveness and startup probes it must be greater than 0.",
    remediation: 'Remove it from the readiness probe (the pod-level `terminationGracePeriodSeconds` applies), or give a positive number of seconds.',
    messages: {
      readiness:
        'terminationGracePeriodSeconds on the readinessProbe of container "{container}": the API server rejects it ("must not be set for readinessProbes"); a failing readiness probe kills nothing.',
      notPositive: 'terminationGracePeriodSeconds of the {probe} of container "{container}" is {value}; the API server rejects it ("must be greater than 0").',
    },
    upstream: ['API server: readinessProbe.terminationGracePeriodSeconds: must not be set for readinessProbes', 'API server: terminationGracePeriodSeconds: must be greater than 0'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: 8080\n        terminationGracePeriodSeconds: 10\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      readinessProbe:\n        httpGet:\n          path: /ready\n          port: 8080\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n        terminationGracePeriodSeconds: 10\n',
    },
  },
  check({ object, lines, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        const value = p.value.terminationGracePeriodSeconds;
        if (value === undefined || value === null) continue;
        const path = [...p.path, 'terminationGracePeriodSeconds'];
        const data = { probe: p.kind, container: c.name, value: String(value) };
        if (p.kind === 'readinessProbe') {
          const del = deleteBlock(object, lines, path);
          // The field has no effect on a readiness probe, so removing it cannot change behaviour.
          const fixes = del ? [{ title: 'Remove terminationGracePeriodSeconds', preferred: true, edits: [del] }] : [];
          report({ messageId: 'readiness', data, path, target: 'key', fixes });
        } else if (typeof value === 'number' && value <= 0) {
          report({ messageId: 'notPositive', data, path });
        }
      }
    }
  },
};
