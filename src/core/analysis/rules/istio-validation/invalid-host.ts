import { isRecord } from '../../../k8s/object';
import { domainProblem, isDNS1123Label, isIP } from '../../../istio/net';
import { resolvePattern } from '../../../istio/pattern';
import { FieldPath } from '../../../yaml/path';
import { groupKindOf, ObjectReport, ObjectRule } from '../../types';

type Report = (r: ObjectReport) => void;

const DESTINATIONS = [
  'spec.http[].route[].destination.host',
  'spec.tcp[].route[].destination.host',
  'spec.tls[].route[].destination.host',
  'spec.http[].mirror.host',
  'spec.http[].mirrors[].destination.host',
];

export const invalidHost: ObjectRule = {
  meta: {
    id: 'invalid-host',
    code: 'ML0019',
    severity: 'error',
    scope: 'object',
    kinds: [
      'networking.istio.io/VirtualService',
      'networking.istio.io/DestinationRule',
      'networking.istio.io/ServiceEntry',
      'networking.istio.io/Gateway',
      'networking.istio.io/Sidecar',
    ],
    title: 'Invalid host name',
    description:
      'A host that Istio refuses: a name that is not made of DNS labels (an underscore, an empty label, an all-numeric top-level domain), a wildcard anywhere but in the first label, `*` as a ServiceEntry host (`hostname cannot be wildcard`) or as the host of a VirtualService bound to the mesh, a wildcard host that a DNS-resolved ServiceEntry without endpoints would have to resolve, a Gateway or Sidecar host that is a short name or lacks its `namespace/` part. The CRD schema only says "string"; the CRD\'s CEL rules and istiod\'s webhook reject these objects.',
    remediation: 'Write hosts as DNS names (`reviews`, `reviews.prod.svc.cluster.local`, `*.example.com`); in Gateways and Sidecars use fully qualified names with an optional `namespace/` prefix (`istio-system/*`, `./*.example.com`).',
    messages: {
      wildcardServiceEntry: 'A ServiceEntry host cannot be "*" ("hostname cannot be wildcard"); name the host, or use a wildcard such as *.example.com.',
      meshWildcard: 'Host "*" is not allowed in a VirtualService bound to the mesh (no gateways, or "mesh" among them); name the hosts it routes.',
      destinationWildcard: 'A destination host cannot be "*"; name the service (reviews, reviews.prod.svc.cluster.local).',
      badDomain: '"{value}" is not a valid host name ({reason}): use DNS labels of letters, digits and \'-\' separated by dots, with "*" only as the whole first label.',
      dnsNeedsFqdn: 'With resolution {resolution} and no endpoints, host "{value}" must be a plain DNS name (no wildcard): Istio resolves it by DNS.',
      shortName: '"{value}" is a short name; {kind} hosts must be fully qualified (reviews.prod.svc.cluster.local, *.example.com) or "*".',
      needsNamespace: 'Sidecar egress host "{value}" must have the form namespace/host, such as ./*, istio-system/* or */api.example.com.',
      emptyPart: 'Host "{value}": the namespace and the host of namespace/host must both be set.',
      badNamespace: '"{namespace}" is not a valid namespace in host "{value}": use a namespace name, "." (this namespace) or "*" (any){tilde}.',
      partialWildcard: '"{value}" has a partial wildcard; "*" must be the whole first label (*.example.com) or the whole host.',
    },
    upstream: [
      'Istio CRD (CEL): hostname cannot be wildcard',
      'istiod webhook: domain name invalid; short names (non FQDN) are not allowed; host must be of form namespace/dnsName; partial wildcard not allowed',
      'istiod webhook: wildcard host * is not allowed for virtual services bound to the mesh gateway',
    ],
    fixable: false,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: external\nspec:\n  hosts: ["*"]\n  resolution: NONE\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: external\nspec:\n  hosts: ["*.example.com"]\n  resolution: NONE\n',
    },
  },
  check({ object, report }) {
    const body = object.body;
    const spec = isRecord(body.spec) ? body.spec : {};
    switch (groupKindOf(object)) {
      case 'networking.istio.io/VirtualService': {
        const gateways = Array.isArray(spec.gateways) ? spec.gateways : [];
        const boundToMesh = gateways.length === 0 || gateways.includes('mesh');
        for (const { path, value } of resolvePattern(body, 'spec.hosts[]')) {
          if (typeof value !== 'string') continue;
          // Routes bound to gateways may match SNI names Istio generates (outbound_.80_._.svc).
          if (!boundToMesh && value.startsWith('outbound_.')) continue;
          const reason = domainProblem(value, true);
          if (reason) {
            if (!isIP(value)) report({ messageId: 'badDomain', data: { value, reason }, path });
          } else if (boundToMesh && value === '*') report({ messageId: 'meshWildcard', data: { value }, path });
        }
        for (const pattern of DESTINATIONS) {
          for (const { path, value } of resolvePattern(body, pattern)) {
            if (typeof value !== 'string') continue;
            if (value === '*') report({ messageId: 'destinationWildcard', data: { value }, path });
            else checkDomain(report, value, path);
          }
        }
        break;
      }
      case 'networking.istio.io/DestinationRule':
        for (const { path, value } of resolvePattern(body, 'spec.host')) if (typeof value === 'string') checkDomain(report, value, path);
        break;
      case 'networking.istio.io/ServiceEntry': {
        const resolution = typeof spec.resolution === 'string' ? spec.resolution : 'NONE';
        const endpoints = Array.isArray(spec.endpoints) ? spec.endpoints : [];
        const resolvedByDns = (resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && endpoints.length === 0;
        for (const { path, value } of resolvePattern(body, 'spec.hosts[]')) {
          if (typeof value !== 'string') continue;
          if (value === '*') report({ messageId: 'wildcardServiceEntry', data: { value }, path });
          else if (!checkDomain(report, value, path) && resolvedByDns && domainProblem(value, false)) {
            report({ messageId: 'dnsNeedsFqdn', data: { value, resolution }, path });
          }
        }
        break;
      }
      case 'networking.istio.io/Gateway':
        for (const { path, value } of resolvePattern(body, 'spec.servers[].hosts[]')) if (typeof value === 'string') checkNamespacedHost(report, value, path, true);
        break;
      case 'networking.istio.io/Sidecar':
        for (const { path, value } of resolvePattern(body, 'spec.egress[].hosts[]')) if (typeof value === 'string') checkNamespacedHost(report, value, path, false);
        for (const { path, value } of resolvePattern(body, 'spec.outboundTrafficPolicy.egressProxy.host')) {
          const reason = typeof value === 'string' ? domainProblem(value, false) : undefined;
          if (reason) report({ messageId: 'badDomain', data: { value: value as string, reason }, path });
        }
        break;
    }
  },
};

