import { isRecord, K8sObject } from '../../../../k8s/object';
import { GATEWAY, hostsIntersect } from '../../../../istio/mesh';
import { labelsAt, sameUnitAs, selectorKey } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

interface Server {
  gateway: K8sObject;
  server: number;
  hosts: string[];
}

/** Gateway hosts may carry a `namespace/` prefix that restricts which VirtualServices bind; the host is after it. */
function serverHosts(s: Record<string, unknown>): string[] {
  if (!Array.isArray(s.hosts)) return [];
  return s.hosts.flatMap((h) => (typeof h === 'string' && h ? [h.slice(h.indexOf('/') + 1)] : []));
}

function portOf(s: Record<string, unknown>): number | undefined {
  return isRecord(s.port) && typeof s.port.number === 'number' ? s.port.number : undefined;
}

/** Servers by exact selector and port number, the way istioctl groups them. */
function bySelectorPort(of: (gk: string) => readonly K8sObject[]): Map<string, Server[]> {
  const out = new Map<string, Server[]>();
  for (const gateway of of(GATEWAY)) {
    const spec = isRecord(gateway.body.spec) ? gateway.body.spec : {};
    if (!Array.isArray(spec.servers)) continue;
    const selector = selectorKey(labelsAt(spec.selector) ?? {});
    spec.servers.forEach((s, server) => {
      const port = isRecord(s) ? portOf(s) : undefined;
      if (port === undefined || !isRecord(s)) return;
      const key = `${selector}|${port}`;
      out.set(key, [...(out.get(key) ?? []), { gateway, server, hosts: serverHosts(s) }]);
    });
  }
  return out;
}

export const gatewayConflict: ObjectRule = {
  meta: {
    id: 'gateway-conflict',
    code: 'ML1113',
    severity: 'warning',
    scope: 'object',
    kinds: [GATEWAY],
    title: 'Gateways conflict on selector, port and host',
    description:
      'Two Gateways with the same selector (so the same gateway pods) declare servers on the same port for overlapping hosts. The gateway builds one listener per port, so the servers compete: for TLS one filter chain wins and the other host is not served with its certificate, for plain HTTP the route tables are merged and which VirtualService answers depends on ordering. Copies of one object and objects under different kustomization roots are not compared.',
    remediation: 'Declare each host on a port in one Gateway (share it between VirtualServices with `gateways: [ns/name]`), or use different hosts or ports.',
    messages: {
      conflict: 'Server on port {port} for {hosts} conflicts with {others} (same selector {selector}, port and host).',
    },
    upstream: ['IST0145 (gateway.ConflictingGatewayAnalyzer: conflicting gateways)', 'KIA0301'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: alpha\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [foo.example.com]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: beta\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 80, name: tcp, protocol: TCP}\n      hosts: ["*.example.com"]\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: alpha\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [foo.example.com]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: beta\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [bar.example.com]\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== GATEWAY) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.servers)) return;
    const selector = selectorKey(labelsAt(spec.selector) ?? {});
    const sameUnit = sameUnitAs(workspace, object.uri);
    spec.servers.forEach((s, i) => {
      if (!isRecord(s)) return;
      const port = portOf(s);
      if (port === undefined) return;
      const hosts = serverHosts(s);
      const others = (workspace.lookup<Server[]>('istio.gateway.bySelectorPort', [GATEWAY], bySelectorPort, `${selector}|${port}`) ?? []).filter(
        (o) => o.gateway.id !== object.id && o.gateway.key !== object.key && sameUnit(o.gateway.uri) && hosts.some((h) => o.hosts.some((x) => hostsIntersect(h, x))),
      );
      if (others.length === 0) return;
      report({
        messageId: 'conflict',
        data: { port, hosts: hosts.join(', '), others: [...new Set(others.map((o) => o.gateway.ref))].join(', '), selector: selector ? `"${selector}"` : '(none)' },
        path: ['spec', 'servers', i, 'port', 'number'],
        related: others.map((o) => ({ object: o.gateway, path: ['spec', 'servers', o.server, 'port', 'number'], message: `${o.gateway.ref} declares the same port and host` })),
      });
    });
  },
};
