import { isRecord, K8sObject } from '../../../../k8s/object';
import { GATEWAY } from '../../../../istio/mesh';
import { isSubset, labelsAt, sameUnitAs } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

interface Cert {
  gateway: K8sObject;
  selector: Record<string, string>;
  server: number;
  /** `credentialName` value, or the `serverCertificate` path when no credential is named. */
  key: string;
  field: 'credentialName' | 'serverCertificate';
}

function certificate(tls: Record<string, unknown>): Pick<Cert, 'key' | 'field'> | undefined {
  if (typeof tls.credentialName === 'string' && tls.credentialName) return { key: `credential:${tls.credentialName}`, field: 'credentialName' };
  if (typeof tls.serverCertificate === 'string' && tls.serverCertificate) return { key: `file:${tls.serverCertificate}`, field: 'serverCertificate' };
  return undefined;
}

function byCertificate(of: (gk: string) => readonly K8sObject[]): Map<string, Cert[]> {
  const out = new Map<string, Cert[]>();
  for (const gateway of of(GATEWAY)) {
    const spec = isRecord(gateway.body.spec) ? gateway.body.spec : {};
    if (!Array.isArray(spec.servers)) continue;
    const selector = labelsAt(spec.selector) ?? {};
    spec.servers.forEach((s, server) => {
      const cert = isRecord(s) && isRecord(s.tls) ? certificate(s.tls) : undefined;
      if (cert) out.set(cert.key, [...(out.get(cert.key) ?? []), { gateway, selector, server, ...cert }]);
    });
  }
  return out;
}

export const gatewayDuplicateCertificate: ObjectRule = {
  meta: {
    id: 'gateway-duplicate-certificate',
    code: 'ML1112',
    severity: 'warning',
    scope: 'object',
    kinds: [GATEWAY],
    title: 'Certificate shared by Gateways on the same workload',
    description:
      'Two Gateways served by the same gateway pods (this Gateway\'s selector is contained in the other\'s) use the same certificate (`credentialName`, or `serverCertificate` file) for different servers. Browsers reuse an HTTP/2 connection for every host the certificate covers, and the gateway answers 404 for a host whose server is on another filter chain.',
    remediation: 'Serve the hosts that share a certificate from one server (list them under one `hosts`), or give each server its own certificate.',
    messages: {
      duplicate: 'The certificate "{certificate}" is also used by {others}, served by the same gateway workload; HTTP/2 connection reuse across them can give 404s.',
    },
    upstream: ['IST0138 (gateway.CertificateAnalyzer: duplicate certificate)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: a\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [a.example.com]\n      tls: {mode: SIMPLE, credentialName: wildcard-cert}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: b\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [b.example.com]\n      tls: {mode: SIMPLE, credentialName: wildcard-cert}\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: a\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [a.example.com, b.example.com]\n      tls: {mode: SIMPLE, credentialName: wildcard-cert}\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== GATEWAY) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.servers)) return;
    const selector = labelsAt(spec.selector) ?? {};
    const sameUnit = sameUnitAs(workspace, object.uri);
    spec.servers.forEach((s, i) => {
      const cert = isRecord(s) && isRecord(s.tls) ? certificate(s.tls) : undefined;
      if (!cert) return;
      // As istioctl: this Gateway's selector is contained in the other's, so its pods serve both.
      const others = (workspace.lookup<Cert[]>('istio.gateway.byCertificate', [GATEWAY], byCertificate, cert.key) ?? []).filter((c) => c.gateway.id !== object.id && c.gateway.key !== object.key && sameUnit(c.gateway.uri) && isSubset(selector, c.selector));
      if (others.length === 0) return;
      const names = [...new Set(others.map((c) => c.gateway.ref))];
      report({
        messageId: 'duplicate',
        data: { certificate: cert.key.slice(cert.key.indexOf(':') + 1), others: names.join(', ') },
        path: ['spec', 'servers', i, 'tls', cert.field],
        related: others.map((c) => ({ object: c.gateway, path: ['spec', 'servers', c.server, 'tls', c.field], message: `${c.gateway.ref} uses the same certificate` })),
      });
    });
  },
};
