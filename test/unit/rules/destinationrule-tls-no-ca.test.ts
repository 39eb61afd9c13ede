import * as assert from 'node:assert/strict';
import { destinationruleTlsNoCa as rule } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-tls-no-ca';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

const dr = (policy: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: db\nspec:\n  host: db.example.com\n  trafficPolicy:\n${policy}`;

testRule(rule, {
  valid: [
    { name: 'caCertificates set', files: { 'd.yaml': dr('    tls:\n      mode: SIMPLE\n      caCertificates: /etc/certs/root.pem\n') } },
    { name: 'a credentialName may carry the CA', files: { 'd.yaml': dr('    tls:\n      mode: MUTUAL\n      credentialName: db-credential\n') } },
    { name: 'verification skipped on purpose', files: { 'd.yaml': dr('    tls:\n      mode: SIMPLE\n      insecureSkipVerify: true\n') } },
    { name: 'ISTIO_MUTUAL uses the mesh CA', files: { 'd.yaml': dr('    tls:\n      mode: ISTIO_MUTUAL\n') } },
  ],
  invalid: [
    {
      name: 'MUTUAL at destination level, SIMPLE on a port',
      files: { 'd.yaml': dr('    tls:\n      mode: MUTUAL\n      clientCertificate: /etc/certs/client.pem\n      privateKey: /etc/certs/key.pem\n    portLevelSettings:\n      - port: {number: 443}\n        tls:\n          mode: SIMPLE\n') },
      expected: [
        ['ML1105', 'DestinationRule default/db', 'spec.trafficPolicy.tls.mode'],
        ['ML1105', 'DestinationRule default/db', 'spec.trafficPolicy.portLevelSettings[0].tls.mode'],
      ],
      at: ['d.yaml:9:13', 'd.yaml:15:17'],
    },
  ],
});

describe('ML1105 messages and upstream codes', () => {
  it('gives IST0128 at destination level and IST0129 per port', () => {
    const found = lint(rule, { 'd.yaml': dr('    tls: {mode: SIMPLE}\n    portLevelSettings:\n      - port: {number: 443}\n        tls: {mode: MUTUAL}\n') });
    assert.deepEqual(found.map((f) => [f.upstream, f.message]), [
      [['IST0128'], 'TLS mode SIMPLE for host db.example.com verifies the server with no caCertificates set.'],
      [['IST0129'], 'TLS mode MUTUAL for host db.example.com on port 443 verifies the server with no caCertificates set.'],
    ]);
  });
});
