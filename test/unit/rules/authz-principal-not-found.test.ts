import * as assert from 'node:assert/strict';
import { authzPrincipalNotFound } from '../../../src/core/analysis/rules/istio/security/authz-principal-not-found';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { ap, deployment } from '../helpers/security-fixtures';

const SA = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sleep\n  namespace: default\n';

testRule(authzPrincipalNotFound, {
  valid: [
    { name: 'a ServiceAccount object', files: { 'sa.yaml': SA, 'a.yaml': ap('default', { source: 'principals: ["cluster.local/ns/default/sa/sleep"]' }) } },
    {
      name: 'a service account a pod template runs as, the default account, wildcards',
      files: {
        'd.yaml': deployment('web', 'shop', { app: 'web' }, '      serviceAccountName: web-sa\n'),
        'a.yaml': ap('default', { source: 'principals: ["cluster.local/ns/shop/sa/web-sa", "cluster.local/ns/shop/sa/default", "*/ns/shop/sa/*"]' }),
      },
    },
  ],
  invalid: [
    {
      name: 'a typo among the namespace\'s accounts',
      files: { 'sa.yaml': SA, 'a.yaml': ap('default', { source: 'notPrincipals: ["cluster.local/ns/default/sa/slep"]' }) },
      expected: [['ML2007', 'AuthorizationPolicy default/policy', 'spec.rules[0].from[0].source.notPrincipals[0]']],
      at: ['a.yaml:10:25'],
    },
    {
      name: 'Kiali docs: no account in the workspace at all (unresolved)',
      files: { 'a.yaml': ap('default', { source: 'principals: ["cluster.local/ns/default/sa/sleep"]' }) },
      expected: [['ML2007', 'AuthorizationPolicy default/policy', 'spec.rules[0].from[0].source.principals[0]']],
      at: ['a.yaml:10:22'],
    },
  ],
});

describe('ML2007 messages and fix', () => {
  it('suggests the closest account; the fix re-lints clean', () => {
    const text = ap('default', { source: 'principals: ["cluster.local/ns/default/sa/slep"]' });
    const [f] = allFindings(engineWith({ 'sa.yaml': SA, 'a.yaml': text }, [authzPrincipalNotFound]));
    assert.equal(f.message, 'No ServiceAccount "slep" in namespace default for principal "cluster.local/ns/default/sa/slep": did you mean "cluster.local/ns/default/sa/sleep"?');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.upstream, ['KIA0106']);
    const fixed = applyFix(text, f.fixes[0]);
    assert.deepEqual(allFindings(engineWith({ 'sa.yaml': SA, 'a.yaml': fixed }, [authzPrincipalNotFound])), []);
  });

  it('accounts that only pod templates name do not make a miss certain: unresolved', () => {
    const files = { 'd.yaml': deployment('web', 'shop', { app: 'web' }, '      serviceAccountName: web-sa\n'), 'a.yaml': ap('default', { source: 'principals: ["cluster.local/ns/shop/sa/web-sb"]' }) };
    const [f] = allFindings(engineWith(files, [authzPrincipalNotFound]));
    assert.equal(f.unresolved, true);
    assert.equal(f.severity, 'warning');
  });

  it('an account in a namespace without any is unresolved', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': ap('default', { source: 'principals: ["cluster.local/ns/default/sa/sleep"]' }) }, [authzPrincipalNotFound]));
    assert.equal(f.severity, 'warning');
    assert.equal(f.message, 'No ServiceAccount "sleep" in namespace default for principal "cluster.local/ns/default/sa/sleep"; no workload has this identity.');
  });
});
