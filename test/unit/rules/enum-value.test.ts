import * as assert from 'node:assert/strict';
import { enumValue } from '../../../src/core/analysis/rules/schema/enum-value';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const PA = (mode: string) => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: ${mode}\n`;

testRule(enumValue, {
  valid: [{ name: 'STRICT', files: { 'pa.yaml': PA('STRICT') } }],
  invalid: [
    { name: 'wrong case', files: { 'pa.yaml': PA('strict') }, expected: [['ML0012', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']], at: ['pa.yaml:8:11'] },
    { name: 'no such value', files: { 'pa.yaml': PA('MUTUAL') }, expected: [['ML0012', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']] },
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
