import { probesOf, probingContainers } from '../../../k8s/pod';
import { WORKLOAD_GROUP_KINDS } from '../../../istio/mesh';
import { locatePath } from '../../../yaml/locate';
import { ObjectRule } from '../../types';

export const probeSuccessThreshold: ObjectRule = {
  meta: {
    id: 'probe-success-threshold',
    code: 'ML4002',
    severity: 'error',
    scope: 'object',
    kinds: WORKLOAD_GROUP_KINDS,
    title: 'successThreshold other than 1 on a liveness or startup probe',
    description:
      'A liveness or startup probe succeeds on its first success: one good answer means the container is alive or has started. The API server rejects any other `successThreshold` on them; only a readiness probe may ask for several successes in a row.',
    remediation: 'Set `successThreshold: 1` (or remove it: 1 is the default). To require several successes before traffic arrives, set it on the readiness probe.',
    messages: {
      notOne:
        'successThreshold of the {probe} of container "{container}" is {value}; the API server rejects it ("must be 1"): liveness and startup probes succeed on one success.',
    },
    upstream: ['API server: livenessProbe.successThreshold / startupProbe.successThreshold: must be 1'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n        successThreshold: 3\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: web:1\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n        successThreshold: 1\n',
    },
  },
  check({ object, report }) {
    for (const c of probingContainers(object)) {
      for (const p of probesOf(c)) {
        if (p.kind === 'readinessProbe') continue;
        const value = p.value.successThreshold;
        // 0 is defaulted to 1 and negatives are ML4006's.
        if (typeof value !== 'number' || value <= 1) continue;
        const path = [...p.path, 'successThreshold'];
        const at = locatePath(object.doc.node, path, 'value');
        // The only value the API server accepts, so the fix cannot change what a valid manifest means.
        const fixes = at.exact ? [{ title: 'Set successThreshold: 1', preferred: true, edits: [{ start: at.start, end: at.end, newText: '1' }] }] : [];
        report({ messageId: 'notOne', data: { probe: p.kind, container: c.name, value }, path, fixes });
      }
    }
  },
};
