import { addressesOf, K8S_GATEWAY } from '../../../../k8s/gateway-api';
import type { K8sObject } from '../../../../k8s/object';
import { sameUnitAs } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

interface Entry {
  gateway: K8sObject;
  address: number;
}

const keyOf = (type: string, value: string) => `${type}|${value}`;

/** One Gateway's `spec.addresses`, by type and value. */
const addressEntries = (gateway: K8sObject): Array<[string, Entry]> => addressesOf(gateway).map((a) => [keyOf(a.type, a.value), { gateway, address: a.index }]);

const gateway = (name: string, ip: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: istio-ingress
spec:
  gatewayClassName: istio
  addresses:
    - type: IPAddress
      value: ${ip}
  listeners:
    - name: http
      port: 80
      protocol: HTTP
`;

export const k8sGatewayAddressConflict: ObjectRule = {
  meta: {
    id: 'k8s-gateway-address-conflict',
    code: 'ML1173',
    severity: 'warning',
    scope: 'object',
    kinds: [K8S_GATEWAY],
    title: 'Gateway API Gateways that request the same address',
    description:
      'Two Gateway API Gateways list the same entry in `spec.addresses` (the same `type`, `IPAddress` when absent, and `value`). An IP address can be given to only one of the load balancers the Gateways get, so the other is not programmed with it; with Istio, a `Hostname` address binds the Gateway to an existing gateway Service, so both Gateways configure the same gateway pods and their listeners are merged. Copies of one object and objects under different kustomization roots are not compared.',
    remediation: 'Give each Gateway its own address, or merge the listeners of the two Gateways into one.',
    messages: {
      conflict: 'Address {value} ({type}) is also requested by {others}: more than one Gateway for the same address and type.',
    },
    upstream: ['KIA1502 (More than one K8s Gateway for the same address and type combination)'],
    fixable: false,
    examples: {
      invalid: `${gateway('public', '203.0.113.10')}---\n${gateway('partners', '203.0.113.10')}`,
      valid: `${gateway('public', '203.0.113.10')}---\n${gateway('partners', '203.0.113.11')}`,
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== K8S_GATEWAY) return;
    const sameUnit = sameUnitAs(workspace, object.uri);
    for (const a of addressesOf(object)) {
      const others = workspace.keyed('gatewayapi.gateway.byAddress', [K8S_GATEWAY], addressEntries, keyOf(a.type, a.value)).filter(
        // Two unnamed Gateways are two objects, not copies of one: only a shared name makes them copies.
        (e) => e.gateway.id !== object.id && !(object.key && e.gateway.key === object.key) && sameUnit(e.gateway.uri),
      );
      if (!others.length) continue;
      report({
        messageId: 'conflict',
        data: { value: a.value, type: a.type, others: [...new Set(others.map((e) => e.gateway.ref))].join(', ') },
        path: ['spec', 'addresses', a.index, 'value'],
        related: others.map((e) => ({ object: e.gateway, path: ['spec', 'addresses', e.address, 'value'], message: `${e.gateway.ref} requests the same address` })),
      });
    }
  },
};
