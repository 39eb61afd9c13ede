import { toFqdn, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { destinationsOf } from '../../../../istio/routes';
import { ObjectRule } from '../../../types';

const example = (second: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subset: v1}
          weight: 50
        - destination: {host: reviews, subset: ${second}}
          weight: 50
`;

export const duplicateRouteDestination: ObjectRule = {
  meta: {
    id: 'duplicate-route-destination',
    code: 'ML1012',
    severity: 'warning',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Same destination twice in one route',
    description:
      'Two destinations of one route name the same host, subset and port. Envoy merges them into one weighted cluster, so the split is not what the list suggests (two entries of 50 send everything to the one destination), and the second entry was usually meant to name another subset.',
    remediation: 'Name a different subset (or host) in one of them, or merge the two entries and their weights.',
    messages: { duplicate: 'Destination "{destination}" appears twice in this route (also at route[{first}]).' },
    upstream: ['KIA1105 (This host subset combination is already referenced in another route destination)'],
    fixable: false,
    examples: { invalid: example('v1'), valid: example('v2') },
  },
  check({ object, report }) {
    const seen = new Map<string, number>();
    for (const d of destinationsOf(object)) {
      if (d.via !== 'route' || !d.host) continue;
      const key = `${d.protocol}[${d.rule}]|${toFqdn(d.host, object.namespace)}|${d.subset ?? ''}|${d.port ?? ''}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, d.index!);
        continue;
      }
      const destination = `${d.host}${d.subset ? `+${d.subset}` : ''}${d.port !== undefined ? `:${d.port}` : ''}`;
      report({ messageId: 'duplicate', data: { destination, first }, path: d.path, target: 'key', related: [{ object, path: ['spec', d.protocol, d.rule, 'route', first, 'destination'], message: 'first named here', target: 'key' }] });
    }
  },
};
