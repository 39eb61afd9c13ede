import type { K8sObject } from '../../../../k8s/object';
import { toFqdn, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { appliesToMesh, destinationsOf, gatewaysOf, hostsOf } from '../../../../istio/routes';
import { ObjectRule } from '../../../types';

const example = (subset: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-ingress
spec:
  hosts: [reviews.example.com]
  gateways: [istio-system/public]
  http:
    - route:
        - destination:
            host: reviews${subset}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subset: v1}
          weight: 90
        - destination: {host: reviews, subset: v2}
          weight: 10
`;

interface SubsetRouting {
  vs: K8sObject;
  hostIndex: number;
}

/** A mesh VirtualService's own hosts that it routes to subsets, by FQDN. */
function routingOf(vs: K8sObject): Array<[string, SubsetRouting]> {
  const out: Array<[string, SubsetRouting]> = [];
  if (appliesToMesh(vs)) {
    const routed = new Set(destinationsOf(vs).filter((d) => d.via === 'route' && d.protocol === 'http' && d.host && d.subset).map((d) => toFqdn(d.host!, vs.namespace)));
    for (const h of hostsOf(vs)) {
      const fqdn = toFqdn(h.host, vs.namespace);
      if (routed.has(fqdn)) out.push([fqdn, { vs, hostIndex: h.index }]);
    }
  }
  return out;
}

export const ingressSubsetIgnored: ObjectRule = {
  meta: {
    id: 'ingress-subset-ignored',
    code: 'ML1013',
    severity: 'warning',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Gateway route bypasses the mesh\'s subset routing',
    description:
      'A VirtualService bound to a gateway routes to a host without a subset, while another VirtualService splits that host into subsets for the mesh. The mesh VirtualService applies to sidecars only: requests coming in through the gateway go straight to all versions of the host, whatever split the mesh rules ask for.',
    remediation: 'Route to the subsets (and weights) in the gateway\'s VirtualService too, or bind the mesh VirtualService to the gateway as well (`gateways: [mesh, <gateway>]`).',
    messages: { ignored: 'Route to "{host}" through the gateway ignores the subset routing of {other}, which applies to the mesh only.' },
    upstream: ['IST0140 (IngressRouteRulesNotAffected; istioctl virtualservice.DestinationHostAnalyzer)'],
    fixable: false,
    examples: { invalid: example(''), valid: example('\n            subset: v1') },
  },
  check({ object, workspace, report }) {
    const gateways = gatewaysOf(object).filter((g) => g.ref !== 'mesh');
    if (!gateways.length) return;
    const routing = (fqdn: string) => workspace.keyed('istio.vs.meshSubsetRouting', [VIRTUAL_SERVICE], routingOf, fqdn);
    const mine = new Set(gateways.map((g) => g.ref));
    for (const d of destinationsOf(object)) {
      if (d.via !== 'route' || d.protocol !== 'http' || !d.host || d.subset) continue;
      const other = routing(toFqdn(d.host, object.namespace)).find((s) => s.vs.id !== object.id && !gatewaysOf(s.vs).some((g) => mine.has(g.ref)));
      if (!other) continue;
      report({
        messageId: 'ignored',
        data: { host: d.host, other: other.vs.ref },
        path: [...d.path, 'host'],
        related: [{ object: other.vs, path: ['spec', 'hosts', other.hostIndex], message: `${other.vs.ref} routes this host to subsets for the mesh` }],
      });
    }
  },
};
