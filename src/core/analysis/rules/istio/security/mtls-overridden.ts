import { DESTINATION_RULE, hostCovers, toFqdn } from '../../../../istio/mesh';
import { CONFIG_MAP, meshSettings } from '../../../../istio/mesh-config';
import { MTLS_KINDS, mtlsIndex, specOf, tlsMode, wideScope, WideDestinationRule } from '../../../../istio/security';
import { groupKindOf, ObjectRule } from '../../../types';

export const mtlsOverridden: ObjectRule = {
  meta: {
    id: 'mtls-overridden',
    code: 'ML2003',
    severity: 'warning',
    scope: 'object',
    kinds: [...MTLS_KINDS, CONFIG_MAP],
    title: 'A host-specific DestinationRule drops mesh- or namespace-wide mTLS (auto mTLS off)',
    description:
      'Only when the mesh turns auto mTLS off (`enableAutoMtls: false`). Istio applies the most specific DestinationRule for a host and does not merge it with a wider one, so a rule for one host without `tls` settings replaces the `ISTIO_MUTUAL` a mesh-wide (`*.local`) or namespace-wide (`*.ns.svc.cluster.local`) rule gave that host: its clients send plain text. With auto mTLS on (the default) clients pick mTLS for sidecar-injected servers anyway, so a rule without `tls` is fine.',
    remediation: 'Repeat `tls: {mode: ISTIO_MUTUAL}` in the host\'s own `trafficPolicy`, or turn auto mTLS back on.',
    messages: {
      overridden: 'This DestinationRule for {host} sets no TLS, so it replaces the ISTIO_MUTUAL of {wide} and clients of {host} send plain text (auto mTLS is off). Add tls.mode ISTIO_MUTUAL to its trafficPolicy.',
    },
    upstream: ['KIA0204 (mTLS settings of a non-local Destination Rule are overridden)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    enableAutoMtls: false\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  host: "*.local"\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    loadBalancer:\n      simple: RANDOM\n',
      valid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    enableAutoMtls: false\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  host: "*.local"\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    loadBalancer:\n      simple: RANDOM\n    tls:\n      mode: ISTIO_MUTUAL\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    if (meshSettings(workspace).enableAutoMtls) return;
    const host = specOf(object).host;
    if (typeof host !== 'string' || !host || wideScope(host) || tlsMode(object) !== undefined) return;
    const fqdn = toFqdn(host, object.namespace);
    const index = mtlsIndex(workspace);
    // The narrowest wide rule decides: a namespace-wide one before the mesh-wide one.
    const ns = /^[^.]+\.([^.]+)\.svc\./.exec(fqdn)?.[1];
    const candidates: readonly WideDestinationRule[] = [...(ns ? index.wideRules(ns) : []), ...index.wideRules('*')];
    const wide = candidates.find((r) => r.object.id !== object.id && r.mode !== undefined && hostCovers(String(specOf(r.object).host), fqdn));
    if (!wide || wide.mode !== 'ISTIO_MUTUAL') return;
    report({
      messageId: 'overridden',
      data: { host, wide: wide.object.ref },
      path: ['spec', 'host'],
      related: [{ object: wide.object, path: ['spec', 'trafficPolicy', 'tls', 'mode'], message: `${wide.object.ref} sets ISTIO_MUTUAL here` }],
    });
  },
};
