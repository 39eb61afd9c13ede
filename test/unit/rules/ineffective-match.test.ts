import * as assert from 'node:assert/strict';
import { ineffectiveMatch } from '../../../src/core/analysis/rules/istio/virtualservice/ineffective-match';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (body: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
spec:
  hosts: [api]
${body}`;

const rule = (match: string, host = 'api') => `    - match:\n${match}      route:\n        - destination: {host: ${host}}\n`;

testRule(ineffectiveMatch, {
  valid: [
    { name: 'the specific prefix first', files: { 'vs.yaml': vs(`  http:\n${rule('        - uri: {prefix: /api/v1/products}\n')}${rule('        - uri: {prefix: /api/v1}\n')}`) } },
    { name: 'a wider prefix with a narrower condition', files: { 'vs.yaml': vs(`  http:\n${rule('        - uri: {prefix: /api}\n          method: {exact: GET}\n')}${rule('        - uri: {prefix: /api/v1}\n          method: {exact: POST}\n')}`) } },
    { name: 'a header the earlier match requires', files: { 'vs.yaml': vs(`  http:\n${rule('        - uri: {prefix: /api}\n          headers: {x-beta: {exact: "1"}}\n')}${rule('        - uri: {prefix: /api/v1}\n')}`) } },
    { name: 'regex conditions are not compared', files: { 'vs.yaml': vs(`  http:\n${rule('        - uri: {prefix: /api}\n          headers: {x-beta: {regex: "1|2"}}\n')}${rule('        - uri: {prefix: /api/v1}\n          headers: {x-beta: {exact: "1"}}\n')}`) } },
  ],
  invalid: [
    {
      name: 'a repeated match, a covered prefix (in the same rule too), a repeated tcp match',
      files: {
        'vs.yaml': vs(
          `  http:\n${rule('        - uri: {prefix: /api/v1/product}\n')}${rule('        - name: again\n          uri: {prefix: /api/v1/product}\n        - uri: {prefix: /api/v1/products}\n          method: {exact: GET}\n')}  tcp:\n    - match: [{port: 31400}]\n      route: [{destination: {host: a}}]\n    - match: [{port: 31400}, {port: 31401}]\n      route: [{destination: {host: b}}]\n`,
        ),
      },
      expected: [
        ['ML1010', 'VirtualService default/api', 'spec.http[1].match[0].name'],
        ['ML1010', 'VirtualService default/api', 'spec.http[1].match[1].uri'],
        ['ML1010', 'VirtualService default/api', 'spec.tcp[1].match[0].port'],
      ],
      at: ['vs.yaml:13:11', 'vs.yaml:15:11', 'vs.yaml:22:16'],
    },
  ],
});

describe('ML1010 messages', () => {
  it('says which earlier match takes the requests', () => {
    const text = vs(`  http:\n    - name: all\n      match:\n        - uri: {prefix: /api}\n      route:\n        - destination: {host: api}\n${rule('        - name: v1\n          uri: {prefix: /api/v1}\n')}${rule('        - uri: {prefix: /api}\n')}`);
    const found = allFindings(engineWith({ 'vs.yaml': text }, [ineffectiveMatch]));
    assert.deepEqual(found.map((f) => f.message), [
      'HTTP rule #1 match "v1" (prefix /api/v1) is covered by match #0 of rule "all" (prefix /api): put the more specific rule first.',
      'http rule #2 match #0 repeats a match of rule "all": it never selects a request.',
    ]);
    assert.equal(found[0].severity, 'info');
  });
});
