import * as assert from 'node:assert/strict';
import { mtlsModeConflict } from '../../../src/core/analysis/rules/istio/security/mtls-mode-conflict';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { dr, pa } from '../helpers/security-fixtures';

const NS_HOST = '*.bookinfo.svc.cluster.local';

testRule(mtlsModeConflict, {
  valid: [
    { name: 'namespace DR disables TLS, namespace PA is PERMISSIVE', files: { 'a.yaml': `${dr('bookinfo', NS_HOST, 'DISABLE')}---\n${pa('bookinfo', 'PERMISSIVE')}` } },
    { name: 'namespace PERMISSIVE overrides a STRICT mesh', files: { 'a.yaml': `${dr('bookinfo', NS_HOST, 'DISABLE')}---\n${pa('bookinfo', 'PERMISSIVE')}---\n${pa('istio-system', 'STRICT')}` } },
    { name: 'a host-specific DR is not namespace-wide', files: { 'a.yaml': `${dr('bookinfo', 'reviews', 'DISABLE')}---\n${pa('bookinfo', 'STRICT')}` } },
    { name: 'a workload PeerAuthentication is not namespace-wide', files: { 'a.yaml': `${dr('bookinfo', NS_HOST, 'ISTIO_MUTUAL')}---\n${pa('bookinfo', 'DISABLE', 'db', 'mysql')}` } },
    { name: 'PA disables mTLS and the namespace DR disables TLS too', files: { 'a.yaml': `${dr('bookinfo', NS_HOST, 'DISABLE')}---\n${dr('istio-system', '*.local', 'ISTIO_MUTUAL', 'mesh')}---\n${pa('bookinfo', 'DISABLE')}` } },
    { name: 'PA disables mTLS without any DR (auto mTLS follows it)', files: { 'a.yaml': pa('bookinfo', 'DISABLE') } },
  ],
  invalid: [
    {
      name: 'namespace DR DISABLE vs namespace PA STRICT (KIA0207)',
      files: { 'a.yaml': `${dr('bookinfo', NS_HOST, 'DISABLE')}---\n${pa('bookinfo', 'STRICT')}` },
      expected: [['ML2001', 'DestinationRule bookinfo/dr', 'spec.trafficPolicy.tls.mode']],
      at: ['a.yaml:10:13'],
    },
    {
      name: 'namespace DR DISABLE vs mesh PA STRICT (KIA0208)',
      files: { 'a.yaml': dr('bookinfo', NS_HOST, 'DISABLE'), 'b.yaml': pa('istio-system', 'STRICT') },
      expected: [['ML2001', 'DestinationRule bookinfo/dr', 'spec.trafficPolicy.tls.mode']],
      at: ['a.yaml:10:13'],
    },
    {
      name: 'mesh DR DISABLE vs mesh PA STRICT (KIA0208)',
      files: { 'a.yaml': dr('istio-system', '*.local', 'DISABLE'), 'b.yaml': pa('istio-system', 'STRICT') },
      expected: [['ML2001', 'DestinationRule istio-system/dr', 'spec.trafficPolicy.tls.mode']],
    },
    {
      name: 'namespace PA DISABLE vs namespace DR ISTIO_MUTUAL (KIA0505)',
      files: { 'a.yaml': `${pa('bookinfo', 'DISABLE')}---\n${dr('bookinfo', NS_HOST, 'ISTIO_MUTUAL')}` },
      expected: [['ML2001', 'PeerAuthentication bookinfo/default', 'spec.mtls.mode']],
      at: ['a.yaml:8:11'],
    },
    {
      name: 'namespace PA DISABLE vs mesh DR ISTIO_MUTUAL (KIA0505)',
      files: { 'a.yaml': pa('bookinfo', 'DISABLE'), 'b.yaml': dr('bookinfo', '*.local', 'ISTIO_MUTUAL') },
      expected: [['ML2001', 'PeerAuthentication bookinfo/default', 'spec.mtls.mode']],
    },
    {
      name: 'mesh PA DISABLE vs mesh DR ISTIO_MUTUAL (KIA0506)',
      files: { 'a.yaml': pa('istio-system', 'DISABLE'), 'b.yaml': dr('bookinfo', '*.local', 'ISTIO_MUTUAL') },
      expected: [['ML2001', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']],
    },
  ],
});

describe('ML2001 messages', () => {
  it('names the other object, carries its location and the matching Kiali code', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': dr('bookinfo', NS_HOST, 'DISABLE'), 'b.yaml': pa('bookinfo', 'STRICT') }, [mtlsModeConflict]));
    assert.equal(f.message, 'This DestinationRule turns client TLS off for namespace bookinfo, but PeerAuthentication bookinfo/default requires mTLS (STRICT) there: requests will be refused. Set the PeerAuthentication to PERMISSIVE or remove the DISABLE mode.');
    assert.deepEqual(f.upstream, ['KIA0207']);
    assert.equal(span(f), '10:13-10:20');
    assert.deepEqual(f.related.map((r) => [r.uri.split('/').pop(), r.range.start.line + 1]), [['b.yaml', 8]]);
    const [m] = allFindings(engineWith({ 'a.yaml': dr('istio-system', '*.local', 'DISABLE'), 'b.yaml': pa('istio-system', 'STRICT') }, [mtlsModeConflict]));
    assert.equal(m.message, 'This DestinationRule turns client TLS off for the whole mesh, but the mesh-wide PeerAuthentication istio-system/default requires mTLS (STRICT): requests will be refused. Use PERMISSIVE in the namespaces concerned or remove the DISABLE mode.');
    assert.deepEqual(m.upstream, ['KIA0208']);
    const [p] = allFindings(engineWith({ 'a.yaml': pa('istio-system', 'DISABLE'), 'b.yaml': dr('bookinfo', '*.local', 'ISTIO_MUTUAL') }, [mtlsModeConflict]));
    assert.equal(p.message, 'This PeerAuthentication turns mTLS off for the whole mesh, but DestinationRule bookinfo/dr makes clients use ISTIO_MUTUAL mesh-wide: requests will fail. Disable TLS in that DestinationRule, or use PERMISSIVE.');
    assert.deepEqual(p.upstream, ['KIA0506']);
  });

  it('follows the root namespace of the mesh config', () => {
    const mesh = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: mesh-root\ndata:\n  mesh: |\n    rootNamespace: mesh-root\n';
    const found = allFindings(engineWith({ 'm.yaml': mesh, 'a.yaml': dr('bookinfo', NS_HOST, 'DISABLE'), 'b.yaml': pa('mesh-root', 'STRICT') }, [mtlsModeConflict]));
    assert.deepEqual(found.map((f) => f.upstream), [['KIA0208']]);
  });
});
