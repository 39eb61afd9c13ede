import * as assert from 'node:assert/strict';
import { authzHostNotFound } from '../../../src/core/analysis/rules/istio/security/authz-host-not-found';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { ap, service } from '../helpers/security-fixtures';

const SVC = `${service('ratings', 'default')}---\n${service('details', 'default')}`;
const SE = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: google\nspec:\n  hosts: ["google.com"]\n  ports:\n  - number: 443\n    name: https\n    protocol: HTTPS\n  resolution: DNS\n';
const GW = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ["default/bookinfo.example.com"]\n';

testRule(authzHostNotFound, {
  valid: [
    {
      name: 'short, namespaced and full names with ports, a ServiceEntry and a Gateway host',
      files: {
        's.yaml': SVC,
        'se.yaml': SE,
        'gw.yaml': GW,
        'a.yaml': ap('default', { operation: 'hosts: ["ratings", "details.default:9080", "ratings.default.svc.cluster.local", "google.com", "bookinfo.example.com"]' }),
      },
    },
    { name: 'wildcards are left alone', files: { 's.yaml': SVC, 'a.yaml': ap('default', { operation: 'notHosts: ["*.example.com"]' }) } },
  ],
  invalid: [
    {
      name: 'a typo among Services of the namespace (did you mean)',
      files: { 's.yaml': SVC, 'a.yaml': ap('default', { operation: 'hosts: ["ratigns:9080"]' }) },
      expected: [['ML2006', 'AuthorizationPolicy default/policy', 'spec.rules[0].to[0].operation.hosts[0]']],
      at: ['a.yaml:10:17'],
    },
    {
      name: 'Kiali docs: a wrong name, a namespace without Services, an external host',
      files: { 's.yaml': SVC, 'a.yaml': ap('default', { operation: 'hosts: ["wrong", "productpage.outside.svc.cluster.local", "google.org"]' }) },
      expected: [
        ['ML2006', 'AuthorizationPolicy default/policy', 'spec.rules[0].to[0].operation.hosts[0]'],
        ['ML2006', 'AuthorizationPolicy default/policy', 'spec.rules[0].to[0].operation.hosts[1]'],
        ['ML2006', 'AuthorizationPolicy default/policy', 'spec.rules[0].to[0].operation.hosts[2]'],
      ],
    },
  ],
});

describe('ML2006 messages, severities and fix', () => {
  it('suggests the closest Service, keeping the port; the fix re-lints clean', () => {
    const text = ap('default', { operation: 'hosts: ["ratigns:9080"]' });
    const [f] = allFindings(engineWith({ 's.yaml': SVC, 'a.yaml': text }, [authzHostNotFound]));
    assert.equal(f.message, 'No Service provides host "ratigns:9080" (ratigns.default.svc.cluster.local) in hosts: did you mean "ratings:9080"?');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.upstream, ['KIA0104']);
    const fixed = applyFix(text, f.fixes[0]);
    assert.deepEqual(allFindings(engineWith({ 's.yaml': SVC, 'a.yaml': fixed }, [authzHostNotFound])), []);
  });

  it('a host in a namespace without Services, or an external one, is unresolved (a warning by default)', () => {
    const found = allFindings(engineWith({ 's.yaml': SVC, 'a.yaml': ap('default', { operation: 'hosts: ["wrong", "google.org"]' }) }, [authzHostNotFound]));
    assert.deepEqual(found.map((f) => [f.severity, f.message]), [
      ['error', 'No Service or ServiceEntry provides host "wrong" (wrong.default.svc.cluster.local) in hosts; this operation never matches it.'],
      ['warning', 'No Service or ServiceEntry provides host "google.org" (google.org) in hosts; this operation never matches it.'],
    ]);
  });
});
