import { DESTINATION_RULE, DOMAIN_SUFFIX, hostCovers, REGISTRY_KINDS, RegistryEntry, toFqdn, visibleFrom } from '../../../../istio/mesh';
import { registryEntries, registryView } from '../../../../istio/routes';
import { isRecord } from '../../../../k8s/object';
import { replaceValueFix, splitClusterLocal } from '../../../../istio/policy';
import { closest } from '../../../../schema/suggest';
import { groupKindOf, ObjectRule, WorkspaceView } from '../../../types';

const HOST = ['spec', 'host'];

export const destinationruleHostNotFound: ObjectRule = {
  meta: {
    id: 'destinationrule-host-not-found',
    code: 'ML1101',
    severity: 'error',
    scope: 'object',
    kinds: [DESTINATION_RULE, ...REGISTRY_KINDS],
    title: 'DestinationRule host not found',
    description:
      'The `host` of a DestinationRule names no Service or ServiceEntry visible from its namespace, so its traffic policy and subsets apply to nothing. A short name (`reviews`) is a Service in the rule\'s own namespace; a name with a dot is taken as written, so `reviews.prod` is not `reviews.prod.svc.cluster.local`. When the workspace defines no Service in the host\'s namespace, the Service is probably defined elsewhere and the `meshlens.references.unresolved` setting decides; a near miss among the hosts that exist is always an error. Wildcard hosts are not checked.',
    remediation: 'Correct the host to a Service (`name`, or `name.namespace.svc.cluster.local` across namespaces) or a ServiceEntry host, or add the missing Service or ServiceEntry.',
    messages: {
      notFound: 'Host "{host}" matches no Service or ServiceEntry visible from namespace {namespace}.',
      didYouMean: 'Host "{host}" matches no Service or ServiceEntry visible from namespace {namespace}; did you mean "{suggestion}"?',
      notExported: 'Host "{host}" is defined by {other}, which is not exported to namespace {namespace} (exportTo).',
      unresolved: 'Host "{host}" matches no Service in the workspace; namespace {target} has no Service here, so it may be defined elsewhere.',
      unresolvedExternal: 'Host "{host}" matches no ServiceEntry in the workspace; it may be defined elsewhere.',
    },
    upstream: ['IST0174 (destinationrule.SubsetSelectPodAnalyzer: DestinationRule host not found)', 'KIA0202'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reveiws\n',
      valid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n',
    },
  },
  check({ object, workspace, lines, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    const host = isRecord(object.body.spec) ? object.body.spec.host : undefined;
    if (typeof host !== 'string' || !host || host.includes('*')) return;
    const fqdn = toFqdn(host, object.namespace);
    const visible = (e: RegistryEntry) => visibleFrom(e, object.namespace);
    const exact = registryEntries(workspace, `host|${fqdn}`);
    if (exact.some(visible)) return;
    if (registryEntries(workspace, 'wild').some((e) => visible(e) && hostCovers(e.host, fqdn))) return;
    if (exact.length) {
      const other = exact[0].object;
      report({ messageId: 'notExported', data: { host, namespace: object.namespace, other: other.ref }, path: HOST, related: [{ object: other, path: exact[0].path, message: `${other.ref} defines ${fqdn}` }] });
      return;
    }
    const suggestion = suggestHost(workspace, fqdn, visible);
    const short = `.${object.namespace}.${DOMAIN_SUFFIX}`;
    const data = { host, namespace: object.namespace };
    if (suggestion) {
      const text = !host.includes('.') && suggestion.endsWith(short) ? suggestion.slice(0, -short.length) : suggestion;
      report({ messageId: 'didYouMean', data: { ...data, suggestion: text }, path: HOST, fixes: replaceValueFix(object, lines, HOST, text, `Change the host to "${text}"`) });
      return;
    }
    const target = splitClusterLocal(fqdn)?.namespace;
    if (target !== undefined && registryView<boolean>(workspace, `ns|${target}`)) report({ messageId: 'notFound', data, path: HOST });
    else if (target !== undefined) report({ messageId: 'unresolved', data: { ...data, target }, path: HOST, unresolved: true });
    else report({ messageId: 'unresolvedExternal', data, path: HOST, unresolved: true });
  },
};

/**
 * The visible host a person most likely meant: the full name of a Kubernetes DNS name Istio does
 * not expand (`reviews.prod`), else the closest name in the host's namespace, or the closest
 * external host.
 */
function suggestHost(ws: WorkspaceView, fqdn: string, visible: (e: RegistryEntry) => boolean): string | undefined {
  const exists = (h: string) => registryEntries(ws, `host|${h}`).some(visible);
  // `reviews.prod` and `reviews.prod.svc` resolve in Kubernetes DNS but not in Istio's registry.
  for (const full of [`${fqdn}.${DOMAIN_SUFFIX}`, `${fqdn}.cluster.local`]) if (exists(full)) return full;
  const local = splitClusterLocal(fqdn);
  const pool = local ? registryEntries(ws, `inNs|${local.namespace}`) : registryEntries(ws, 'external');
  return closest(fqdn, [...new Set(pool.filter(visible).map((e) => e.host))]);
}
