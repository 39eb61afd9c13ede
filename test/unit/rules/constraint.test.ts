import * as assert from 'node:assert/strict';
import { constraint } from '../../../src/core/analysis/rules/schema/constraint';
import { MAX_VALIDATED_ITEMS } from '../../../src/core/schema/constraints';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const RA = (audience: string) =>
  `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n    - issuer: https://issuer.example.com\n      audiences: [${audience}]\n`;
const PA = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ports
spec:
  selector:
    matchLabels: {app: web}
  portLevelMtls: {}
`;

const MATCH = (uri: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - match:\n        - uri: {${uri}}\n      route:\n        - destination: {host: reviews}\n`;

testRule(constraint, {
  valid: [
    { name: 'a non-empty audience', files: { 'ra.yaml': RA('bookinfo') } },
    { name: 'one kind of string match', files: { 'vs.yaml': MATCH('prefix: /api') } },
  ],
  invalid: [
    { name: 'an empty audience', files: { 'ra.yaml': RA('""') }, expected: [['ML0014', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].audiences[0]']], at: ['ra.yaml:8:19'] },
    { name: 'an empty portLevelMtls map', files: { 'pa.yaml': PA }, expected: [['ML0014', 'PeerAuthentication default/ports', 'spec.portLevelMtls']], at: ['pa.yaml:8:18'] },
    {
      name: 'exact and prefix in one string match',
      files: { 'vs.yaml': MATCH('exact: /api, prefix: /api/v2') },
      expected: [['ML0014', 'VirtualService default/reviews', 'spec.http[0].match[0].uri.prefix']],
      at: ['vs.yaml:9:30'],
    },
  ],
});

describe('ML0014 messages', () => {
  it('says which limit is broken, on the value', () => {
    const [f] = allFindings(engineWith({ 'ra.yaml': RA('""') }, [constraint]));
    assert.equal(f.message, 'Must not be empty.');
    assert.equal(span(f), '8:19-8:21');
    const [g] = allFindings(engineWith({ 'pa.yaml': PA }, [constraint]));
    assert.equal(g.message, 'Needs at least 1 entry(ies).');
    const [h] = allFindings(engineWith({ 'vs.yaml': MATCH('exact: /api, prefix: /api/v2, regex: ".*"') }, [constraint]));
    assert.equal(h.message, 'Only one of "exact", "prefix", "regex" may be set here.');
  });
});

describe('ML0014 on lists longer than the validators are given', () => {
  // The compiled validators get lists cut to MAX_VALIDATED_ITEMS (their error handling is
  // quadratic in the failing items); a maxItems limit must still be seen, and only once.
  const jwtRules = (n: number) =>
    `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n${'    - issuer: https://issuer.example.com\n'.repeat(n)}`;
  for (const [n, expected] of [
    [4096, []],
    [MAX_VALIDATED_ITEMS, ['Takes at most 4096 item(s).']],
    [40_000, ['Takes at most 4096 item(s).']],
  ] as const) {
    it(`${n} jwtRules (at most 4096)`, () => {
      const found = allFindings(engineWith({ 'ra.yaml': jwtRules(n) }, [constraint]));
      assert.deepEqual(
        found.map((f) => f.message),
        expected,
      );
    });
  }
});
