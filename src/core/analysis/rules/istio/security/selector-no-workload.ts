import { selects, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { CONFIG_MAP, meshSettings } from '../../../../istio/mesh-config';
import { AUTHORIZATION_POLICY, hasTargetRefs, PodRecord, policySelector, SECURITY_POLICY_KINDS, workloadsIn } from '../../../../istio/security';
import { groupKindOf, ObjectRule } from '../../../types';

/** Label values the workloads in scope do have for the selector's keys: the likely intended ones. */
function hint(selector: Record<string, string>, scope: readonly PodRecord[]): string {
  for (const [k, v] of Object.entries(selector)) {
    const values = [...new Set(scope.map((w) => w.labels[k]).filter((x): x is string => x !== undefined && x !== v))].sort();
    if (values.length) return ` (workloads there have ${values.slice(0, 3).map((x) => `${k}=${x}`).join(', ')}${values.length > 3 ? ', …' : ''})`;
  }
  return '';
}

export const selectorNoWorkload: ObjectRule = {
  meta: {
    id: 'selector-no-workload',
    code: 'ML2008',
    severity: 'warning',
    scope: 'object',
    kinds: [...SECURITY_POLICY_KINDS, ...WORKLOAD_GROUP_KINDS, CONFIG_MAP],
    title: 'Security policy selects no workload',
    description:
      'An AuthorizationPolicy, PeerAuthentication or RequestAuthentication whose `selector.matchLabels` matches the pod labels of no workload (Pod, or the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Rollout or OpenShift DeploymentConfig) in its namespace (in any namespace for a policy in the root namespace), so it applies to nothing; or a namespace-wide AuthorizationPolicy in a namespace without workloads. When the namespace has no workload in the workspace at all, they may be deployed from elsewhere and the `meshlens.references.unresolved` setting decides. Policies attached with `targetRefs` are not checked.',
    remediation: 'Correct the selector labels to those of the pods it is meant for (the message lists the values the workloads there have), or move the policy to their namespace.',
    messages: {
      noMatch: 'No workload in {scope} has the labels {selector}{hint}; this policy applies to nothing.',
      emptyNamespace: 'Namespace {scope} has no workload in the workspace; this namespace-wide policy applies to nothing here.',
    },
    upstream: ['IST0127 (NoMatchingWorkloadsFound, auth.AuthorizationPoliciesAnalyzer)', 'KIA0004 (No matching workload found for the selector in this namespace)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: httpbin\nspec:\n  selector:\n    matchLabels:\n      app: httpbin\n  template:\n    metadata:\n      labels:\n        app: httpbin\n    spec:\n      containers:\n      - name: httpbin\n        image: mccutchen/go-httpbin\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: httpbin\nspec:\n  selector:\n    matchLabels:\n      app: http-bin\n',
      valid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: httpbin\nspec:\n  selector:\n    matchLabels:\n      app: httpbin\n  template:\n    metadata:\n      labels:\n        app: httpbin\n    spec:\n      containers:\n      - name: httpbin\n        image: mccutchen/go-httpbin\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: httpbin\nspec:\n  selector:\n    matchLabels:\n      app: httpbin\n',
    },
  },
  check({ object, workspace, report }) {
    const gk = groupKindOf(object);
    if (!SECURITY_POLICY_KINDS.includes(gk) || hasTargetRefs(object)) return;
    const upstream = gk === AUTHORIZATION_POLICY ? ['IST0127', 'KIA0004'] : ['KIA0004'];
    const selector = policySelector(object);
    const meshWide = object.namespace === meshSettings(workspace).rootNamespace;
    if (!selector) {
      // Only an AuthorizationPolicy says anything namespace-wide that needs workloads to apply to.
      if (gk !== AUTHORIZATION_POLICY || meshWide || workloadsIn(workspace, object.namespace).length) return;
      report({ messageId: 'emptyNamespace', upstream, unresolved: true, data: { scope: object.namespace }, path: ['metadata', 'namespace'] });
      return;
    }
    const scope = workloadsIn(workspace, meshWide ? '*' : object.namespace);
    if (scope.some((w) => selects(selector, w.labels))) return;
    report({
      messageId: 'noMatch',
      upstream,
      unresolved: scope.length === 0 ? true : undefined,
      data: {
        scope: meshWide ? 'any namespace' : `namespace ${object.namespace}`,
        selector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(', '),
        hint: hint(selector, scope),
      },
      path: ['spec', 'selector', 'matchLabels'],
    });
  },
};
