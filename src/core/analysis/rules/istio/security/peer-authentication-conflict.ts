import { selects, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { hasTargetRefs, PEER_AUTHENTICATION, policySelector, workloadsIn } from '../../../../istio/security';
import { groupKindOf, ObjectRule, WorkspaceView } from '../../../types';
import { K8sObject } from '../../../../k8s/object';

/** PeerAuthentications by namespace, with their selectors (undefined: namespace-wide). */
function peersByNamespace(ws: WorkspaceView): ReadonlyMap<string, ReadonlyArray<{ object: K8sObject; selector: Record<string, string> | undefined }>> {
  return ws.derived('istio.security.peersByNamespace', [PEER_AUTHENTICATION], (of) => {
    const out = new Map<string, Array<{ object: K8sObject; selector: Record<string, string> | undefined }>>();
    for (const pa of of(PEER_AUTHENTICATION)) {
      if (hasTargetRefs(pa)) continue;
      const list = out.get(pa.namespace) ?? [];
      list.push({ object: pa, selector: policySelector(pa) });
      out.set(pa.namespace, list);
    }
    return out;
  });
}

/** Two equality selectors a single pod can satisfy when one asks for a subset of the other's labels. */
function nested(a: Record<string, string>, b: Record<string, string>): boolean {
  const sub = (x: Record<string, string>, y: Record<string, string>) => Object.entries(x).every(([k, v]) => y[k] === v);
  return sub(a, b) || sub(b, a);
}

export const peerAuthenticationConflict: ObjectRule = {
  meta: {
    id: 'peer-authentication-conflict',
    code: 'ML2010',
    severity: 'error',
    scope: 'object',
    kinds: [PEER_AUTHENTICATION, ...WORKLOAD_GROUP_KINDS],
    title: 'Several PeerAuthentications apply to the same workloads',
    description:
      'Istio applies one PeerAuthentication per scope: of several selector-less ones in a namespace (or in the root namespace, for the mesh), or of several whose selectors pick the same workload, only the oldest counts and the others are silently ignored, so which mTLS mode holds depends on creation order. Workloads of the workspace decide whether two selectors pick the same pods; without any in the namespace, two selectors where one asks for a subset of the other\'s labels are reported as a warning, since any pod the narrower one picks is picked by both.',
    remediation: 'Keep one namespace-wide PeerAuthentication per namespace and one per workload; merge their `mtls` and `portLevelMtls` settings into it.',
    messages: {
      selectorless: 'Namespace {namespace} has several PeerAuthentications without a selector ({others} too); Istio applies only the oldest one.',
      sameWorkload: 'This PeerAuthentication and {others} both select {workload}; Istio applies only the oldest one to it.',
      overlapping: 'This PeerAuthentication and {others} have nested selectors, so a pod matching the narrower one gets both; Istio applies only the oldest one.',
    },
    upstream: ['KIA0002 (More than one selector-less object in the same namespace)', 'KIA0003 (More than one object applied to the same workload)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  mtls:\n    mode: STRICT\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: permissive\n  namespace: bookinfo\nspec:\n  mtls:\n    mode: PERMISSIVE\n',
      valid:
        'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  mtls:\n    mode: STRICT\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: db\n  namespace: bookinfo\nspec:\n  selector:\n    matchLabels:\n      app: mysql\n  mtls:\n    mode: PERMISSIVE\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== PEER_AUTHENTICATION || hasTargetRefs(object)) return;
    const peers = (peersByNamespace(workspace).get(object.namespace) ?? []).filter((p) => p.object.id !== object.id);
    const selector = policySelector(object);
    const refs = (list: readonly { object: K8sObject }[]) => list.map((p) => p.object.ref).join(', ');
    const related = (list: readonly { object: K8sObject }[]) => list.map((p) => ({ object: p.object, path: ['metadata', 'name'], message: `${p.object.ref} applies here too` }));
    if (!selector) {
      const others = peers.filter((p) => !p.selector);
      if (others.length) report({ messageId: 'selectorless', upstream: ['KIA0002'], data: { namespace: object.namespace, others: refs(others) }, path: ['metadata', 'name'], related: related(others) });
      return;
    }
    const withSelector = peers.filter((p) => p.selector);
    if (!withSelector.length) return;
    const pods = workloadsIn(workspace, object.namespace);
    if (pods.length) {
      for (const w of pods) {
        if (!selects(selector, w.labels)) continue;
        const others = withSelector.filter((p) => selects(p.selector!, w.labels));
        if (others.length) {
          report({ messageId: 'sameWorkload', upstream: ['KIA0003'], data: { others: refs(others), workload: w.object.ref }, path: ['spec', 'selector', 'matchLabels'], related: related(others) });
          return;
        }
      }
      return;
    }
    const others = withSelector.filter((p) => nested(selector, p.selector!));
    if (others.length) {
      report({ messageId: 'overlapping', upstream: ['KIA0003'], severity: 'warning', data: { others: refs(others) }, path: ['spec', 'selector', 'matchLabels'], related: related(others) });
    }
  },
};
