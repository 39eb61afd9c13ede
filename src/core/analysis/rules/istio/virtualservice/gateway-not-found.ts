import { GATEWAY, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { closestName, gatewaysBy, gatewaysOf, isInternalGatewayRef, resolveGateway } from '../../../../istio/routes';
import { locatePath } from '../../../../yaml/locate';
import { ObjectRule, groupKindOf } from '../../../types';

const example = (ref: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts: [bookinfo.example.com]
  gateways: [${ref}]
  http:
    - route:
        - destination:
            host: productpage
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [bookinfo.example.com]
`;

export const gatewayNotFound: ObjectRule = {
  meta: {
    id: 'gateway-not-found',
    code: 'ML1004',
    severity: 'error',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE, GATEWAY],
    title: 'Gateway not found',
    description:
      'An entry of a VirtualService\'s `gateways` names a Gateway that does not exist. `namespace/name` names it exactly, a bare name is a Gateway in the VirtualService\'s namespace, and the legacy `name.namespace` form is read the way istiod reads it; `mesh` stands for the sidecars. A VirtualService bound only to a missing Gateway configures nothing. istioctl also reports the VirtualService\'s hosts as not found in that Gateway (IST0132); MeshLens reports the missing Gateway once.',
    remediation:
      'Fix the name (the message suggests the closest Gateway), add the namespace of a Gateway that lives elsewhere (`istio-system/bookinfo-gateway`), or create the Gateway.',
    messages: {
      notFound: 'Gateway "{ref}" not found: no Gateway {namespace}/{name}.',
      didYouMean: 'Gateway "{ref}" not found: no Gateway {namespace}/{name}; did you mean "{suggestion}"?',
      unresolved: 'Gateway "{ref}" is not defined in the workspace (no Gateway in namespace {namespace}); it may be defined elsewhere.',
    },
    upstream: [
      'IST0101 (ReferencedResourceNotFound gateway; istioctl virtualservice.GatewayAnalyzer)',
      'IST0132 (VirtualServiceHostNotFoundInGateway, which istioctl adds for a missing Gateway)',
      'KIA1102 (VirtualService is pointing to a non-existent gateway)',
    ],
    fixable: true,
    examples: { invalid: example('bookinfo-gatway'), valid: example('bookinfo-gateway') },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== VIRTUAL_SERVICE) return;
    for (const { ref, index } of gatewaysOf(object)) {
      if (isInternalGatewayRef(ref)) continue;
      const resolved = resolveGateway(workspace, ref, object.namespace);
      if (!resolved || resolved.found.length) continue;
      const { namespace, name } = resolved.ref;
      const path = ['spec', 'gateways', index];
      const data = { ref, namespace, name, suggestion: '' };
      // istioctl's IST0132 for the same entry: a missing Gateway has none of the VirtualService's hosts.
      const upstream = ['IST0101', 'IST0132', 'KIA1102'];
      const here = gatewaysBy(workspace, `ns|${namespace}`);
      // A bare name of a Gateway in another namespace is the most common slip: suggest `ns/name`.
      // An explicit namespace is taken at its word: the Gateway may be defined where that namespace is.
      const elsewhere = ref.includes('/') ? [] : gatewaysBy(workspace, `name|${name}`).filter((g) => g.namespace !== namespace);
      if (!here.length && !elsewhere.length) {
        report({ messageId: 'unresolved', unresolved: true, upstream, data, path });
        continue;
      }
      const near = closestName(name, here.map((g) => g.name!));
      const target = near ? here.find((g) => g.name === near)! : elsewhere.length === 1 ? elsewhere[0] : undefined;
      if (!target) {
        report({ messageId: 'notFound', upstream, data, path });
        continue;
      }
      const suggestion = ref.includes('/') || target.namespace !== object.namespace ? `${target.namespace}/${target.name}` : target.name!;
      const loc = locatePath(object.doc.node, path, 'value');
      report({
        messageId: 'didYouMean',
        upstream,
        data: { ...data, suggestion },
        path,
        related: [{ object: target, path: ['metadata', 'name'], message: `${target.ref} is defined here` }],
        fixes: [{ title: `Change the gateway to "${suggestion}"`, preferred: false, edits: [{ start: loc.start, end: loc.end, newText: suggestion }] }],
      });
    }
  },
};
