import * as assert from 'node:assert/strict';
import { destinationruleHostNotFound as rule } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-host-not-found';
import { fixesClear, lint, service } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

const dr = (host: string, namespace = 'default') => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: rule\n  namespace: ${namespace}\nspec:\n  host: ${host}\n`;
const se = (host: string, exportTo = '["*"]') =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ext\n  namespace: egress\nspec:\n  hosts: ["${host}"]\n  exportTo: ${exportTo}\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n`;

testRule(rule, {
  valid: [
    { name: 'short name of a Service in the same namespace', files: { 's.yaml': service('reviews'), 'd.yaml': dr('reviews') } },
    { name: 'FQDN of a Service in another namespace', files: { 's.yaml': service('ratings', { namespace: 'prod' }), 'd.yaml': dr('ratings.prod.svc.cluster.local') } },
    { name: 'a ServiceEntry host, and one covered by a wildcard ServiceEntry', files: { 'se.yaml': se('*.example.com'), 'd.yaml': dr('api.example.com') } },
    { name: 'wildcard DestinationRule hosts are not checked', files: { 'd.yaml': dr('"*.prod.svc.cluster.local"') } },
  ],
  invalid: [
    {
      name: 'a misspelt short name, with the Service in the workspace',
      files: { 's.yaml': service('reviews'), 'd.yaml': dr('reveiws') },
      expected: [['ML1101', 'DestinationRule default/rule', 'spec.host']],
      at: ['d.yaml:7:9'],
    },
    {
      name: 'a Kubernetes DNS name that Istio does not expand',
      files: { 's.yaml': service('ratings', { namespace: 'prod' }), 'd.yaml': dr('ratings.prod') },
      expected: [['ML1101', 'DestinationRule default/rule', 'spec.host']],
      at: ['d.yaml:7:9'],
    },
    {
      name: 'a ServiceEntry not exported to the rule\'s namespace',
      files: { 'se.yaml': se('api.example.com', '["."]'), 'd.yaml': dr('api.example.com') },
      expected: [['ML1101', 'DestinationRule default/rule', 'spec.host']],
      at: ['d.yaml:7:9'],
    },
    {
      name: 'the namespace has Services, none of that name and none close',
      files: { 's.yaml': service('reviews', { namespace: 'prod' }), 'd.yaml': dr('payments.prod.svc.cluster.local') },
      expected: [['ML1101', 'DestinationRule default/rule', 'spec.host']],
      at: ['d.yaml:7:9'],
    },
    {
      name: 'the namespace has no Service in the workspace: unresolved',
      files: { 'd.yaml': dr('ratings', 'shop') },
      expected: [['ML1101', 'DestinationRule shop/rule', 'spec.host']],
      at: ['d.yaml:7:9'],
    },
  ],
});

describe('ML1101 messages, severities and fixes', () => {
  it('says what exists and how sure it is', () => {
    const m = (files: Record<string, string>) => lint(rule, files).map((f) => `${f.severity}${f.unresolved ? ' (unresolved)' : ''}: ${f.message}`);
    assert.deepEqual(m({ 's.yaml': service('reviews'), 'd.yaml': dr('reveiws') }), ['error: Host "reveiws" matches no Service or ServiceEntry visible from namespace default; did you mean "reviews"?']);
    assert.deepEqual(m({ 's.yaml': service('ratings', { namespace: 'prod' }), 'd.yaml': dr('ratings.prod') }), [
      'error: Host "ratings.prod" matches no Service or ServiceEntry visible from namespace default; did you mean "ratings.prod.svc.cluster.local"?',
    ]);
    assert.deepEqual(m({ 's.yaml': service('reviews', { namespace: 'prod' }), 'd.yaml': dr('payments.prod.svc.cluster.local') }), [
      'error: Host "payments.prod.svc.cluster.local" matches no Service or ServiceEntry visible from namespace default.',
    ]);
    assert.deepEqual(m({ 'd.yaml': dr('ratings', 'shop') }), ['warning (unresolved): Host "ratings" matches no Service in the workspace; namespace shop has no Service here, so it may be defined elsewhere.']);
    assert.deepEqual(m({ 'se.yaml': se('api.example.com', '["."]'), 'd.yaml': dr('api.example.com') }), [
      'error: Host "api.example.com" is defined by ServiceEntry egress/ext, which is not exported to namespace default (exportTo).',
    ]);
    assert.deepEqual(m({ 'd.yaml': dr('api.example.com') }), ['warning (unresolved): Host "api.example.com" matches no ServiceEntry in the workspace; it may be defined elsewhere.']);
  });

  it('replaces the host with the one that exists, in the form it was written', () => {
    assert.deepEqual(fixesClear(rule, { 's.yaml': service('reviews'), 'd.yaml': dr('reveiws') }, 'd.yaml'), [dr('reviews')]);
    assert.deepEqual(fixesClear(rule, { 's.yaml': service('ratings', { namespace: 'prod' }), 'd.yaml': dr('"ratings.prod"') }, 'd.yaml'), [dr('"ratings.prod.svc.cluster.local"')]);
  });
});
