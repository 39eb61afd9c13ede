import * as assert from 'node:assert/strict';
import { missingRequired } from '../../../src/core/analysis/rules/schema/missing-required';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (dest: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination:\n${dest}`;

testRule(missingRequired, {
  valid: [{ name: 'destination with host', files: { 'vs.yaml': VS('            host: reviews\n') } }],
  invalid: [
    {
      name: 'destination without host',
      files: { 'vs.yaml': VS('            subset: v1\n') },
      expected: [['ML0013', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.host']],
      at: ['vs.yaml:9:11'],
    },
    {
      name: 'a Deployment without selector and template',
      files: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n' },
      expected: [
        ['ML0013', 'Deployment default/web', 'spec.selector'],
        ['ML0013', 'Deployment default/web', 'spec.template'],
      ],
      at: ['d.yaml:5:1', 'd.yaml:5:1'],
    },
  ],
});

describe('ML0013 messages', () => {
  it('names the field and where it is missing, on the parent key', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': VS('            subset: v1\n') }, [missingRequired]));
    assert.equal(f.message, '"host" is required in "spec.http[0].route[0].destination".');
    assert.equal(span(f), '9:11-9:22');
  });
});
