import * as assert from 'node:assert/strict';
import { mtlsOverridden } from '../../../src/core/analysis/rules/istio/security/mtls-overridden';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { AUTO_MTLS_OFF, dr } from '../helpers/security-fixtures';

const LB = '    loadBalancer:\n      simple: RANDOM\n';
const MESH = dr('istio-system', '*.local', 'ISTIO_MUTUAL', 'mesh');

testRule(mtlsOverridden, {
  valid: [
    { name: 'auto mTLS on: a DestinationRule without tls is fine', files: { 'a.yaml': `${MESH}---\n${dr('default', 'reviews', undefined, 'reviews', LB)}` } },
    { name: 'auto mTLS off, the host rule repeats ISTIO_MUTUAL', files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': `${MESH}---\n${dr('default', 'reviews', 'ISTIO_MUTUAL', 'reviews', LB)}` } },
    { name: 'auto mTLS off, no wide rule', files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': dr('default', 'reviews', undefined, 'reviews', LB) } },
    { name: 'auto mTLS off, the namespace rule disables TLS', files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': `${MESH}---\n${dr('default', '*.default.svc.cluster.local', 'DISABLE', 'ns')}---\n${dr('default', 'reviews', undefined, 'reviews', LB)}` } },
  ],
  invalid: [
    {
      name: 'auto mTLS off, a host rule without tls under a mesh ISTIO_MUTUAL (KIA0204)',
      files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': MESH, 'b.yaml': dr('default', 'reviews', undefined, 'reviews', LB) },
      expected: [['ML2003', 'DestinationRule default/reviews', 'spec.host']],
      at: ['b.yaml:7:9'],
    },
    {
      name: 'auto mTLS off, a rule with subsets only under a namespace ISTIO_MUTUAL',
      files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': dr('shop', '*.shop.svc.cluster.local', 'ISTIO_MUTUAL', 'ns'), 'b.yaml': `${dr('shop', 'cart.shop.svc.cluster.local', undefined, 'cart')}  subsets:\n  - name: v1\n    labels: {version: v1}\n` },
      expected: [['ML2003', 'DestinationRule shop/cart', 'spec.host']],
    },
  ],
});

describe('ML2003 message', () => {
  it('names the wide rule and points at it', () => {
    const [f] = allFindings(engineWith({ 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': MESH, 'b.yaml': dr('default', 'reviews', undefined, 'reviews', LB) }, [mtlsOverridden]));
    assert.equal(f.message, 'This DestinationRule for reviews sets no TLS, so it replaces the ISTIO_MUTUAL of DestinationRule istio-system/mesh and clients of reviews send plain text (auto mTLS is off). Add tls.mode ISTIO_MUTUAL to its trafficPolicy.');
    assert.equal(span(f), '7:9-7:18');
    assert.deepEqual(f.upstream, ['KIA0204']);
    assert.equal(f.related[0].uri.split('/').pop(), 'a.yaml');
  });
});
