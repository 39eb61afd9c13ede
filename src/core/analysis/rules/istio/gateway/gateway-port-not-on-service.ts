import { isRecord } from '../../../../k8s/object';
import { GATEWAY, SERVICE, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { labelsAt, selectWorkloads, servicesByNamespace, workloadIndex } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const gatewayPortNotOnService: ObjectRule = {
  meta: {
    id: 'gateway-port-not-on-service',
    code: 'ML1114',
    severity: 'warning',
    scope: 'object',
    kinds: [GATEWAY, SERVICE, ...WORKLOAD_GROUP_KINDS],
    title: 'Gateway port not exposed by the gateway Service',
    description:
      'A server\'s port is the port the gateway pods listen on, and traffic reaches them through the Service that selects those pods. When no such Service in the workspace has that `port` or `targetPort` (TCP), clients cannot reach the server. Only checked when the workspace has the gateway pods and at least one Service selecting them.',
    remediation: 'Use a port the gateway Service exposes (`80`, `443` on the default ingress gateway), or add the port to that Service.',
    messages: {
      notExposed: 'Port {port} is not exposed by {services}, the Service(s) of the gateway workload.',
    },
    upstream: ['IST0162 (gateway.IngressGatewayPortAnalyzer: port not defined on the gateway Service)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ingressgateway\n  namespace: istio-system\n  labels: {istio: ingressgateway}\nspec:\n  containers: [{name: istio-proxy, image: auto}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-system\nspec:\n  selector: {istio: ingressgateway}\n  ports: [{name: http2, port: 80, targetPort: 8080}]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port: {number: 8004, name: http, protocol: HTTP}\n      hosts: ["*"]\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ingressgateway\n  namespace: istio-system\n  labels: {istio: ingressgateway}\nspec:\n  containers: [{name: istio-proxy, image: auto}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-system\nspec:\n  selector: {istio: ingressgateway}\n  ports: [{name: http2, port: 80, targetPort: 8080}]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: ["*"]\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== GATEWAY) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.servers)) return;
    const selector = labelsAt(spec.selector) ?? {};
    if (Object.keys(selector).length === 0) return;
    const pods = selectWorkloads(workloadIndex(workspace), selector, undefined);
    if (pods.length === 0) return;
    const ports = new Set<number>();
    const services = new Set<string>();
    const byNs = new Map<string, typeof pods>();
    for (const w of pods) byNs.set(w.namespace, [...(byNs.get(w.namespace) ?? []), w]);
    const servicesIn = servicesByNamespace(workspace);
    for (const [namespace, inNs] of byNs) for (const svc of servicesIn.get(namespace) ?? []) {
      const s = isRecord(svc.body.spec) ? svc.body.spec : {};
      const sel = labelsAt(s.selector);
      if (!sel || Object.keys(sel).length === 0 || !inNs.some((w) => Object.entries(sel).every(([k, v]) => w.labels[k] === v))) continue;
      services.add(svc.ref);
      if (!Array.isArray(s.ports)) continue;
      for (const p of s.ports) {
        if (!isRecord(p) || (p.protocol !== undefined && p.protocol !== 'TCP')) continue;
        if (typeof p.port === 'number') ports.add(p.port);
        if (typeof p.targetPort === 'number') ports.add(p.targetPort);
      }
    }
    if (services.size === 0) return;
    spec.servers.forEach((s, i) => {
      const port = isRecord(s) && isRecord(s.port) ? s.port.number : undefined;
      if (typeof port !== 'number' || ports.has(port)) return;
      report({ messageId: 'notExposed', data: { port, services: [...services].sort().join(', ') }, path: ['spec', 'servers', i, 'port', 'number'] });
    });
  },
};
