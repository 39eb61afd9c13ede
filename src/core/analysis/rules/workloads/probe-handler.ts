import { isRecord } from '../../../k8s/object';
import { probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { ObjectRule } from '../../types';

export const probeHandler: ObjectRule = {
  meta: {
    id: 'probe-handler',
    code: 'ML4001',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Probe without exactly one handler',
    description:
      'A probe runs exactly one action: `exec`, `httpGet`, `tcpSocket` or `grpc`. The API server rejects a probe with none (only timings, for instance after a handler was deleted) or with several (it does not pick one), and an `exec` probe with an empty `command`. Checked on containers and native sidecars (init containers with `restartPolicy: Always`); a probe on another init container is ML4005.',
    remediation: 'Keep one handler; for `exec`, give the command to run.',
    messages: {
      none: '{probe} of container "{container}" has no handler; the API server rejects it ("must specify a handler type"). Add one of exec, httpGet, tcpSocket or grpc.',
      several: '{probe} of container "{container}" has "{handler}" besides "{first}"; the API server rejects it ("may not specify more than 1 handler type"). Keep one.',
      emptyCommand: 'exec.command of the {probe} of container "{container}" is empty; the API server rejects it ("Required value"): give the command to run.',
    },
    upstream: [
      'API server: must specify a handler type',
      'API server: may not specify more than 1 handler type',
      'API server: exec.command: Required value',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n            tcpSocket:\n              port: 8080\n',
      valid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        const data = { probe: p.kind, container: c.name };
        const [first, ...rest] = p.handlers;
        if (!first) {
          report({ messageId: 'none', data, path: p.path, target: 'key' });
          continue;
        }
        for (const h of rest) report({ messageId: 'several', data: { ...data, handler: h, first }, path: [...p.path, h], target: 'key' });
        const exec = p.value.exec;
        if (first === 'exec' && isRecord(exec) && !(Array.isArray(exec.command) && exec.command.length > 0)) {
          report({ messageId: 'emptyCommand', data, path: [...p.path, 'exec', 'command'], target: 'key' });
        }
      }
    }
  },
};
