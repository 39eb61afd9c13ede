import * as assert from 'node:assert/strict';
import { jwtRule } from '../../../src/core/analysis/rules/istio/security/jwt-rule';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const ra = (rules: string) => `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n${rules}`;
const KEYS = `'{"keys": [{"kty": "RSA", "e": "AQAB", "n": "xyz"}]}'`;

testRule(jwtRule, {
  valid: [
    { name: 'issuer and https jwksUri', files: { 'a.yaml': ra('  - issuer: https://auth.example.com\n    jwksUri: https://auth.example.com/jwks.json\n') } },
    { name: 'issuer and inline jwks with keys', files: { 'a.yaml': ra(`  - issuer: testing@secure.istio.io\n    jwks: ${KEYS}\n`) } },
    { name: 'issuer only (keys found through OpenID discovery)', files: { 'a.yaml': ra('  - issuer: https://accounts.google.com\n') } },
  ],
  invalid: [
    {
      name: 'no issuer, an http jwksUri',
      files: { 'a.yaml': ra('  - jwksUri: http://auth.example.com/jwks.json\n') },
      expected: [
        ['ML2009', 'RequestAuthentication default/jwt', 'spec.jwtRules[0]'],
        ['ML2009', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].jwksUri'],
      ],
      at: ['a.yaml:7:5', 'a.yaml:7:14'],
    },
    {
      name: 'an empty issuer, jwks without keys, jwks that is not JSON',
      files: { 'a.yaml': ra(`  - issuer: ""\n    jwks: '{"keys": []}'\n  - issuer: x\n    jwks: "not json"\n`) },
      expected: [
        ['ML2009', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].issuer'],
        ['ML2009', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].jwks'],
        ['ML2009', 'RequestAuthentication default/jwt', 'spec.jwtRules[1].jwks'],
      ],
      at: ['a.yaml:7:5', 'a.yaml:8:11', 'a.yaml:10:11'],
    },
  ],
});

describe('ML2009 messages, severities and fix', () => {
  it('an http jwksUri is a warning with an https fix that re-lints clean', () => {
    const text = ra('  - issuer: x\n    jwksUri: http://auth.example.com/jwks.json\n');
    const [f] = allFindings(engineWith({ 'a.yaml': text }, [jwtRule]));
    assert.equal(f.severity, 'warning');
    assert.equal(f.message, 'jwksUri "http://auth.example.com/jwks.json" fetches the signing keys over plain HTTP; anyone on the path can replace them. Use https://.');
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, ra('  - issuer: x\n    jwksUri: https://auth.example.com/jwks.json\n'));
    assert.deepEqual(allFindings(engineWith({ 'a.yaml': fixed }, [jwtRule])), []);
  });

  it('says what is wrong with issuer and jwks', () => {
    const found = allFindings(engineWith({ 'a.yaml': ra(`  - jwks: '{"keys": []}'\n`) }, [jwtRule]));
    assert.deepEqual(found.map((f) => [f.severity, f.message]), [
      ['error', 'This JWT rule has no issuer; istiod refuses it ("issuer must be set"). Set issuer to the iss claim of the tokens.'],
      ['error', 'jwks is not a usable JSON Web Key Set ("keys" is empty); tokens cannot be verified with it.'],
    ]);
  });
});
