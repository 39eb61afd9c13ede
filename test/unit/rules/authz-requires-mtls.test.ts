import * as assert from 'node:assert/strict';
import { authzRequiresMtls } from '../../../src/core/analysis/rules/istio/security/authz-requires-mtls';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { ap, pa } from '../helpers/security-fixtures';

const FROM_NS = ap('shop', { source: 'namespaces: ["frontend"]' });

testRule(authzRequiresMtls, {
  valid: [
    { name: 'mTLS PERMISSIVE in the namespace', files: { 'p.yaml': pa('shop', 'PERMISSIVE'), 'a.yaml': FROM_NS } },
    { name: 'no PeerAuthentication at all (PERMISSIVE by default)', files: { 'a.yaml': FROM_NS } },
    { name: 'the namespace turns mTLS back on over a DISABLE mesh', files: { 'p.yaml': `${pa('istio-system', 'DISABLE')}---\n${pa('shop', 'STRICT')}`, 'a.yaml': FROM_NS } },
    { name: 'a workload-level PeerAuthentication may turn it on', files: { 'p.yaml': `${pa('shop', 'DISABLE')}---\n${pa('shop', 'STRICT', 'web', 'web')}`, 'a.yaml': FROM_NS } },
    { name: 'matching on paths needs no identity', files: { 'p.yaml': pa('shop', 'DISABLE'), 'a.yaml': ap('shop', { operation: 'paths: ["/api/*"]' }) } },
  ],
  invalid: [
    {
      name: 'namespace DISABLE, source namespaces',
      files: { 'p.yaml': pa('shop', 'DISABLE'), 'a.yaml': FROM_NS },
      expected: [['ML2011', 'AuthorizationPolicy shop/policy', 'spec.rules[0].from[0].source.namespaces']],
      at: ['a.yaml:10:9'],
    },
    {
      name: 'mesh DISABLE, principals and a source.principal condition',
      files: {
        'p.yaml': pa('istio-system', 'DISABLE'),
        'a.yaml': `${ap('shop', { source: 'principals: ["cluster.local/ns/shop/sa/web"]' })}    when:\n    - key: source.principal\n      values: ["cluster.local/ns/shop/sa/web"]\n`,
      },
      expected: [
        ['ML2011', 'AuthorizationPolicy shop/policy', 'spec.rules[0].from[0].source.principals'],
        ['ML2011', 'AuthorizationPolicy shop/policy', 'spec.rules[0].when[0].key'],
      ],
    },
  ],
});

describe('ML2011 message', () => {
  it('says which PeerAuthentication turns mTLS off and what the rule then does', () => {
    const [f] = allFindings(engineWith({ 'p.yaml': pa('shop', 'DISABLE'), 'a.yaml': FROM_NS }, [authzRequiresMtls]));
    assert.equal(f.message, "namespaces needs the client's mTLS identity, but PeerAuthentication shop/default turns mTLS off for namespace shop: this ALLOW rule never matches.");
    assert.deepEqual(f.upstream, ['KIA0105']);
    assert.equal(f.related[0].uri.split('/').pop(), 'p.yaml');
  });
});
