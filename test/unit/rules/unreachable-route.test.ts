import * as assert from 'node:assert/strict';
import { unreachableRoute } from '../../../src/core/analysis/rules/istio/virtualservice/unreachable-route';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (body: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
${body}`;

const CATCH_ALL = `    - route: # everyone else
        - destination: {host: reviews, subset: v1}
`;
const JASON = `    - match:
        - headers:
            end-user: {exact: jason}
      route:
        - destination: {host: reviews, subset: v2}
`;

testRule(unreachableRoute, {
  valid: [
    { name: 'the catch-all last', files: { 'vs.yaml': vs(`  http:\n${JASON}${CATCH_ALL}`) } },
    { name: 'different matches; tcp and tls rules with distinct matches', files: { 'vs.yaml': vs('  tcp:\n    - match: [{port: 31400}]\n      route: [{destination: {host: a}}]\n    - match: [{port: 31401}]\n      route: [{destination: {host: b}}]\n  tls:\n    - match: [{port: 443, sniHosts: [reviews]}]\n      route: [{destination: {host: a}}]\n') } },
    { name: 'a repeated match beside a new one leaves the rule reachable', files: { 'vs.yaml': vs(`  http:\n${JASON}    - match:\n        - headers:\n            end-user: {exact: jason}\n        - uri: {prefix: /beta}\n      route:\n        - destination: {host: reviews, subset: v3}\n`) } },
  ],
  invalid: [
    {
      name: 'a rule after the catch-all',
      files: { 'vs.yaml': vs(`  http:\n${CATCH_ALL}${JASON}`) },
      expected: [['ML1009', 'VirtualService default/reviews', 'spec.http[1].match']],
      at: ['vs.yaml:10:7'],
    },
    {
      name: 'a named rule whose matches all came before (names of matches do not count); two tcp catch-alls',
      files: {
        'vs.yaml': vs(
          `  http:\n${JASON}    - name: again\n      match:\n        - name: jason\n          headers:\n            end-user: {exact: jason}\n      route:\n        - destination: {host: reviews, subset: v3}\n  tcp:\n    - route: [{destination: {host: a}}]\n    - route: [{destination: {host: b}}]\n`,
        ),
      },
      expected: [
        ['ML1009', 'VirtualService default/reviews', 'spec.http[1].name'],
        ['ML1009', 'VirtualService default/reviews', 'spec.tcp[1].route'],
      ],
      at: ['vs.yaml:13:7', 'vs.yaml:22:7'],
    },
  ],
});

describe('ML1009 messages and the move fix', () => {
  it('names the catch-all and moves it last, comments and all', () => {
    const text = vs(`  http:\n${CATCH_ALL}${JASON}`);
    const [f] = allFindings(engineWith({ 'vs.yaml': text }, [unreachableRoute]));
    assert.equal(f.message, 'http rule #1 is never used: rule #0 before it has no match and takes every request.');
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Move the catch-all http rule #0 last', false]]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, vs(`  http:\n${JASON}${CATCH_ALL}`));
    assert.deepEqual(allFindings(engineWith({ 'vs.yaml': fixed }, [unreachableRoute])), []);
  });

  it('a rule whose matches were all used says so, and has no fix', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': vs(`  http:\n${JASON}${JASON}`) }, [unreachableRoute]));
    assert.equal(f.message, 'http rule #1 is never used: all its matches are used by earlier rules.');
    assert.deepEqual(f.fixes, []);
  });

  it('no move when two rules lack matches', () => {
    const found = allFindings(engineWith({ 'vs.yaml': vs(`  http:\n${CATCH_ALL}${CATCH_ALL}${JASON}`) }, [unreachableRoute]));
    assert.equal(found.length, 2);
    assert.ok(found.every((f) => f.fixes.length === 0));
  });
});
