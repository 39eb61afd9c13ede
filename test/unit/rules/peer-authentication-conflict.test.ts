import * as assert from 'node:assert/strict';
import { peerAuthenticationConflict } from '../../../src/core/analysis/rules/istio/security/peer-authentication-conflict';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { deployment, pa } from '../helpers/security-fixtures';

/** A PeerAuthentication selecting on several labels. */
const paSel = (name: string, labels: Record<string, string>) =>
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: bookinfo\nspec:\n  selector:\n    matchLabels:\n${Object.entries(labels).map(([k, v]) => `      ${k}: ${v}\n`).join('')}  mtls:\n    mode: STRICT\n`;

testRule(peerAuthenticationConflict, {
  valid: [
    { name: 'one namespace-wide and one workload PeerAuthentication', files: { 'a.yaml': `${pa('bookinfo', 'STRICT')}---\n${pa('bookinfo', 'DISABLE', 'db', 'mysql')}` } },
    { name: 'namespace-wide ones in different namespaces', files: { 'a.yaml': `${pa('bookinfo', 'STRICT')}---\n${pa('shop', 'STRICT')}` } },
    {
      name: 'selectors that pick different workloads',
      files: { 'd.yaml': `${deployment('v1', 'bookinfo', { app: 'productpage', version: 'v1' })}---\n${deployment('v2', 'bookinfo', { app: 'productpage', version: 'v2' })}`, 'a.yaml': `${paSel('a', { version: 'v1' })}---\n${paSel('b', { version: 'v2' })}` },
    },
    { name: 'disjoint selectors without workloads', files: { 'a.yaml': `${paSel('a', { app: 'x' })}---\n${paSel('b', { app: 'y' })}` } },
  ],
  invalid: [
    {
      name: 'Kiali docs KIA0002: two selector-less in one namespace',
      files: { 'a.yaml': `${pa('bookinfo', 'STRICT')}---\n${pa('bookinfo', 'STRICT', 'duplicate')}` },
      expected: [
        ['ML2010', 'PeerAuthentication bookinfo/default', 'metadata.name'],
        ['ML2010', 'PeerAuthentication bookinfo/duplicate', 'metadata.name'],
      ],
      at: ['a.yaml:4:9', 'a.yaml:13:9'],
    },
    {
      name: 'Kiali docs KIA0003: nested selectors, no workloads in the files',
      files: { 'a.yaml': `${paSel('productpage', { app: 'productpage' })}---\n${paSel('productpage-v1', { app: 'productpage', version: 'v1' })}` },
      expected: [
        ['ML2010', 'PeerAuthentication bookinfo/productpage', 'spec.selector.matchLabels'],
        ['ML2010', 'PeerAuthentication bookinfo/productpage-v1', 'spec.selector.matchLabels'],
      ],
      at: ['a.yaml:9:7', 'a.yaml:21:7'],
    },
    {
      name: 'two selectors picking one workload',
      files: { 'd.yaml': deployment('pp', 'bookinfo', { app: 'productpage', version: 'v1' }), 'a.yaml': `${paSel('a', { app: 'productpage' })}---\n${paSel('b', { version: 'v1' })}` },
      expected: [
        ['ML2010', 'PeerAuthentication bookinfo/a', 'spec.selector.matchLabels'],
        ['ML2010', 'PeerAuthentication bookinfo/b', 'spec.selector.matchLabels'],
      ],
    },
  ],
});

describe('ML2010 messages and severities', () => {
  it('names the others and the workload', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': `${pa('bookinfo', 'STRICT')}---\n${pa('bookinfo', 'STRICT', 'duplicate')}` }, [peerAuthenticationConflict]));
    assert.equal(f.message, 'Namespace bookinfo has several PeerAuthentications without a selector (PeerAuthentication bookinfo/duplicate too); Istio applies only the oldest one.');
    assert.deepEqual(f.upstream, ['KIA0002']);
    const [w] = allFindings(engineWith({ 'd.yaml': deployment('pp', 'bookinfo', { app: 'productpage', version: 'v1' }), 'a.yaml': `${paSel('a', { app: 'productpage' })}---\n${paSel('b', { version: 'v1' })}` }, [peerAuthenticationConflict]));
    assert.equal(w.message, 'This PeerAuthentication and PeerAuthentication bookinfo/b both select Deployment bookinfo/pp; Istio applies only the oldest one to it.');
    assert.equal(w.severity, 'error');
    assert.deepEqual(w.upstream, ['KIA0003']);
    const [n] = allFindings(engineWith({ 'a.yaml': `${paSel('a', { app: 'productpage' })}---\n${paSel('b', { app: 'productpage', version: 'v1' })}` }, [peerAuthenticationConflict]));
    assert.equal(n.severity, 'warning');
    assert.equal(n.message, 'This PeerAuthentication and PeerAuthentication bookinfo/b have nested selectors, so a pod matching the narrower one gets both; Istio applies only the oldest one.');
  });
});
