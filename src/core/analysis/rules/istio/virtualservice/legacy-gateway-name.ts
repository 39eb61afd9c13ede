import { resolveGatewayRef, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { gatewaysOf } from '../../../../istio/routes';
import { locatePath } from '../../../../yaml/locate';
import { ObjectRule } from '../../../types';

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
`;

export const legacyGatewayName: ObjectRule = {
  meta: {
    id: 'legacy-gateway-name',
    code: 'ML1005',
    severity: 'info',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Gateway named in the legacy dotted form',
    description:
      'A `gateways` entry uses the legacy `name.namespace` (or `name.namespace.svc.cluster.local`) form. istiod still reads it, but the `namespace/name` form is the documented one, cannot be mistaken for a host name, and is what the webhook recommends.',
    remediation: 'Write the gateway as `namespace/name` (the quick fix rewrites it; the meaning does not change).',
    messages: { legacy: 'Gateway "{ref}" uses the legacy dotted form: write "{preferred}".' },
    upstream: ['KIA1108 (Preferred nomenclature: <gateway namespace>/<gateway name>)', 'istiod webhook: using legacy gatewayName format'],
    fixable: true,
    examples: { invalid: example('bookinfo-gateway.istio-system'), valid: example('istio-system/bookinfo-gateway') },
  },
  check({ object, report }) {
    for (const { ref, index } of gatewaysOf(object)) {
      const r = resolveGatewayRef(ref, object.namespace);
      if (r === 'mesh' || !r.legacy || !r.namespace || !r.name) continue;
      const preferred = `${r.namespace}/${r.name}`;
      const path = ['spec', 'gateways', index];
      const loc = locatePath(object.doc.node, path, 'value');
      report({
        messageId: 'legacy',
        data: { ref, preferred },
        path,
        fixes: [{ title: `Write "${preferred}"`, preferred: true, edits: [{ start: loc.start, end: loc.end, newText: preferred }] }],
      });
    }
  },
};
