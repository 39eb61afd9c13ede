import { Probe, probesOf, probingContainers, timing } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import type { FieldPath } from '../../../yaml/path';
import { startupProbeFix } from '../../probe-fixes';
import { ObjectRule } from '../../types';

/** A minute of waiting before the first probe: long enough that it is about start-up, not jitter. */
const LONG_DELAY_SECONDS = 60;
/** Ten failures in a row and at least a minute of them: a budget for starting, not for a hiccup. */
const LONG_FAILURE_THRESHOLD = 10;
const LONG_FAILURE_SECONDS = 60;

function longDelay(p: Probe | undefined): boolean {
  return !!p && typeof p.value.initialDelaySeconds === 'number' && p.value.initialDelaySeconds >= LONG_DELAY_SECONDS;
}

function longFailureWindow(p: Probe | undefined): boolean {
  return !!p && timing(p, 'failureThreshold') >= LONG_FAILURE_THRESHOLD && timing(p, 'failureThreshold') * timing(p, 'periodSeconds') >= LONG_FAILURE_SECONDS;
}

export const slowStartWithoutStartupProbe: ObjectRule = {
  meta: {
    id: 'slow-start-without-startup-probe',
    code: 'ML4020',
    severity: 'info',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'Slow start handled with a long delay or failure budget instead of a startupProbe',
    description:
      'A container that takes long to start is often given `initialDelaySeconds: 120` or `failureThreshold: 30` on its liveness probe. Both cost every time, not just at start: the delay keeps a pod that started in five seconds out of service for two minutes, and the failure budget lets a hung container serve errors for minutes before it is restarted. A `startupProbe` gives the budget to the start only: liveness and readiness begin the moment it succeeds. Reported for a liveness probe with `initialDelaySeconds` ≥ 60 or `failureThreshold` ≥ 10 (and ≥ 60 s of failures), or a readiness probe with `initialDelaySeconds` ≥ 60, when the container has no startupProbe.',
    remediation:
      'Add a startupProbe with the same check and `failureThreshold × periodSeconds` at least the old delay plus the old failure budget, and drop the long delay (and the large failureThreshold) from the other probes. The quick fix does exactly that.',
    messages: {
      delay:
        'The {probe} of container "{container}" waits {delay}s before its first check, on every start; a startupProbe would give the app that time only while it starts, and check it as soon as it is up.',
      failures:
        'The livenessProbe of container "{container}" tolerates {failures} failures ({seconds}s) so that the app can start; a hung container then serves errors that long before it is restarted. A startupProbe gives the start its own budget.',
    },
    upstream: ['Kubernetes docs: Protect slow starting containers with startup probes'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n        initialDelaySeconds: 120\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      startupProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n        periodSeconds: 10\n        failureThreshold: 15\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n',
    },
  },
  check({ object, lines, report }) {
    for (const c of probingContainers(object)) {
      const probes = probesOf(c);
      if (probes.some((p) => p.kind === 'startupProbe')) continue;
      const liveness = probes.find((p) => p.kind === 'livenessProbe');
      const readiness = probes.find((p) => p.kind === 'readinessProbe');
      const failures = longFailureWindow(liveness);
      const source = longDelay(liveness) || failures ? liveness : longDelay(readiness) ? readiness : undefined;
      if (!source || source.handlers.length !== 1) continue;
      const period = timing(source, 'periodSeconds');
      const delay = timing(source, 'initialDelaySeconds');
      const threshold = timing(source, 'failureThreshold');
      // The longest a start could take before: the delay plus the failures the probe tolerated.
      // The startup probe keeps that budget, so no container that started in time before is killed now.
      const startupFailures = Math.ceil(delay / period) + threshold;
      const remove: FieldPath[] = [];
      for (const p of [liveness, readiness]) if (p && longDelay(p)) remove.push([...p.path, 'initialDelaySeconds']);
      if (failures && liveness && liveness.value.failureThreshold !== undefined) remove.push([...liveness.path, 'failureThreshold']);
      const fixes = startupProbeFix(object, lines, source, period, startupFailures, remove);
      if (longDelay(source)) {
        report({ messageId: 'delay', data: { probe: source.kind, container: c.name, delay }, path: [...source.path, 'initialDelaySeconds'], fixes });
      } else {
        const seconds = threshold * period;
        report({ messageId: 'failures', data: { container: c.name, failures: threshold, seconds }, path: [...source.path, 'failureThreshold'], fixes });
      }
    }
  },
};
