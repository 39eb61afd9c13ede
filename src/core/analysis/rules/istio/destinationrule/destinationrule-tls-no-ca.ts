import { isRecord } from '../../../../k8s/object';
import { DESTINATION_RULE } from '../../../../istio/mesh';
import type { FieldPath } from '../../../../yaml/path';
import { groupKindOf, ObjectRule } from '../../../types';

/** Modes in which the client verifies the server's certificate against a CA. */
const VERIFYING = new Set(['SIMPLE', 'MUTUAL']);

export const destinationruleTlsNoCa: ObjectRule = {
  meta: {
    id: 'destinationrule-tls-no-ca',
    code: 'ML1105',
    severity: 'warning',
    scope: 'object',
    kinds: [DESTINATION_RULE],
    title: 'TLS origination without CA certificates',
    description:
      'A traffic policy originates TLS (`mode: SIMPLE` or `MUTUAL`) without `caCertificates` or a `credentialName` that could carry a CA, so the server\'s identity is verified only against the proxy\'s system roots (Istio 1.20+ with `VERIFY_CERTIFICATE_AT_CLIENT`) or not at all (older proxies). istioctl reports it at destination level (IST0128) and per port (IST0129). `insecureSkipVerify: true` says the missing verification is intended.',
    remediation: 'Set `caCertificates` to the CA bundle that signs the server certificate (or a `credentialName` whose Secret has `ca.crt`), or set `insecureSkipVerify: true` when skipping verification is intended.',
    messages: {
      destination: 'TLS mode {mode} for host {host} verifies the server with no caCertificates set.',
      port: 'TLS mode {mode} for host {host} on port {port} verifies the server with no caCertificates set.',
    },
    upstream: ['IST0128 (destinationrule.CaCertificateAnalyzer: destination level)', 'IST0129 (destinationrule.CaCertificateAnalyzer: port level)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: db-tls\nspec:\n  host: mydb.example.com\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: db-tls\nspec:\n  host: mydb.example.com\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      caCertificates: /etc/certs/root.pem\n',
    },
  },
  check({ object, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    const host = typeof spec.host === 'string' ? spec.host : '';
    const policy = isRecord(spec.trafficPolicy) ? spec.trafficPolicy : undefined;
    if (!policy) return;
    const check = (tls: unknown, path: FieldPath, port?: number) => {
      if (!isRecord(tls) || typeof tls.mode !== 'string' || !VERIFYING.has(tls.mode)) return;
      if (tls.caCertificates || tls.credentialName || tls.insecureSkipVerify === true) return;
      if (port === undefined) report({ messageId: 'destination', data: { mode: tls.mode, host }, path: [...path, 'mode'], upstream: ['IST0128'] });
      else report({ messageId: 'port', data: { mode: tls.mode, host, port }, path: [...path, 'mode'], upstream: ['IST0129'] });
    };
    check(policy.tls, ['spec', 'trafficPolicy', 'tls']);
    if (Array.isArray(policy.portLevelSettings)) {
      policy.portLevelSettings.forEach((p, i) => {
        if (!isRecord(p)) return;
        const port = isRecord(p.port) && typeof p.port.number === 'number' ? p.port.number : 0;
        check(p.tls, ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls'], port);
      });
    }
  },
};
