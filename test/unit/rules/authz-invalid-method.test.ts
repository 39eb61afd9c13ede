import * as assert from 'node:assert/strict';
import { authzInvalidMethod } from '../../../src/core/analysis/rules/istio/security/authz-invalid-method';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { ap } from '../helpers/security-fixtures';

testRule(authzInvalidMethod, {
  valid: [
    { name: 'HTTP methods and a gRPC method', files: { 'a.yaml': ap('default', { operation: 'methods: ["GET", "PATCH", "/bookinfo.v1.Reviews/List"]' }) } },
    { name: 'wildcards are left alone', files: { 'a.yaml': ap('default', { operation: 'notMethods: ["*"]' }) } },
  ],
  invalid: [
    {
      name: 'Kiali docs: WRONG and a non-qualified gRPC name',
      files: { 'a.yaml': ap('default', { operation: 'methods: ["GET", "/package.service/method", "WRONG", "non-fully-qualified-grpc"]' }) },
      expected: [
        ['ML2005', 'AuthorizationPolicy default/policy', 'spec.rules[0].to[0].operation.methods[2]'],
        ['ML2005', 'AuthorizationPolicy default/policy', 'spec.rules[0].to[0].operation.methods[3]'],
      ],
      at: ['a.yaml:10:53', 'a.yaml:10:62'],
    },
    {
      name: 'lower case in notMethods',
      files: { 'a.yaml': ap('default', { operation: 'notMethods: ["delete"]' }) },
      expected: [['ML2005', 'AuthorizationPolicy default/policy', 'spec.rules[0].to[0].operation.notMethods[0]']],
      at: ['a.yaml:10:22'],
    },
  ],
});

describe('ML2005 messages and fix', () => {
  it('upper-cases a lower-case method', () => {
    const text = ap('default', { operation: 'methods: ["get"]' });
    const [f] = allFindings(engineWith({ 'a.yaml': text }, [authzInvalidMethod]));
    assert.equal(f.message, '"get" in methods is not an HTTP method (methods are case-sensitive): did you mean "GET"?');
    assert.deepEqual(f.upstream, ['KIA0102']);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, ap('default', { operation: 'methods: [GET]' }));
    assert.deepEqual(allFindings(engineWith({ 'a.yaml': fixed }, [authzInvalidMethod])), []);
  });

  it('says what a method must look like', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': ap('default', { operation: 'methods: ["READ"]' }) }, [authzInvalidMethod]));
    assert.equal(f.message, '"READ" in methods is not an HTTP method or a fully-qualified gRPC method (/package.Service/Method); this operation never matches it.');
    assert.equal(f.fixes.length, 0);
  });
});
