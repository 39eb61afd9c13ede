import { isRecord } from '../../../../k8s/object';
import { GATEWAY, SECRET, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { labelsAt, replaceValueFix, secretsByNamespace, selectWorkloads, workloadIndex } from '../../../../istio/policy';
import { closest } from '../../../../schema/suggest';
import type { FieldPath } from '../../../../yaml/path';
import { groupKindOf, ObjectRule } from '../../../types';

export const gatewayCredentialNotFound: ObjectRule = {
  meta: {
    id: 'gateway-credential-not-found',
    code: 'ML1111',
    severity: 'error',
    scope: 'object',
    kinds: [GATEWAY, SECRET, ...WORKLOAD_GROUP_KINDS],
    title: 'Gateway TLS credential Secret not found',
    description:
      'A server\'s `tls.credentialName` names a Secret that the gateway workload reads from its own namespace (the namespace of the pods the selector picks, not the Gateway\'s). When that namespace has Secrets in the workspace but not this one, the server has no certificate and its TLS listener is not served. When it has none here, the certificates are probably created elsewhere (cert-manager, a secret store) and the `meshlens.references.unresolved` setting decides. Gateways whose selector matches no workload are left to ML1110.',
    remediation: 'Correct the Secret name, create the Secret in the gateway workload\'s namespace, or move it there.',
    messages: {
      notFound: 'Secret "{name}" is not in namespace {namespace}, where the gateway workload reads it.',
      didYouMean: 'Secret "{name}" is not in namespace {namespace}, where the gateway workload reads it; did you mean "{suggestion}"?',
      unresolved: 'Secret "{name}" is not in the workspace (namespace {namespace} has no Secrets here; it may be created elsewhere).',
    },
    upstream: ['IST0101 (gateway.SecretAnalyzer: credentialName Secret not found)'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ingressgateway\n  namespace: istio-system\n  labels: {istio: ingressgateway}\nspec:\n  containers: [{name: istio-proxy, image: auto}]\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: bookinfo-credential\n  namespace: istio-system\ntype: kubernetes.io/tls\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [bookinfo.example.com]\n      tls:\n        mode: SIMPLE\n        credentialName: bookinfo-credentail\n',
      valid:
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ingressgateway\n  namespace: istio-system\n  labels: {istio: ingressgateway}\nspec:\n  containers: [{name: istio-proxy, image: auto}]\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: bookinfo-credential\n  namespace: istio-system\ntype: kubernetes.io/tls\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [bookinfo.example.com]\n      tls:\n        mode: SIMPLE\n        credentialName: bookinfo-credential\n',
    },
  },
  check({ object, workspace, lines, report }) {
    if (groupKindOf(object) !== GATEWAY) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.servers)) return;
    const selector = labelsAt(spec.selector) ?? {};
    if (Object.keys(selector).length === 0) return;
    const namespaces = [...new Set(selectWorkloads(workloadIndex(workspace), selector, undefined).map((w) => w.namespace))].sort();
    if (namespaces.length === 0) return;
    const secrets = secretsByNamespace(workspace);
    const check = (name: unknown, path: FieldPath) => {
      // `sds://...` and `ns/name`-style names are resolved by other means than a Secret lookup here.
      if (typeof name !== 'string' || !name || name.includes('/') || name.includes(':')) return;
      if (namespaces.some((ns) => secrets.get(ns)?.has(name))) return;
      const known = namespaces.flatMap((ns) => [...(secrets.get(ns) ?? [])]);
      const namespace = namespaces.join(', ');
      if (known.length === 0) {
        report({ messageId: 'unresolved', data: { name, namespace }, path, unresolved: true });
        return;
      }
      const suggestion = closest(name, known);
      if (suggestion) report({ messageId: 'didYouMean', data: { name, namespace, suggestion }, path, fixes: replaceValueFix(object, lines, path, suggestion, `Change the credential to "${suggestion}"`) });
      else report({ messageId: 'notFound', data: { name, namespace }, path });
    };
    spec.servers.forEach((server, i) => {
      const tls = isRecord(server) && isRecord(server.tls) ? server.tls : undefined;
      if (!tls) return;
      check(tls.credentialName, ['spec', 'servers', i, 'tls', 'credentialName']);
      if (Array.isArray(tls.credentialNames)) tls.credentialNames.forEach((n, j) => check(n, ['spec', 'servers', i, 'tls', 'credentialNames', j]));
    });
  },
};
