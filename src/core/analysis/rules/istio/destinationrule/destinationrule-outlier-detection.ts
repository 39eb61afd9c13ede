import { isRecord } from '../../../../k8s/object';
import { DESTINATION_RULE, REGISTRY_KINDS, toFqdn, visibleFrom, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { registryEntries } from '../../../../istio/routes';
import { labelsAt, selectFrom, trafficPolicies, workloadsInNamespace } from '../../../../istio/policy';
import { groupKindOf, ObjectRule, WorkspaceView } from '../../../types';

/** Below this many pods, one bad deploy or node can make every endpoint an outlier at once. */
const FEW = 3;

/** Kinds whose `spec.replicas` says how many pods run (default 1); DaemonSets and Jobs are left out. */
const REPLICATED = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet', 'argoproj.io/Rollout', 'apps.openshift.io/DeploymentConfig', '/Pod']);

export const destinationruleOutlierDetection: ObjectRule = {
  meta: {
    id: 'destinationrule-outlier-detection',
    code: 'ML1106',
    severity: 'warning',
    scope: 'object',
    kinds: [DESTINATION_RULE, ...REGISTRY_KINDS, ...WORKLOAD_GROUP_KINDS],
    title: 'Outlier detection that never ejects or can eject every endpoint',
    description:
      '`outlierDetection` with `consecutive5xxErrors: 0` and no `consecutiveGatewayErrors` (nor split local-origin failures) never ejects a host: the circuit breaker it seems to configure is off. `maxEjectionPercent: 100` without `minHealthPercent` lets Envoy eject every endpoint, and Istio disables the panic threshold in that case, so with only a few pods behind the host (counted from the replicas of its workloads in the workspace) one bad moment turns into 503 "no healthy upstream" for every request.',
    remediation: 'Set `consecutive5xxErrors` (or `consecutiveGatewayErrors`) to a positive count; keep `maxEjectionPercent` below 100 or set `minHealthPercent`, or run more replicas.',
    messages: {
      neverEjects: 'This outlierDetection never ejects a host: consecutive5xxErrors is 0 and no other error count is set.',
      ejectsAll: 'maxEjectionPercent 100 lets outlier detection eject all {count} pod(s) behind {host}, leaving none to serve (no minHealthPercent).',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      consecutive5xxErrors: 0\n      interval: 10s\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      consecutive5xxErrors: 5\n      interval: 10s\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    let pods: { count: number; host: string } | null | undefined;
    for (const { policy, path } of trafficPolicies(spec)) {
      const od = policy.outlierDetection;
      if (!isRecord(od)) continue;
      const at = [...path, 'outlierDetection'];
      const positive = (v: unknown) => typeof v === 'number' && v > 0;
      const localOrigin = od.splitExternalLocalOriginErrors === true && (od.consecutiveLocalOriginFailures === undefined || positive(od.consecutiveLocalOriginFailures));
      if (od.consecutive5xxErrors === 0 && !positive(od.consecutiveGatewayErrors) && !positive(od.consecutiveErrors) && !localOrigin) {
        report({ messageId: 'neverEjects', path: [...at, 'consecutive5xxErrors'] });
      }
      if (od.maxEjectionPercent === 100 && !positive(od.minHealthPercent)) {
        if (pods === undefined) pods = podsBehind(workspace, spec.host, object.namespace);
        if (pods && pods.count <= FEW) report({ messageId: 'ejectsAll', data: { count: pods.count, host: pods.host }, path: [...at, 'maxEjectionPercent'] });
      }
    }
  },
};

/** How many pods run behind a host, from its Services' workloads; null when unknown. */
function podsBehind(ws: WorkspaceView, host: unknown, namespace: string): { count: number; host: string } | null {
  if (typeof host !== 'string' || host.includes('*')) return null;
  const services = registryEntries(ws, `host|${toFqdn(host, namespace)}`).filter((e) => visibleFrom(e, namespace) && e.object.kind === 'Service' && e.object.group === '');
  if (services.length === 0) return null;
  let count = 0;
  for (const e of services) {
    const selector = labelsAt(isRecord(e.object.body.spec) ? e.object.body.spec.selector : undefined);
    if (!selector || Object.keys(selector).length === 0) return null;
    for (const w of selectFrom(workloadsInNamespace(ws, e.namespace), selector)) {
      const gk = `${w.object.group}/${w.object.kind}`;
      if (!REPLICATED.has(gk)) return null;
      const spec = isRecord(w.object.body.spec) ? w.object.body.spec : {};
      const replicas = gk === '/Pod' ? 1 : spec.replicas === undefined ? 1 : spec.replicas;
      // Replicas left to an autoscaler or a template placeholder: unknown.
      if (typeof replicas !== 'number') return null;
      count += replicas;
    }
  }
  return count > 0 ? { count, host: services[0].host } : null;
}
