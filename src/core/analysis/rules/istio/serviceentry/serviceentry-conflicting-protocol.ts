import { SERVICE_ENTRY } from '../../../../istio/mesh';
import { exportsOverlap, hostPortsOf, sameUnitAs, serviceEntryPorts } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const serviceentryConflictingProtocol: ObjectRule = {
  meta: {
    id: 'serviceentry-conflicting-protocol',
    code: 'ML1121',
    severity: 'error',
    scope: 'object',
    kinds: [SERVICE_ENTRY],
    title: 'ServiceEntries give one host and port different protocols',
    description:
      'Two ServiceEntries visible in a common namespace (by `exportTo`) declare the same host and port with different protocols. Istio keeps one of them for the port, so traffic is handled as the wrong protocol for the other (TLS origination, HTTP routing or plain TCP), depending on which entry is older.',
    remediation: 'Declare the host and port in one ServiceEntry with the protocol the service speaks, or restrict each entry\'s `exportTo` so that no namespace sees both.',
    messages: {
      conflict: 'Host {host} port {port} is {protocol} here but {otherProtocol} in {other}.',
    },
    upstream: ['IST0177 (serviceentry.ConflictingServiceEntryProtocolAnalyzer: conflicting protocols)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-https\nspec:\n  hosts: [example.com]\n  ports: [{number: 8443, name: https, protocol: HTTPS}]\n  resolution: DNS\n---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-http\nspec:\n  hosts: [example.com]\n  ports: [{number: 8443, name: http, protocol: HTTP}]\n  resolution: DNS\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se-https\nspec:\n  hosts: [example.com]\n  ports: [{number: 8443, name: https, protocol: HTTPS}]\n  resolution: DNS\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== SERVICE_ENTRY) return;
    const sameUnit = sameUnitAs(workspace, object.uri);
    const seen = new Set<string>();
    for (const hp of hostPortsOf(object)) {
      if (!hp.protocol) continue;
      const other = serviceEntryPorts(workspace, `${hp.host}|${hp.port}`).find(
        (o) => o.object.id !== object.id && o.object.key !== object.key && o.protocol && o.protocol !== hp.protocol && exportsOverlap(o.exportTo, hp.exportTo) && sameUnit(o.object.uri),
      );
      const key = `${hp.host}|${hp.port}`;
      if (!other || seen.has(key)) continue;
      seen.add(key);
      report({
        messageId: 'conflict',
        data: { host: hp.host, port: hp.port, protocol: hp.protocol, otherProtocol: other.protocol, other: other.object.ref },
        path: [...hp.portPath, 'protocol'],
        related: [{ object: other.object, path: [...other.portPath, 'protocol'], message: `${other.object.ref} declares ${hp.host}:${hp.port} as ${other.protocol}` }],
      });
    }
  },
};
