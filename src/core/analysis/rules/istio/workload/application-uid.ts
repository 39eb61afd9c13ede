import { isRecord } from '../../../../k8s/object';
import { WORKLOAD_KINDS } from '../../../../istio/mesh';
import { groupKindOf, ObjectRule } from '../../../types';

/** The UID the sidecar runs as; iptables lets its traffic bypass the proxy. */
const PROXY_UID = 1337;
/** Istio's own containers, which do run as 1337. */
const ISTIO_CONTAINERS = new Set(['istio-proxy', 'istio-operator']);

export const applicationUid: ObjectRule = {
  meta: {
    id: 'application-uid',
    code: 'ML1204',
    severity: 'warning',
    scope: 'object',
    kinds: Object.keys(WORKLOAD_KINDS),
    title: 'Application runs as the sidecar\'s UID 1337',
    description:
      'A pod (or pod template) sets `runAsUser: 1337` for the pod or for an application container. 1337 is the user the Istio sidecar runs as, and the traffic redirection exempts that user\'s traffic: the application\'s outbound requests bypass the proxy, so mTLS, routing and authorization policies do not apply to them. Istio\'s own containers (istio-proxy) and its control plane (label `istio` or `release: istio`) are left alone.',
    remediation: 'Run the application as another user ID.',
    messages: {
      podUid: 'This pod runs as UID 1337, the sidecar\'s user: its traffic bypasses the Istio proxy. Use another UID.',
      containerUid: 'Container "{container}" runs as UID 1337, the sidecar\'s user: its traffic bypasses the Istio proxy. Use another UID.',
    },
    upstream: ['IST0144 (InvalidApplicationUID, applicationUID.Analyzer)'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    runAsUser: 1337\n  containers:\n  - name: app\n    image: app\n',
      valid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    runAsUser: 1000\n  containers:\n  - name: app\n    image: app\n',
    },
  },
  check({ object, report }) {
    if ('istio' in object.labels || object.labels.release === 'istio') return;
    const templatePath = WORKLOAD_KINDS[groupKindOf(object)];
    if (!templatePath) return;
    const specPath = [...templatePath, 'spec'];
    let spec: unknown = object.body;
    for (const seg of specPath) spec = isRecord(spec) ? spec[seg] : undefined;
    if (!isRecord(spec)) return;
    if (isRecord(spec.securityContext) && spec.securityContext.runAsUser === PROXY_UID) {
      report({ messageId: 'podUid', path: [...specPath, 'securityContext', 'runAsUser'] });
    }
    if (!Array.isArray(spec.containers)) return;
    spec.containers.forEach((c, i) => {
      if (!isRecord(c) || ISTIO_CONTAINERS.has(String(c.name)) || !isRecord(c.securityContext) || c.securityContext.runAsUser !== PROXY_UID) return;
      report({ messageId: 'containerUid', data: { container: String(c.name ?? i) }, path: [...specPath, 'containers', i, 'securityContext', 'runAsUser'] });
    });
  },
};
