import { REGISTRY_KINDS, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { destinationsOf, lookupDestination } from '../../../../istio/routes';
import { locatePath } from '../../../../yaml/locate';
import { ObjectRule, groupKindOf } from '../../../types';

const example = (port: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination:
            host: reviews${port}
---
apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  ports:
    - name: http
      port: 9080
`;

export const destinationPort: ObjectRule = {
  meta: {
    id: 'destination-port',
    code: 'ML1002',
    severity: 'error',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE, ...REGISTRY_KINDS],
    title: 'Route destination port missing or not exposed',
    description:
      'A route destination or mirror names a Service (or ServiceEntry) that exposes several ports but gives no `port.number`, so the route cannot tell which port it is for; or it names a port the Service does not expose, so Envoy has no cluster for it. Ports are the Service ports (`spec.ports[].port`), not the container ports.',
    remediation: 'Add `port: {number: N}` with one of the Service\'s ports to the destination, or correct the number.',
    messages: {
      missing: '{where} "{host}" has several ports ({ports}): say which with port.number.',
      notExposed: '{where} port {port} is not a port of "{host}" (ports: {ports}).',
    },
    upstream: [
      'IST0112 (VirtualServiceDestinationPortSelectorRequired; istioctl virtualservice.DestinationHostAnalyzer)',
      'IST0101 (ReferencedResourceNotFound host:port; istioctl virtualservice.DestinationHostAnalyzer)',
    ],
    fixable: true,
    examples: { invalid: example('\n            port: {number: 9070}'), valid: example('\n            port: {number: 9080}') },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== VIRTUAL_SERVICE) return;
    for (const d of destinationsOf(object)) {
      if (!d.host) continue;
      // Upstream checks the first entry the host resolves to; several entries (a Service and a
      // ServiceEntry for one host) merge their ports in istiod, so any of them will do.
      const entries = lookupDestination(workspace, d.host, object);
      if (!entries.length) continue;
      const numbers = [...new Set(entries.flatMap((e) => e.ports.map((p) => p.number)))].sort((a, b) => a - b);
      const where = d.via === 'route' ? 'Route destination' : 'Mirror';
      const related = [{ object: entries[0].object, path: ['spec', 'ports'], message: `the ports of ${entries[0].object.ref}` }];
      if (!d.hasPort) {
        if (numbers.length > 1) report({ messageId: 'missing', upstream: ['IST0112'], data: { where, host: d.host, ports: numbers.join(', ') }, path: [...d.path, 'host'], related });
        continue;
      }
      if (d.port === undefined || numbers.includes(d.port)) continue;
      const path = [...d.path, 'port', 'number'];
      const loc = locatePath(object.doc.node, path, 'value');
      const fixes =
        numbers.length === 1 && loc.exact ? [{ title: `Use port ${numbers[0]}`, preferred: false, edits: [{ start: loc.start, end: loc.end, newText: String(numbers[0]) }] }] : [];
      report({ messageId: 'notExposed', upstream: ['IST0101'], data: { where, host: d.host, port: d.port, ports: numbers.join(', ') || 'none' }, path, related, fixes });
    }
  },
};
