import { DESTINATION_RULE } from '../../../../istio/mesh';
import { CONFIG_MAP, meshSettings } from '../../../../istio/mesh-config';
import { hasTargetRefs, MTLS_KINDS, mtlsIndex, namespacePeer, PEER_AUTHENTICATION, peerMode, policySelector, specOf, tlsMode, wideScope } from '../../../../istio/security';
import { groupKindOf, ObjectRule } from '../../../types';

const DR_MODE = ['spec', 'trafficPolicy', 'tls', 'mode'];
const PA_MODE = ['spec', 'mtls', 'mode'];

export const mtlsCounterpartMissing: ObjectRule = {
  meta: {
    id: 'mtls-counterpart-missing',
    code: 'ML2002',
    severity: 'error',
    scope: 'object',
    kinds: [...MTLS_KINDS, CONFIG_MAP],
    title: 'mTLS enabled on one side only (auto mTLS off)',
    description:
      'Only when the mesh turns auto mTLS off (`enableAutoMtls: false` in the `istio` ConfigMap): then clients use mTLS only where a DestinationRule says `ISTIO_MUTUAL`. A namespace- or mesh-wide PeerAuthentication in STRICT mode without such a DestinationRule for that namespace or the mesh makes servers refuse the plain-text requests clients send (an error). A namespace- or mesh-wide DestinationRule with ISTIO_MUTUAL without a STRICT PeerAuthentication leaves the servers accepting plain text too (a warning). With auto mTLS on (Istio\'s default) clients choose mTLS by themselves and neither is reported.',
    remediation:
      'Pair them: add a DestinationRule for `*.local` (mesh) or `*.<namespace>.svc.cluster.local` with `tls.mode: ISTIO_MUTUAL` next to a STRICT PeerAuthentication, and a STRICT PeerAuthentication next to such a DestinationRule; or turn auto mTLS back on.',
    messages: {
      meshPeer:
        'The mesh requires mTLS (STRICT), but auto mTLS is off and no mesh-wide DestinationRule (host *.local) sets ISTIO_MUTUAL: clients will send plain text and be refused.',
      namespacePeer:
        'Namespace {namespace} requires mTLS (STRICT), but auto mTLS is off and no DestinationRule for *.{namespace}.svc.cluster.local or *.local sets ISTIO_MUTUAL: clients will send plain text and be refused.',
      meshRule:
        'This DestinationRule makes clients use mTLS mesh-wide, but no mesh-wide PeerAuthentication in {root} requires it (STRICT): servers still accept plain text.',
      namespaceRule:
        'This DestinationRule makes clients use mTLS for namespace {namespace}, but no PeerAuthentication in {namespace} or mesh-wide requires it (STRICT): servers still accept plain text.',
    },
    upstream: [
      'KIA0205 (PeerAuthentication enabling mTLS at mesh level is missing)',
      'KIA0206 (PeerAuthentication enabling namespace-wide mTLS is missing)',
      'KIA0401 (Mesh-wide Destination Rule enabling mTLS is missing)',
      'KIA0501 (Destination Rule enabling namespace-wide mTLS is missing)',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    enableAutoMtls: false\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n',
      valid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    enableAutoMtls: false\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  host: "*.local"\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n',
    },
  },
  check({ object, workspace, report }) {
    const gk = groupKindOf(object);
    if (gk === CONFIG_MAP) return;
    const settings = meshSettings(workspace);
    if (settings.enableAutoMtls) return;
    const root = settings.rootNamespace;
    const index = mtlsIndex(workspace);
    const mutual = (scope: string) => index.wideRules(scope).some((r) => r.mode === 'ISTIO_MUTUAL');
    if (gk === PEER_AUTHENTICATION) {
      if (policySelector(object) || hasTargetRefs(object) || peerMode(object) !== 'STRICT') return;
      if (object.namespace === root) {
        if (!mutual('*')) report({ messageId: 'meshPeer', upstream: ['KIA0401'], path: PA_MODE });
      } else if (!mutual(object.namespace) && !mutual('*')) {
        report({ messageId: 'namespacePeer', upstream: ['KIA0501'], data: { namespace: object.namespace }, path: PA_MODE });
      }
      return;
    }
    if (gk !== DESTINATION_RULE || tlsMode(object) !== 'ISTIO_MUTUAL') return;
    const host = specOf(object).host;
    const scope = typeof host === 'string' ? wideScope(host) : undefined;
    if (!scope) return;
    const meshStrict = namespacePeer(index, root)?.mode === 'STRICT';
    // Servers that accept plain text still work: a warning, not an error.
    if (scope === '*') {
      if (!meshStrict) report({ messageId: 'meshRule', upstream: ['KIA0205'], severity: 'warning', data: { root }, path: DR_MODE });
      return;
    }
    const own = namespacePeer(index, scope);
    if (own?.mode === 'STRICT' || (!own && meshStrict)) return;
    report({ messageId: 'namespaceRule', upstream: ['KIA0206'], severity: 'warning', data: { namespace: scope }, path: DR_MODE });
  },
};
