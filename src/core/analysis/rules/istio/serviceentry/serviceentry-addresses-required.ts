import { isRecord } from '../../../../k8s/object';
import { SERVICE_ENTRY } from '../../../../istio/mesh';
import { groupKindOf, ObjectRule } from '../../../types';

export const serviceentryAddressesRequired: ObjectRule = {
  meta: {
    id: 'serviceentry-addresses-required',
    code: 'ML1120',
    severity: 'warning',
    scope: 'object',
    kinds: [SERVICE_ENTRY],
    title: 'TCP ServiceEntry without addresses',
    description:
      'A ServiceEntry port whose protocol is TCP (or unset) carries no host name the proxy could route on, so without `addresses` (or addresses allocated by Istio\'s DNS proxying, shown in `status.addresses`) the sidecar builds a listener on `0.0.0.0:<port>` that captures all TCP traffic to that port, for every destination.',
    remediation: 'Add the service\'s IPs or CIDRs to `addresses`, declare the port\'s real protocol (HTTP, HTTPS, TLS), or enable DNS proxying with address auto-allocation in the mesh config.',
    messages: {
      required: 'Port {port} is {protocol} and the ServiceEntry has no addresses: its listener on 0.0.0.0:{port} captures all TCP traffic to that port.',
    },
    upstream: ['IST0134 (serviceentry.Analyzer: addresses required)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: external-db\nspec:\n  hosts: [db.example.com]\n  ports:\n    - number: 5432\n      name: tcp-postgres\n      protocol: TCP\n  resolution: DNS\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: external-db\nspec:\n  hosts: [db.example.com]\n  addresses: [10.1.2.3]\n  ports:\n    - number: 5432\n      name: tcp-postgres\n      protocol: TCP\n  resolution: DNS\n',
    },
  },
  check({ object, report }) {
    if (groupKindOf(object) !== SERVICE_ENTRY) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (Array.isArray(spec.addresses) && spec.addresses.length) return;
    const status = isRecord(object.body.status) ? object.body.status : {};
    if (Array.isArray(status.addresses) && status.addresses.length) return;
    if (!Array.isArray(spec.ports)) return;
    spec.ports.forEach((p, i) => {
      if (!isRecord(p)) return;
      const protocol = typeof p.protocol === 'string' ? p.protocol : '';
      if (protocol !== '' && protocol.toUpperCase() !== 'TCP') return;
      const port = typeof p.number === 'number' ? p.number : '?';
      report({ messageId: 'required', data: { port, protocol: protocol ? protocol : 'unset (TCP)' }, path: protocol ? ['spec', 'ports', i, 'protocol'] : ['spec', 'ports', i] });
    });
  },
};