/** Reports a host that is not a (possibly wildcard) domain name; true when it did. */
function checkDomain(report: Report, value: string, path: FieldPath): boolean {
  const reason = domainProblem(value, true);
  if (reason) report({ messageId: 'badDomain', data: { value, reason }, path });
  return reason !== undefined;
}

/** Istio's ValidateNamespaceSlashWildcardHostname; one finding per host, the first problem found. */
function checkNamespacedHost(report: Report, value: string, path: FieldPath, gateway: boolean): void {
  const kind = gateway ? 'Gateway' : 'Sidecar';
  const slash = value.indexOf('/');
  if (slash < 0) {
    if (gateway) checkHostPart(report, value, value, path, kind, true);
    else report({ messageId: 'needsNamespace', data: { value }, path });
    return;
  }
  const namespace = value.slice(0, slash);
  const host = value.slice(slash + 1);
  if (!namespace || !host) {
    report({ messageId: 'emptyPart', data: { value }, path });
    return;
  }
  const special = namespace === '*' || namespace === '.' || (!gateway && namespace === '~');
  if (!special && !isDNS1123Label(namespace)) {
    report({ messageId: 'badNamespace', data: { value, namespace, tilde: gateway ? '' : ' or "~" (none)' }, path });
    return;
  }
  checkHostPart(report, value, host, path, kind, gateway);
}

function checkHostPart(report: Report, value: string, host: string, path: FieldPath, kind: string, gateway: boolean): void {
  const reason = domainProblem(host, true);
  // A Gateway may also name an IP address.
  if (reason && !(gateway && isIP(host))) report({ messageId: 'badDomain', data: { value, reason }, path });
  else if (host !== '*' && !host.includes('.')) report({ messageId: 'shortName', data: { value, kind }, path });
  else if (host.includes('*') && host !== '*' && !host.startsWith('*.')) report({ messageId: 'partialWildcard', data: { value }, path });
}
