import { isRecord } from '../../../k8s/object';
import { containersIn, hasTrafficRouting, podSpecOf, valueAt } from '../../../k8s/pod';
import { readinessSkeletonFix } from '../../probe-fixes';
import { ObjectRule } from '../../types';

const ROLLOUT = 'argoproj.io/Rollout';
const DEPLOYMENT = 'apps/Deployment';

export const rolloutWithoutReadinessProbe: ObjectRule = {
  meta: {
    id: 'rollout-without-readiness-probe',
    code: 'ML4024',
    severity: 'warning',
    scope: 'object',
    kinds: [ROLLOUT, DEPLOYMENT],
    title: 'Rollout with traffic routing whose pods have no readiness probe',
    description:
      "With `trafficRouting` (Istio, SMI, an ingress), Argo Rollouts shifts a share of the traffic to the canary once its pods are available. Without a readiness probe a pod is available as soon as its containers start, so canary pods take their share before the app listens, and the canary's errors count against the new version in analysis. Checked on the Rollout's own template and on a Deployment it takes its template from (`workloadRef`).",
    remediation: "Add a readinessProbe to every container of the Rollout's pod template (the quick fix adds a tcpSocket check on the container's port).",
    messages: {
      missing:
        'Container "{container}" of this Rollout has no readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.',
      missingInRef:
        'Container "{container}" of Deployment "{deployment}", whose template this Rollout uses, has no readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.',
    },
    upstream: [],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          ports:\n            - name: http\n              containerPort: 8080\n  strategy:\n    canary:\n      canaryService: web-canary\n      stableService: web-stable\n      trafficRouting:\n        istio:\n          virtualService:\n            name: web\n      steps:\n        - setWeight: 20\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          ports:\n            - name: http\n              containerPort: 8080\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: http\n  strategy:\n    canary:\n      canaryService: web-canary\n      stableService: web-stable\n      trafficRouting:\n        istio:\n          virtualService:\n            name: web\n      steps:\n        - setWeight: 20\n',
    },
  },
  check({ object, workspace, lines, report }) {
    if (!hasTrafficRouting(object)) return;
    const own = podSpecOf(object);
    if (own) {
      for (const c of containersIn(own.spec, own.path)) {
        if (c.init || c.value.readinessProbe) continue;
        report({ messageId: 'missing', data: { container: c.name }, path: [...c.path, 'name'], fixes: readinessSkeletonFix(object, lines, c) });
      }
      return;
    }
    const ref = valueAt(object.body, ['spec', 'workloadRef']);
    if (!isRecord(ref) || typeof ref.name !== 'string' || (ref.kind !== undefined && ref.kind !== 'Deployment')) return;
    const [deployment] = workspace.objectsWithKey(`apps/Deployment/${object.namespace}/${ref.name}`);
    const spec = deployment && valueAt(deployment.body, ['spec', 'template', 'spec']);
    if (!deployment || !isRecord(spec)) return;
    for (const c of containersIn(spec, ['spec', 'template', 'spec'])) {
      if (c.init || c.value.readinessProbe) continue;
      report({
        messageId: 'missingInRef',
        data: { container: c.name, deployment: ref.name },
        path: ['spec', 'workloadRef', 'name'],
        related: [{ object: deployment, path: [...c.path, 'name'], message: `container "${c.name}" without a readinessProbe` }],
      });
    }
  },
};
