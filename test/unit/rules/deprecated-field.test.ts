import * as assert from 'node:assert/strict';
import { deprecatedField } from '../../../src/core/analysis/rules/schema/deprecated-field';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const POD = (field: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  ${field}: web\n  containers: [{name: web, image: nginx}]\n`;

testRule(deprecatedField, {
  valid: [{ name: 'serviceAccountName', files: { 'p.yaml': POD('serviceAccountName') } }],
  invalid: [{ name: 'serviceAccount', files: { 'p.yaml': POD('serviceAccount') }, expected: [['ML0015', 'Pod default/web', 'spec.serviceAccount']], at: ['p.yaml:6:3'] }],
});

describe('ML0015 message', () => {
  it('quotes the deprecation with its replacement, on the key', () => {
    const [f] = allFindings(engineWith({ 'p.yaml': POD('serviceAccount') }, [deprecatedField]));
    assert.equal(f.message, '"serviceAccount" is deprecated: DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.');
    assert.equal(f.severity, 'info');
    assert.equal(span(f), '6:3-6:17');
  });
});
