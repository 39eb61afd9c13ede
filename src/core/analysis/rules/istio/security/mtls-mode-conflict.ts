import { DESTINATION_RULE } from '../../../../istio/mesh';
import { CONFIG_MAP, meshSettings } from '../../../../istio/mesh-config';
import { MTLS_KINDS, mtlsIndex, namespacePeer, PEER_AUTHENTICATION, peerMode, policySelector, hasTargetRefs, specOf, tlsMode, wideScope } from '../../../../istio/security';
import { groupKindOf, ObjectRule } from '../../../types';

const DR_MODE = ['spec', 'trafficPolicy', 'tls', 'mode'];
const PA_MODE = ['spec', 'mtls', 'mode'];

export const mtlsModeConflict: ObjectRule = {
  meta: {
    id: 'mtls-mode-conflict',
    code: 'ML2001',
    severity: 'error',
    scope: 'object',
    kinds: [...MTLS_KINDS, CONFIG_MAP],
    title: 'Client TLS and server mTLS modes contradict each other',
    description:
      'A DestinationRule that turns client TLS off (`tls.mode: DISABLE`) for a whole namespace (`*.ns.svc.cluster.local`) or the mesh (`*.local`) while a PeerAuthentication requires mTLS (`STRICT`) for it: clients send plain text that the servers refuse. Or the opposite: a namespace- or mesh-wide PeerAuthentication that turns mTLS off (`DISABLE`) while a DestinationRule for that namespace or the mesh makes clients send Istio mTLS (`ISTIO_MUTUAL`), which the servers no longer accept. Auto mTLS does not help: an explicit DestinationRule mode overrides it.',
    remediation:
      'Make the two agree: set the PeerAuthentication to PERMISSIVE (or STRICT) where clients use ISTIO_MUTUAL, or drop `tls.mode: DISABLE` from the DestinationRule (auto mTLS then chooses); with mTLS turned off on the servers, use a DestinationRule with `tls.mode: DISABLE` (or none) for them.',
    messages: {
      namespaceStrict:
        'This DestinationRule turns client TLS off for namespace {namespace}, but {peer} requires mTLS (STRICT) there: requests will be refused. Set the PeerAuthentication to PERMISSIVE or remove the DISABLE mode.',
      meshStrict:
        'This DestinationRule turns client TLS off for {scope}, but the mesh-wide {peer} requires mTLS (STRICT): requests will be refused. Use PERMISSIVE in the namespaces concerned or remove the DISABLE mode.',
      namespaceDisabled:
        'This PeerAuthentication turns mTLS off for namespace {namespace}, but {rule} makes clients use ISTIO_MUTUAL for it: requests will fail. Add a DestinationRule disabling TLS for *.{namespace}.svc.cluster.local, or use PERMISSIVE.',
      meshDisabled:
        'This PeerAuthentication turns mTLS off for the whole mesh, but {rule} makes clients use ISTIO_MUTUAL mesh-wide: requests will fail. Disable TLS in that DestinationRule, or use PERMISSIVE.',
    },
    upstream: [
      'KIA0207 (PeerAuthentication with TLS strict mode found, it should be permissive)',
      'KIA0208 (PeerAuthentication enabling mTLS found, permissive mode needed)',
      'KIA0505 (Destination Rule disabling namespace-wide mTLS is missing)',
      'KIA0506 (Destination Rule disabling mesh-wide mTLS is missing)',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: disable-mtls\n  namespace: bookinfo\nspec:\n  host: "*.bookinfo.svc.cluster.local"\n  trafficPolicy:\n    tls:\n      mode: DISABLE\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  mtls:\n    mode: STRICT\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: disable-mtls\n  namespace: bookinfo\nspec:\n  host: "*.bookinfo.svc.cluster.local"\n  trafficPolicy:\n    tls:\n      mode: DISABLE\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  mtls:\n    mode: PERMISSIVE\n',
    },
  },
  check({ object, workspace, report }) {
    const gk = groupKindOf(object);
    if (gk === CONFIG_MAP) return;
    const root = meshSettings(workspace).rootNamespace;
    const index = mtlsIndex(workspace);
    const meshPeer = namespacePeer(index, root);
    if (gk === DESTINATION_RULE) {
      const host = specOf(object).host;
      const scope = typeof host === 'string' ? wideScope(host) : undefined;
      if (!scope || tlsMode(object) !== 'DISABLE') return;
      if (scope !== '*') {
        const own = namespacePeer(index, scope);
        if (own?.mode === 'STRICT') {
          report({
            messageId: 'namespaceStrict',
            upstream: ['KIA0207'],
            data: { namespace: scope, peer: own.object.ref },
            path: DR_MODE,
            related: [{ object: own.object, path: PA_MODE, message: `${own.object.ref} requires mTLS` }],
          });
          return;
        }
        if (own) return; // the namespace's own PERMISSIVE or DISABLE overrides the mesh default
      }
      if (meshPeer?.mode === 'STRICT') {
        report({
          messageId: 'meshStrict',
          upstream: ['KIA0208'],
          data: { scope: scope === '*' ? 'the whole mesh' : `namespace ${scope}`, peer: meshPeer.object.ref },
          path: DR_MODE,
          related: [{ object: meshPeer.object, path: PA_MODE, message: `${meshPeer.object.ref} requires mTLS mesh-wide` }],
        });
      }
      return;
    }
    if (gk !== PEER_AUTHENTICATION || policySelector(object) || hasTargetRefs(object) || peerMode(object) !== 'DISABLE') return;
    const ns = object.namespace;
    const mutual = (scope: string) => index.wideRules(scope).find((r) => r.mode === 'ISTIO_MUTUAL');
    const disabling = (scope: string) => index.wideRules(scope).some((r) => r.mode === 'DISABLE');
    if (ns === root) {
      const rule = mutual('*');
      if (rule && !disabling('*')) {
        report({ messageId: 'meshDisabled', upstream: ['KIA0506'], data: { rule: rule.object.ref }, path: PA_MODE, related: [{ object: rule.object, path: DR_MODE, message: `${rule.object.ref} uses ISTIO_MUTUAL mesh-wide` }] });
      }
      return;
    }
    // A namespace-wide rule decides for the namespace; without one the mesh-wide rule does.
    const rule = disabling(ns) ? undefined : (mutual(ns) ?? (disabling('*') ? undefined : mutual('*')));
    if (rule) {
      report({ messageId: 'namespaceDisabled', upstream: ['KIA0505'], data: { namespace: ns, rule: rule.object.ref }, path: PA_MODE, related: [{ object: rule.object, path: DR_MODE, message: `${rule.object.ref} uses ISTIO_MUTUAL` }] });
    }
  },
};
