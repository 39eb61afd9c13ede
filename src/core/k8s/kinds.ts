/** The kinds MeshLens understands, with every API version their projects serve. */
export interface KindInfo {
  group: string;
  kind: string;
  versions: readonly string[];
  namespaced: boolean;
  family: 'istio' | 'argo' | 'core' | 'workload' | 'gateway-api' | 'router';
}

const ISTIO_NET = ['v1', 'v1beta1', 'v1alpha3'];
const ISTIO_SEC = ['v1', 'v1beta1'];

const TABLE: KindInfo[] = [
  ...['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'].map(
    (kind): KindInfo => ({ group: 'networking.istio.io', kind, versions: ISTIO_NET, namespaced: true, family: 'istio' }),
  ),
  { group: 'networking.istio.io', kind: 'EnvoyFilter', versions: ['v1alpha3'], namespaced: true, family: 'istio' },
  { group: 'networking.istio.io', kind: 'ProxyConfig', versions: ['v1beta1'], namespaced: true, family: 'istio' },
  ...['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].map(
    (kind): KindInfo => ({ group: 'security.istio.io', kind, versions: ISTIO_SEC, namespaced: true, family: 'istio' }),
  ),
  { group: 'telemetry.istio.io', kind: 'Telemetry', versions: ['v1', 'v1alpha1'], namespaced: true, family: 'istio' },
  ...['WasmPlugin', 'TrafficExtension'].map(
    (kind): KindInfo => ({ group: 'extensions.istio.io', kind, versions: ['v1alpha1'], namespaced: true, family: 'istio' }),
  ),
  ...['Rollout', 'AnalysisTemplate', 'AnalysisRun', 'Experiment'].map(
    (kind): KindInfo => ({ group: 'argoproj.io', kind, versions: ['v1alpha1'], namespaced: true, family: 'argo' }),
  ),
  { group: 'argoproj.io', kind: 'ClusterAnalysisTemplate', versions: ['v1alpha1'], namespaced: false, family: 'argo' },
  ...['Service', 'Secret', 'ServiceAccount', 'ConfigMap'].map(
    (kind): KindInfo => ({ group: '', kind, versions: ['v1'], namespaced: true, family: 'core' }),
  ),
  { group: '', kind: 'Namespace', versions: ['v1'], namespaced: false, family: 'core' },
  { group: '', kind: 'Pod', versions: ['v1'], namespaced: true, family: 'workload' },
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map(
    (kind): KindInfo => ({ group: 'apps', kind, versions: ['v1'], namespaced: true, family: 'workload' }),
  ),
  ...['Job', 'CronJob'].map((kind): KindInfo => ({ group: 'batch', kind, versions: ['v1'], namespaced: true, family: 'workload' })),
  // OpenShift's older Deployment: kube-linter and Polaris check its pod template like a Deployment's.
  // No model package describes it, so the schema rules have nothing to say about its fields.
  { group: 'apps.openshift.io', kind: 'DeploymentConfig', versions: ['v1'], namespaced: true, family: 'workload' },
  // Read by the Argo Rollouts rules: the Ingresses NGINX and ALB canaries patch, the Mappings Ambassador canaries copy.
  { group: 'networking.k8s.io', kind: 'Ingress', versions: ['v1'], namespaced: true, family: 'core' },
  { group: 'getambassador.io', kind: 'Mapping', versions: ['v2', 'v3alpha1'], namespaced: true, family: 'router' },
  ...['Gateway', 'HTTPRoute'].map(
    (kind): KindInfo => ({
      group: 'gateway.networking.k8s.io',
      kind,
      versions: ['v1', 'v1beta1'],
      namespaced: true,
      family: 'gateway-api',
    }),
  ),
  // Gateway API 1.2 stopped serving the v1alpha2 versions of these two.
  { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', versions: ['v1'], namespaced: true, family: 'gateway-api' },
  { group: 'gateway.networking.k8s.io', kind: 'ReferenceGrant', versions: ['v1', 'v1beta1'], namespaced: true, family: 'gateway-api' },
];

const BY_GROUP_KIND = new Map(TABLE.map((k) => [`${k.group}/${k.kind}`, k]));

export const KNOWN_KINDS: readonly KindInfo[] = TABLE;

/**
 * `group/Kind`s of API groups that no longer serve a kind MeshLens knows (Kubernetes removed
 * `extensions/v1beta1` workloads in 1.16). Only the apiVersion rule looks at them, to say so.
 */
export const RETIRED_GROUP_KINDS: readonly string[] = ['extensions/Deployment', 'extensions/DaemonSet', 'extensions/ReplicaSet'];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The kind's entry when its group is known, whatever the version (versions are checked by schema rules). */
export function lookupKind(group: string, kind: string): KindInfo | undefined {
  return BY_GROUP_KIND.get(`${group}/${kind}`);
}
