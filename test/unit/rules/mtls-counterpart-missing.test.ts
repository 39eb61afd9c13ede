import * as assert from 'node:assert/strict';
import { mtlsCounterpartMissing } from '../../../src/core/analysis/rules/istio/security/mtls-counterpart-missing';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { AUTO_MTLS_OFF, dr, pa } from '../helpers/security-fixtures';

const NS_HOST = '*.bookinfo.svc.cluster.local';

testRule(mtlsCounterpartMissing, {
  valid: [
    { name: 'auto mTLS on (no mesh config): a STRICT mesh needs no DestinationRule', files: { 'a.yaml': pa('istio-system', 'STRICT') } },
    { name: 'auto mTLS on: an ISTIO_MUTUAL mesh rule needs no PeerAuthentication', files: { 'a.yaml': dr('istio-system', '*.local', 'ISTIO_MUTUAL') } },
    { name: 'auto mTLS off, mesh pair complete', files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': `${pa('istio-system', 'STRICT')}---\n${dr('istio-system', '*.local', 'ISTIO_MUTUAL')}` } },
    { name: 'auto mTLS off, namespace STRICT covered by the mesh rule', files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': `${pa('bookinfo', 'STRICT')}---\n${dr('istio-system', '*.local', 'ISTIO_MUTUAL')}---\n${pa('istio-system', 'STRICT')}` } },
    { name: 'auto mTLS off, namespace rule covered by the mesh STRICT', files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': `${dr('bookinfo', NS_HOST, 'ISTIO_MUTUAL')}---\n${pa('istio-system', 'STRICT')}---\n${dr('istio-system', '*.local', 'ISTIO_MUTUAL', 'mesh')}` } },
    { name: 'auto mTLS off, a host-specific rule is not checked', files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': dr('bookinfo', 'reviews', 'ISTIO_MUTUAL') } },
  ],
  invalid: [
    {
      name: 'auto mTLS off, mesh STRICT without a mesh rule (KIA0401)',
      files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': pa('istio-system', 'STRICT') },
      expected: [['ML2002', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']],
      at: ['a.yaml:8:11'],
    },
    {
      name: 'auto mTLS off, namespace STRICT without a rule (KIA0501)',
      files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': pa('bookinfo', 'STRICT') },
      expected: [['ML2002', 'PeerAuthentication bookinfo/default', 'spec.mtls.mode']],
      at: ['a.yaml:8:11'],
    },
    {
      name: 'auto mTLS off, mesh rule without a STRICT mesh (KIA0205)',
      files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': dr('istio-system', '*.local', 'ISTIO_MUTUAL') },
      expected: [['ML2002', 'DestinationRule istio-system/dr', 'spec.trafficPolicy.tls.mode']],
      at: ['a.yaml:10:13'],
    },
    {
      name: 'auto mTLS off, namespace rule where the namespace is PERMISSIVE (KIA0206)',
      files: { 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': `${dr('bookinfo', NS_HOST, 'ISTIO_MUTUAL')}---\n${pa('bookinfo', 'PERMISSIVE')}---\n${pa('istio-system', 'STRICT')}` },
      expected: [
        ['ML2002', 'DestinationRule bookinfo/dr', 'spec.trafficPolicy.tls.mode'],
        ['ML2002', 'PeerAuthentication istio-system/default', 'spec.mtls.mode'],
      ],
    },
  ],
});

describe('ML2002 messages and severities', () => {
  it('a STRICT side without its rule is an error; a rule without STRICT is a warning', () => {
    const [p] = allFindings(engineWith({ 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': pa('bookinfo', 'STRICT') }, [mtlsCounterpartMissing]));
    assert.equal(p.severity, 'error');
    assert.deepEqual(p.upstream, ['KIA0501']);
    assert.equal(p.message, 'Namespace bookinfo requires mTLS (STRICT), but auto mTLS is off and no DestinationRule for *.bookinfo.svc.cluster.local or *.local sets ISTIO_MUTUAL: clients will send plain text and be refused.');
    const [d] = allFindings(engineWith({ 'm.yaml': AUTO_MTLS_OFF, 'a.yaml': dr('istio-system', '*.local', 'ISTIO_MUTUAL') }, [mtlsCounterpartMissing]));
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.upstream, ['KIA0205']);
    assert.equal(d.message, 'This DestinationRule makes clients use mTLS mesh-wide, but no mesh-wide PeerAuthentication in istio-system requires it (STRICT): servers still accept plain text.');
  });
});
