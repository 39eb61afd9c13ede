import * as assert from 'node:assert/strict';
import { enumValue } from '../../../src/core/analysis/rules/schema/enum-value';
import { allFindings, applyFix, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const PA = (mode: string) => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: ${mode}\n`;

const PVC_POD = (modes: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: a, image: b}]\n  volumes:\n    - name: scratch\n      ephemeral:\n        volumeClaimTemplate:\n          spec:\n            accessModes: ${modes}\n`;

testRule(enumValue, {
  valid: [{ name: 'STRICT', files: { 'pa.yaml': PA('STRICT') } }],
  invalid: [
    { name: 'wrong case', files: { 'pa.yaml': PA('strict') }, expected: [['ML0012', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']], at: ['pa.yaml:8:11'] },
    { name: 'no such value', files: { 'pa.yaml': PA('MUTUAL') }, expected: [['ML0012', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']] },
    {
      // Both live under fields the models write as a CRD oneOf (`{...} & (Exclude<...> | ...)`).
      name: 'inside a DestinationRule load balancer and an AuthorizationPolicy',
      files: {
        'dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  trafficPolicy:\n    loadBalancer:\n      simple: round_robin\n',
        'ap.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  action: allow\n',
      },
      expected: [
        ['ML0012', 'AuthorizationPolicy default/a', 'spec.action'],
        ['ML0012', 'DestinationRule default/r', 'spec.trafficPolicy.loadBalancer.simple'],
      ],
      at: ['ap.yaml:6:11', 'dr.yaml:9:15'],
    },
    {
      name: 'a flow item with a trailing colon: Kubernetes reads the colon as part of the value',
      files: { 'p.yaml': PVC_POD('[ReadWriteOnce:]') },
      expected: [['ML0012', 'Pod default/p', 'spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes[0]']],
      at: ['p.yaml:12:27'],
    },
  ],
});

describe('ML0012 messages and fixes', () => {
  it('suggests the value in the right case, with a fix, and lists the allowed values', () => {
    const [f] = allFindings(engineWith({ 'pa.yaml': PA('strict') }, [enumValue]));
    assert.match(f.message, /^"strict" is not allowed here: did you mean "STRICT"\? \(allowed: .*PERMISSIVE.*\)$/);
    assert.equal(span(f), '8:11-8:17');
    assert.deepEqual(f.fixes.map((x) => [x.title, x.edits[0].newText]), [['Change to "STRICT"', 'STRICT']]);
  });

  it('lists the allowed values when nothing is close', () => {
    const [f] = allFindings(engineWith({ 'pa.yaml': PA('MUTUAL') }, [enumValue]));
    assert.match(f.message, /^"MUTUAL" is not allowed here; use one of: (\w+, )+\w+\.$/);
    assert.deepEqual(f.fixes, []);
  });
});

describe('ML0012 values Kubernetes reads with a trailing colon', () => {
  it('names the value as Kubernetes reads it, and the fix drops the colon', () => {
    const text = PVC_POD('[ReadWriteOnce:]');
    const [f] = allFindings(engineWith({ 'p.yaml': text }, [enumValue]));
    assert.match(f.message, /^"ReadWriteOnce:" is not allowed here: did you mean "ReadWriteOnce"\?/);
    assert.equal(span(f), '12:27-12:41');
    assert.equal(applyFix(text, f.fixes[0]), PVC_POD('[ReadWriteOnce]'));
  });

  it('keeps the key as written, where YAML 1.2 would read a number', () => {
    const [f] = allFindings(engineWith({ 'p.yaml': PVC_POD('[1.10:]') }, [enumValue]));
    assert.match(f.message, /^"1\.10:" is not allowed here; use one of: /);
  });
});
