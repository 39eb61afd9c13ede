import { SERVICE_ENTRY } from '../../../../istio/mesh';
import { exportsOverlap, hostPortsOf, sameUnitAs, serviceEntryPorts } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const serviceentryDuplicateHostPort: ObjectRule = {
  meta: {
    id: 'serviceentry-duplicate-host-port',
    code: 'ML1122',
    severity: 'warning',
    scope: 'object',
    kinds: [SERVICE_ENTRY],
    title: 'Several ServiceEntries for one host and port',
    description:
      'Two ServiceEntries of one namespace, visible in a common namespace (by `exportTo`), declare the same host and port with the same protocol. Istio merges them only partly: which entry\'s resolution, endpoints and location apply depends on which is older, so an edit to one may have no effect. Entries in different namespaces are not compared (a namespace\'s own entry takes precedence there, a deliberate override); different protocols are ML1121.',
    remediation: 'Keep one ServiceEntry per host and port, or restrict `exportTo` so that no namespace sees both.',
    messages: {
      duplicate: 'Host {host} port {port} is also declared by {other}.',
    },
    upstream: ['KIA1211'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  hosts: [api.example.com]\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api-copy\nspec:\n  hosts: [api.example.com]\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  hosts: [api.example.com]\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api-team-b\n  namespace: team-b\nspec:\n  hosts: [api.example.com]\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n  exportTo: [.]\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== SERVICE_ENTRY) return;
    const sameUnit = sameUnitAs(workspace, object.uri);
    const seen = new Set<string>();
    for (const hp of hostPortsOf(object)) {
      const key = `${hp.host}|${hp.port}`;
      if (seen.has(key)) continue;
      const others = serviceEntryPorts(workspace, key).filter(
        (o) => o.object.id !== object.id && o.object.namespace === object.namespace && o.object.key !== object.key && o.protocol === hp.protocol && exportsOverlap(o.exportTo, hp.exportTo) && sameUnit(o.object.uri),
      );
      if (others.length === 0) continue;
      seen.add(key);
      const names = [...new Set(others.map((o) => o.object.ref))];
      report({
        messageId: 'duplicate',
        data: { host: hp.host, port: hp.port, other: names.join(', ') },
        path: hp.hostPath,
        related: others.map((o) => ({ object: o.object, path: o.hostPath, message: `${o.object.ref} also declares ${hp.host}:${hp.port}` })),
      });
    }
  },
};
