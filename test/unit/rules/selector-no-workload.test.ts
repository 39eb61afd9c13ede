import * as assert from 'node:assert/strict';
import { selectorNoWorkload } from '../../../src/core/analysis/rules/istio/security/selector-no-workload';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { ap, deployment, pa } from '../helpers/security-fixtures';

const HTTPBIN = deployment('httpbin', 'httpbin', { app: 'httpbin', version: 'v1' });
const RA = 'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\n  namespace: httpbin\nspec:\n  selector:\n    matchLabels:\n      app: httbin\n  jwtRules:\n  - issuer: x\n';

testRule(selectorNoWorkload, {
  valid: [
    { name: 'a selector that matches', files: { 'd.yaml': HTTPBIN, 'a.yaml': ap('httpbin', { selector: { app: 'httpbin' } }) } },
    { name: 'a root-namespace selector matches in any namespace', files: { 'd.yaml': HTTPBIN, 'a.yaml': ap('istio-system', { selector: { version: 'v1' } }) } },
    { name: 'a namespace-wide policy in a namespace with workloads; a mesh-wide one', files: { 'd.yaml': HTTPBIN, 'a.yaml': `${ap('httpbin')}---\n${ap('istio-system', { name: 'mesh' })}` } },
    { name: 'a namespace-wide PeerAuthentication needs no workload', files: { 'a.yaml': pa('empty', 'STRICT') } },
    { name: 'targetRefs are not selectors', files: { 'a.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: gw\nspec:\n  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint\n' } },
  ],
  invalid: [
    {
      name: 'a selector no workload of the namespace matches',
      files: { 'd.yaml': HTTPBIN, 'a.yaml': ap('httpbin', { selector: { app: 'bogus', version: 'v1' } }) },
      expected: [['ML2008', 'AuthorizationPolicy httpbin/policy', 'spec.selector.matchLabels']],
      at: ['a.yaml:9:7'],
    },
    {
      name: 'a root-namespace selector matching nothing anywhere',
      files: { 'd.yaml': HTTPBIN, 'a.yaml': ap('istio-system', { selector: { version: 'bogus' } }) },
      expected: [['ML2008', 'AuthorizationPolicy istio-system/policy', 'spec.selector.matchLabels']],
    },
    {
      name: 'a namespace-wide AuthorizationPolicy in a namespace without workloads',
      files: { 'd.yaml': HTTPBIN, 'a.yaml': ap('httpbin-empty') },
      expected: [['ML2008', 'AuthorizationPolicy httpbin-empty/policy', 'metadata.namespace']],
      at: ['a.yaml:5:14'],
    },
    {
      name: 'PeerAuthentication and RequestAuthentication selectors (KIA0004)',
      files: { 'd.yaml': HTTPBIN, 'p.yaml': pa('httpbin', 'STRICT', 'pa', 'wrong-typo'), 'r.yaml': RA },
      expected: [
        ['ML2008', 'PeerAuthentication httpbin/pa', 'spec.selector.matchLabels'],
        ['ML2008', 'RequestAuthentication httpbin/jwt', 'spec.selector.matchLabels'],
      ],
    },
  ],
});

describe('ML2008 messages and upstream codes', () => {
  it('lists the label values the workloads there have', () => {
    const [f] = allFindings(engineWith({ 'd.yaml': HTTPBIN, 'a.yaml': ap('httpbin', { selector: { app: 'bogus', version: 'v1' } }) }, [selectorNoWorkload]));
    assert.equal(f.message, 'No workload in namespace httpbin has the labels app=bogus, version=v1 (workloads there have app=httpbin); this policy applies to nothing.');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.upstream, ['IST0127', 'KIA0004']);
    const [p] = allFindings(engineWith({ 'p.yaml': pa('bookinfo', 'STRICT', 'pa', 'x') }, [selectorNoWorkload]));
    assert.deepEqual(p.upstream, ['KIA0004']);
    assert.equal(p.message, 'No workload in namespace bookinfo has the labels app=x; this policy applies to nothing.');
  });

  it('an empty namespace is unresolved: the setting decides', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': ap('httpbin-empty') }, [selectorNoWorkload]));
    assert.equal(f.unresolved, true);
    assert.equal(f.message, 'Namespace httpbin-empty has no workload in the workspace; this namespace-wide policy applies to nothing here.');
  });
});
