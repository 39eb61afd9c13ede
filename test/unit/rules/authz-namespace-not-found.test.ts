import * as assert from 'node:assert/strict';
import { authzNamespaceNotFound } from '../../../src/core/analysis/rules/istio/security/authz-namespace-not-found';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/config';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { ap, namespace, service } from '../helpers/security-fixtures';

const NS = `${namespace('frontend')}---\n${namespace('prod-shop')}`;

testRule(authzNamespaceNotFound, {
  valid: [
    { name: 'a declared namespace', files: { 'ns.yaml': NS, 'a.yaml': ap('backend', { source: 'namespaces: ["frontend"]' }) } },
    { name: 'wildcards that match', files: { 'ns.yaml': NS, 'a.yaml': ap('backend', { source: 'notNamespaces: ["prod-*", "*-shop", "*"]' }) } },
    { name: 'a namespace known from its Services', files: { 's.yaml': service('web', 'team-a'), 'a.yaml': ap('backend', { source: 'namespaces: ["team-a"]' }) } },
    { name: 'built-in namespaces', files: { 'a.yaml': ap('backend', { source: 'namespaces: ["default", "kube-system"]' }) } },
  ],
  invalid: [
    {
      name: 'a typo among declared namespaces (did you mean)',
      files: { 'ns.yaml': NS, 'a.yaml': ap('backend', { source: 'namespaces: ["frontent"]' }) },
      expected: [['ML2004', 'AuthorizationPolicy backend/policy', 'spec.rules[0].from[0].source.namespaces[0]']],
      at: ['a.yaml:10:22'],
    },
    {
      name: 'wildcards that match nothing, in namespaces and notNamespaces',
      files: { 'ns.yaml': NS, 'a.yaml': ap('backend', { source: 'namespaces: ["*-bogus"]\n        notNamespaces: ["bogus-*"]' }) },
      expected: [
        ['ML2004', 'AuthorizationPolicy backend/policy', 'spec.rules[0].from[0].source.namespaces[0]'],
        ['ML2004', 'AuthorizationPolicy backend/policy', 'spec.rules[0].from[0].source.notNamespaces[0]'],
      ],
      at: ['a.yaml:10:22', 'a.yaml:11:25'],
    },
    {
      name: 'no Namespace objects at all: unresolved',
      files: { 'a.yaml': ap('backend', { source: 'namespaces: ["payments"]' }) },
      expected: [['ML2004', 'AuthorizationPolicy backend/policy', 'spec.rules[0].from[0].source.namespaces[0]']],
    },
  ],
});

describe('ML2004 messages, severities and fix', () => {
  it('suggests the closest namespace as an error; the fix re-lints clean', () => {
    const text = ap('backend', { source: 'namespaces: ["frontent"]' });
    const [f] = allFindings(engineWith({ 'ns.yaml': NS, 'a.yaml': text }, [authzNamespaceNotFound]));
    assert.equal(f.message, 'No namespace matches "frontent" in namespaces: did you mean "frontend"?');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.upstream, ['IST0101', 'KIA0101']);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, ap('backend', { source: 'namespaces: [frontend]' }));
    assert.deepEqual(allFindings(engineWith({ 'ns.yaml': NS, 'a.yaml': fixed }, [authzNamespaceNotFound])), []);
  });

  it('without Namespace objects the setting decides', () => {
    const files = { 'a.yaml': ap('backend', { source: 'namespaces: ["payments"]' }) };
    const [w] = allFindings(engineWith(files, [authzNamespaceNotFound]));
    assert.equal(w.severity, 'warning');
    assert.equal(w.message, 'No namespace matches "payments" in namespaces; the rule never matches requests from it.');
    assert.deepEqual(allFindings(engineWith(files, [authzNamespaceNotFound], { ...DEFAULT_CONFIG, unresolvedReferences: 'off' })), []);
  });
});
