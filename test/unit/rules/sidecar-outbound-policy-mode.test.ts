import * as assert from 'node:assert/strict';
import { sidecarOutboundPolicyMode as rule } from '../../../src/core/analysis/rules/istio/sidecar/sidecar-outbound-policy-mode';
import { fixesClear, lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `outboundTrafficPolicy` is on line 6, column 3. */
const sc = (policy: string) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  outboundTrafficPolicy:${policy}`;
const EGRESS = '\n    egressProxy:\n      host: egress.example.com\n      port: {number: 3128}\n';

testRule(rule, {
  valid: [
    { name: 'an explicit mode', files: { 's.yaml': sc('\n    mode: ALLOW_ANY\n') } },
    { name: 'no outboundTrafficPolicy', files: { 's.yaml': 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  egress: [{hosts: ["./*"]}]\n' } },
  ],
  invalid: [
    { name: 'an empty map', files: { 's.yaml': sc(' {}\n') }, expected: [['ML1135', 'Sidecar default/default', 'spec.outboundTrafficPolicy']], at: ['s.yaml:6:3'] },
    { name: 'an egress proxy without mode', files: { 's.yaml': sc(EGRESS) }, expected: [['ML1135', 'Sidecar default/default', 'spec.outboundTrafficPolicy']], at: ['s.yaml:6:3'] },
  ],
});

describe('ML1135 message and fix', () => {
  it('says what the empty mode means', () => {
    assert.deepEqual(lint(rule, { 's.yaml': sc(' {}\n') }).map((f) => `${f.severity}: ${f.message}`), [
      'info: outboundTrafficPolicy has no mode, which means REGISTRY_ONLY here (the mesh default is ALLOW_ANY); write the mode explicitly.',
    ]);
  });

  it('writes the implied mode, as a preferred fix, whatever the style', () => {
    assert.deepEqual(fixesClear(rule, { 's.yaml': sc(' {}\n') }, 's.yaml'), [sc(' { mode: REGISTRY_ONLY }\n')]);
    assert.deepEqual(fixesClear(rule, { 's.yaml': sc('\n') }, 's.yaml'), [sc(' { mode: REGISTRY_ONLY }\n')]);
    assert.deepEqual(fixesClear(rule, { 's.yaml': sc(' {egressProxy: {host: egress.example.com}}\n') }, 's.yaml'), [sc(' { mode: REGISTRY_ONLY, egressProxy: {host: egress.example.com}}\n')]);
    assert.deepEqual(fixesClear(rule, { 's.yaml': sc(EGRESS) }, 's.yaml'), [sc(`\n    mode: REGISTRY_ONLY${EGRESS}`)]);
    assert.ok(lint(rule, { 's.yaml': sc(' {}\n') })[0].fixes[0].preferred);
  });
});
