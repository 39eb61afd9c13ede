import { isRecord, K8sObject } from '../../../../k8s/object';
import { GATEWAY, hostsIntersect, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { gatewaysOf, hostsOf, isInternalGatewayRef, resolveGateway, specOf } from '../../../../istio/routes';
import { ObjectRule, groupKindOf } from '../../../types';

const example = (host: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts: [${host}]
  gateways: [bookinfo-gateway]
  http:
    - route:
        - destination:
            host: productpage
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["*.example.com"]
`;

export const hostNotInGateway: ObjectRule = {
  meta: {
    id: 'host-not-in-gateway',
    code: 'ML1006',
    severity: 'warning',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE, GATEWAY],
    title: 'VirtualService hosts not served by its Gateway',
    description:
      'None of the VirtualService\'s `hosts` matches a host of a Gateway it is bound to, so that Gateway never applies these routes. Gateway server hosts may carry a namespace (`./host`, `ns/host`, `*/host`): a host is offered only to VirtualServices of that namespace. Wildcards match either way (`*.example.com` serves `web.example.com`).',
    remediation: 'Add the host to one of the Gateway\'s servers (with a namespace that includes the VirtualService\'s), or correct the VirtualService\'s hosts.',
    messages: { notInGateway: 'No host of this VirtualService ({hosts}) is served by {gateway} to namespace {namespace} (its hosts: {gatewayHosts}).' },
    upstream: ['IST0132 (VirtualServiceHostNotFoundInGateway; istioctl virtualservice.GatewayAnalyzer)'],
    fixable: false,
    examples: { invalid: example('bookinfo.example.org'), valid: example('bookinfo.example.com') },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== VIRTUAL_SERVICE) return;
    const vsHosts = hostsOf(object).map((h) => h.host);
    for (const { ref, index } of gatewaysOf(object)) {
      if (isInternalGatewayRef(ref)) continue;
      const resolved = resolveGateway(workspace, ref, object.namespace);
      // A missing Gateway is gateway-not-found's finding (with this code among its equivalents).
      if (!resolved || !resolved.found.length) continue;
      const gw = resolved.found[0];
      const offered = hostsFor(gw, object.namespace);
      if (vsHosts.some((h) => offered.some((g) => hostsIntersect(g, h)))) continue;
      report({
        messageId: 'notInGateway',
        data: { hosts: vsHosts.join(', ') || 'none', gateway: gw.ref, namespace: object.namespace, gatewayHosts: serverHosts(gw).join(', ') || 'none' },
        path: ['spec', 'gateways', index],
        related: [{ object: gw, path: ['spec', 'servers'], message: `the servers of ${gw.ref}` }],
      });
    }
  },
};

function serverHosts(gw: K8sObject): string[] {
  const servers = specOf(gw).servers;
  if (!Array.isArray(servers)) return [];
  return servers.flatMap((s) => (isRecord(s) && Array.isArray(s.hosts) ? s.hosts.filter((h): h is string => typeof h === 'string') : []));
}

/** The Gateway's hosts offered to VirtualServices of a namespace (istio's sanitizeServerHostNamespace + NamesForNamespace). */
function hostsFor(gw: K8sObject, namespace: string): string[] {
  const out: string[] = [];
  for (const h of serverHosts(gw)) {
    const slash = h.indexOf('/');
    if (slash < 0) {
      out.push(h);
      continue;
    }
    const ns = h.slice(0, slash) === '.' ? gw.namespace : h.slice(0, slash);
    if (ns === '*' || ns === namespace) out.push(h.slice(slash + 1));
  }
  return out;
}
