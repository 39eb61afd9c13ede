import { K8S_GATEWAY, listenersOf } from '../../../../k8s/gateway-api';
import type { K8sObject } from '../../../../k8s/object';
import { sameUnitAs } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

interface Entry {
  gateway: K8sObject;
  listener: number;
}

const keyOf = (hostname: string, port: number, protocol: string) => `${hostname}|${port}|${protocol}`;

/** One Gateway's listeners by hostname, port and protocol (listeners without a hostname take any host and are left out, as Kiali does). */
function listenerEntries(gateway: K8sObject): Array<[string, Entry]> {
  const out: Array<[string, Entry]> = [];
  for (const l of listenersOf(gateway)) {
    if (l.hostname === undefined || l.port === undefined || l.protocol === undefined) continue;
    out.push([keyOf(l.hostname, l.port, l.protocol), { gateway, listener: l.index }]);
  }
  return out;
}

const gateway = (name: string, hostname: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: istio-ingress
spec:
  gatewayClassName: istio
  listeners:
    - name: http
      hostname: ${hostname}
      port: 80
      protocol: HTTP
`;

export const k8sGatewayListenerConflict: ObjectRule = {
  meta: {
    id: 'k8s-gateway-listener-conflict',
    code: 'ML1172',
    severity: 'warning',
    scope: 'object',
    kinds: [K8S_GATEWAY],
    title: 'Gateway API Gateways with a listener for the same host and port',
    description:
      'Two Gateway API Gateways have a listener with the same `hostname`, `port` and `protocol`. Each Gateway gets its own address, so the host can resolve to only one of them: the Routes attached to the other are not reached by the clients of that host, and which one serves it depends on DNS. Listeners without a hostname (which take any host) are not compared; copies of one object and objects under different kustomization roots are not compared either.',
    remediation: 'Serve the host from one Gateway and attach every Route for it there (Routes in other namespaces can attach with `allowedRoutes.namespaces`), or give the listeners different hostnames or ports.',
    messages: {
      conflict: 'Listener {listener} for {hostname} on port {port} ({protocol}) is also declared by {others}: more than one Gateway for the same host and port.',
    },
    upstream: ['KIA1501 (More than one K8s Gateway for the same host port combination)'],
    fixable: false,
    examples: {
      invalid: `${gateway('public', 'shop.example.com')}---\n${gateway('public-2', 'shop.example.com')}`,
      valid: `${gateway('public', 'shop.example.com')}---\n${gateway('public-2', 'api.example.com')}`,
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== K8S_GATEWAY) return;
    const sameUnit = sameUnitAs(workspace, object.uri);
    for (const l of listenersOf(object)) {
      if (l.hostname === undefined || l.port === undefined || l.protocol === undefined) continue;
      const others = workspace.keyed('gatewayapi.gateway.byListener', [K8S_GATEWAY], listenerEntries, keyOf(l.hostname, l.port, l.protocol)).filter(
        // Two unnamed Gateways are two objects, not copies of one: only a shared name makes them copies.
        (e) => e.gateway.id !== object.id && !(object.key && e.gateway.key === object.key) && sameUnit(e.gateway.uri),
      );
      if (!others.length) continue;
      report({
        messageId: 'conflict',
        data: { listener: l.name ? `"${l.name}"` : String(l.index), hostname: l.hostname, port: l.port, protocol: l.protocol, others: [...new Set(others.map((e) => e.gateway.ref))].join(', ') },
        path: ['spec', 'listeners', l.index, 'hostname'],
        related: others.map((e) => ({ object: e.gateway, path: ['spec', 'listeners', e.listener, 'hostname'], message: `${e.gateway.ref} has a listener for the same host and port` })),
      });
    }
  },
};
