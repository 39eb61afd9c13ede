import { isRecord } from '../../../../k8s/object';
import { CONFIG_MAP, meshSettings } from '../../../../istio/mesh-config';
import { AUTHORIZATION_POLICY, MTLS_KINDS, mtlsIndex, namespacePeer, specOf } from '../../../../istio/security';
import { FieldPath } from '../../../../yaml/path';
import { groupKindOf, ObjectRule } from '../../../types';

/** Source fields and condition keys that only a peer certificate can supply. */
const SOURCE_FIELDS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'];
const CONDITION_KEYS = new Set(['source.principal', 'source.namespace', 'connection.sni']);

export const authzRequiresMtls: ObjectRule = {
  meta: {
    id: 'authz-requires-mtls',
    code: 'ML2011',
    severity: 'error',
    scope: 'object',
    kinds: [AUTHORIZATION_POLICY, ...MTLS_KINDS, CONFIG_MAP],
    title: 'AuthorizationPolicy matches peer identities where mTLS is off',
    description:
      'An AuthorizationPolicy rule that matches `principals`, `namespaces` (or their `not` forms) or the conditions `source.principal`, `source.namespace`, `connection.sni` needs the client\'s mTLS certificate. Where a namespace- or mesh-wide PeerAuthentication turns mTLS off (`DISABLE`), requests arrive in plain text without one: an ALLOW rule then allows nothing from those sources and a DENY rule denies nothing. Namespaces with a workload-level PeerAuthentication are not judged, since it may turn mTLS back on.',
    remediation: 'Turn mTLS on (PERMISSIVE or STRICT) for the workloads the policy protects, or match on something plain-text requests carry (paths, headers, `remoteIpBlocks`).',
    messages: {
      plainText: '{field} needs the client\'s mTLS identity, but {peer} turns mTLS off for namespace {namespace}: this {action} rule never matches.',
    },
    upstream: ['KIA0105 (This field requires mTLS to be enabled)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls:\n    mode: DISABLE\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: frontend-only\n  namespace: shop\nspec:\n  rules:\n  - from:\n    - source:\n        namespaces: ["frontend"]\n',
      valid:
        'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls:\n    mode: PERMISSIVE\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: frontend-only\n  namespace: shop\nspec:\n  rules:\n  - from:\n    - source:\n        namespaces: ["frontend"]\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== AUTHORIZATION_POLICY) return;
    const spec = specOf(object);
    if (!Array.isArray(spec.rules)) return;
    const ns = object.namespace;
    const index = mtlsIndex(workspace);
    const root = meshSettings(workspace).rootNamespace;
    const own = namespacePeer(index, ns);
    const peer = own ?? (ns === root ? undefined : namespacePeer(index, root));
    if (peer?.mode !== 'DISABLE') return;
    // A workload-level PeerAuthentication may switch mTLS back on for the pods concerned.
    if (index.hasWorkloadPeers(ns)) return;
    const action = typeof spec.action === 'string' ? spec.action : 'ALLOW';
    if (action !== 'ALLOW' && action !== 'DENY' && action !== 'AUDIT') return;
    const reportAt = (path: FieldPath, field: string) =>
      report({ messageId: 'plainText', data: { field, peer: peer.object.ref, namespace: ns, action }, path, target: 'key', related: [{ object: peer.object, path: ['spec', 'mtls', 'mode'], message: `${peer.object.ref} turns mTLS off` }] });
    spec.rules.forEach((rule, i) => {
      if (!isRecord(rule)) return;
      if (Array.isArray(rule.from)) {
        rule.from.forEach((from, j) => {
          const source = isRecord(from) && isRecord(from.source) ? from.source : undefined;
          if (!source) return;
          for (const field of SOURCE_FIELDS) if (Array.isArray(source[field]) && source[field].length) reportAt(['spec', 'rules', i, 'from', j, 'source', field], field);
        });
      }
      if (Array.isArray(rule.when)) {
        rule.when.forEach((cond, k) => {
          if (isRecord(cond) && typeof cond.key === 'string' && CONDITION_KEYS.has(cond.key)) reportAt(['spec', 'rules', i, 'when', k, 'key'], `the condition ${cond.key}`);
        });
      }
    });
  },
};
