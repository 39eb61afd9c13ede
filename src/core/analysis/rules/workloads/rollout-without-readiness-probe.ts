import { isRecord } from '../../../k8s/object';
import { containersIn, hasTrafficRouting, podSpecOf, valueAt } from '../../../k8s/pod';
import { readinessSkeletonFix } from '../../probe-fixes';
import { FixSpec, ObjectRule } from '../../types';

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
      "With `trafficRouting` (Istio, SMI, an ingress), Argo Rollouts shifts a share of the traffic to the canary once its pods are available. Without a readiness probe a pod is available as soon as its containers start, so canary pods take their share before the app listens, and the canary's errors count against the new version in analysis. A pod is ready when all its containers are, and a container without a readiness probe counts as ready once started, so one probed container is enough: reported when no container has one. Checked on the Rollout's own template and on a Deployment it takes its template from (`workloadRef`).",
    remediation: "Add a readinessProbe to the app container of the Rollout's pod template (the quick fix adds a tcpSocket check on its port).",
    messages: {
      missing: 'No container of this Rollout has a readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.',
      missingInRef:
        'No container of Deployment "{deployment}", whose template this Rollout uses, has a readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.',
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
      const containers = containersIn(own.spec, own.path).filter((c) => !c.init);
      if (containers.length === 0 || containers.some((c) => c.value.readinessProbe)) return;
      // The skeleton goes on the first container with a port to check: usually the app.
      let fixes: FixSpec[] = [];
      for (const c of containers) if ((fixes = readinessSkeletonFix(object, lines, c)).length) break;
      report({ messageId: 'missing', path: [...own.path, 'containers'], target: 'key', fixes });
      return;
    }
    const ref = valueAt(object.body, ['spec', 'workloadRef']);
    if (!isRecord(ref) || typeof ref.name !== 'string' || (ref.kind !== undefined && ref.kind !== 'Deployment')) return;
    const [deployment] = workspace.objectsWithKey(`apps/Deployment/${object.namespace}/${ref.name}`);
    const specPath = ['spec', 'template', 'spec'];
    const spec = deployment && valueAt(deployment.body, specPath);
    if (!deployment || !isRecord(spec)) return;
    const containers = containersIn(spec, specPath).filter((c) => !c.init);
    if (containers.length === 0 || containers.some((c) => c.value.readinessProbe)) return;
    report({
      messageId: 'missingInRef',
      data: { deployment: ref.name },
      path: ['spec', 'workloadRef', 'name'],
      related: [{ object: deployment, path: [...specPath, 'containers'], target: 'key', message: 'containers without a readinessProbe' }],
    });
  },
};
