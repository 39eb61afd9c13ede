import { REGISTRY_KINDS, RegistryEntry, toFqdn, VIRTUAL_SERVICE, visibleFrom } from '../../../../istio/mesh';
import { closestName, clusterLocalNamespace, destinationScopes, destinationsOf, hostAsWritten, lookupDestination, registryEntries, registryView } from '../../../../istio/routes';
import { locatePath } from '../../../../yaml/locate';
import { groupKindOf, ObjectRule, WorkspaceView } from '../../../types';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination:
            host: HOST
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

export const destinationHostNotFound: ObjectRule = {
  meta: {
    id: 'destination-host-not-found',
    code: 'ML1001',
    severity: 'error',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE, ...REGISTRY_KINDS],
    title: 'Route destination host not found',
    description:
      'A route destination or mirror of a VirtualService (http, tcp or tls) names a host that no Service or ServiceEntry visible to the VirtualService defines. A short name is a Service in the VirtualService\'s namespace; other names are taken as written and may match a wildcard ServiceEntry host. Services hidden by `networking.istio.io/exportTo` and ServiceEntries hidden by `exportTo` do not count, and when the VirtualService is itself exported elsewhere, the host must be visible there. Envoy then has no cluster for the route and answers 503 (NR / no healthy upstream).',
    remediation:
      'Fix the host name (the message suggests the closest existing one), write the FQDN of a Service in another namespace (`reviews.prod.svc.cluster.local`), export the Service to this namespace, or add a ServiceEntry for an external host.',
    messages: {
      notFound: '{where} host "{host}" is not a Service or ServiceEntry visible from namespace {namespace}.',
      didYouMean: '{where} host "{host}" is not a Service or ServiceEntry visible from namespace {namespace}: did you mean "{suggestion}"?',
      unresolved: '{where} host "{host}" is not defined in the workspace ({scope}); it may be defined elsewhere.',
    },
    upstream: ['IST0101 (ReferencedResourceNotFound; istioctl virtualservice.DestinationHostAnalyzer)', 'KIA1101 (DestinationWeight on route doesn\'t have a valid service)'],
    fixable: true,
    examples: { invalid: VS.replace('HOST', 'reviewz'), valid: VS.replace('HOST', 'reviews') },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== VIRTUAL_SERVICE) return;
    const scopes = destinationScopes(object);
    const ns = object.namespace;
    const visible = (e: RegistryEntry) => scopes.some((s) => visibleFrom(e, s));
    for (const d of destinationsOf(object)) {
      if (!d.host || lookupDestination(workspace, d.host, object).length) continue;
      const where = d.via === 'route' ? 'Route destination' : 'Mirror';
      const fqdn = toFqdn(d.host, ns);
      const path = [...d.path, 'host'];
      const targetNs = clusterLocalNamespace(fqdn);
      const suggestion = suggest(workspace, d.host, fqdn, ns, visible);
      // Nothing of the kind where the host would live, and no near miss: probably defined in another repository.
      const empty =
        targetNs !== undefined
          ? registryView<boolean>(workspace, `ns|${targetNs}`) !== true
          : ['*', ...scopes].every((s) => registryView<boolean>(workspace, `seScope|${s}`) !== true);
      if (empty && !suggestion) {
        const scope = targetNs !== undefined ? `no Service or ServiceEntry in namespace ${targetNs}` : `no ServiceEntry visible from namespace ${ns}`;
        report({ messageId: 'unresolved', unresolved: true, data: { where, host: d.host, scope }, path });
        continue;
      }
      const data = { where, host: d.host, namespace: ns, suggestion: suggestion?.text ?? '' };
      if (!suggestion) {
        report({ messageId: 'notFound', data, path });
        continue;
      }
      const loc = locatePath(object.doc.node, path, 'value');
      report({
        messageId: 'didYouMean',
        data,
        path,
        related: [{ object: suggestion.entry.object, path: suggestion.entry.path, message: `${suggestion.text} is defined here` }],
        fixes: [{ title: `Change the host to "${suggestion.text}"`, preferred: false, edits: [{ start: loc.start, end: loc.end, newText: suggestion.text }] }],
      });
    }
  },
};

/**
 * The closest visible host, written the way the user wrote theirs; else, for a Service name that
 * exists in exactly one other namespace, that Service's FQDN. Reads only the registry entries of
 * the namespace (or the external hosts) in question.
 */
function suggest(ws: WorkspaceView, host: string, fqdn: string, ns: string, visible: (e: RegistryEntry) => boolean): { text: string; entry: RegistryEntry } | undefined {
  const targetNs = clusterLocalNamespace(fqdn);
  const pool = registryEntries(ws, targetNs !== undefined ? `inNs|${targetNs}` : 'external').filter(visible);
  const written = new Map<string, RegistryEntry>();
  for (const e of pool) written.set(host.includes('.') ? e.host : hostAsWritten(e.host, ns), e);
  const near = closestName(host, [...written.keys()]);
  if (near) return { text: near, entry: written.get(near)! };
  if (targetNs === undefined) return undefined;
  const name = fqdn.slice(0, fqdn.indexOf('.'));
  const elsewhere = registryEntries(ws, `name|${name}`).filter((e) => e.object.kind === 'Service' && e.host !== fqdn && visible(e));
  return elsewhere.length === 1 ? { text: elsewhere[0].host, entry: elsewhere[0] } : undefined;
}
