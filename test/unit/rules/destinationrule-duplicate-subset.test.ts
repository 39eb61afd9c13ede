import * as assert from 'node:assert/strict';
import { destinationruleDuplicateSubset as rule } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-duplicate-subset';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `spec.host` on line 7; subset i's name on line 9 + 2i. */
const dr = (name: string, host: string, subsets: string[], extra = '', namespace = 'default') =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  host: ${host}\n${subsets.length ? `  subsets:\n${subsets.map((s) => `    - name: ${s}\n      labels: {version: ${s}}\n`).join('')}` : ''}${extra}`;

testRule(rule, {
  valid: [
    { name: 'different subsets of one host are merged', files: { 'a.yaml': dr('a', 'reviews', ['v1']), 'b.yaml': dr('b', 'reviews.default.svc.cluster.local', ['v2']) } },
    { name: 'the same subset name on another host', files: { 'a.yaml': dr('a', 'reviews', ['v1']), 'b.yaml': dr('b', 'ratings', ['v1']) } },
    { name: 'rules in different namespaces are not merged', files: { 'a.yaml': dr('a', 'reviews.prod.svc.cluster.local', ['v1']), 'b.yaml': dr('b', 'reviews.prod.svc.cluster.local', ['v1'], '', 'shop') } },
    { name: 'a rule with a workloadSelector applies apart', files: { 'a.yaml': dr('a', 'reviews', ['v1']), 'b.yaml': dr('b', 'reviews', ['v1'], '  workloadSelector:\n    matchLabels: {app: web}\n') } },
    { name: 'a copy of the same object is ML0002\'s', files: { 'a.yaml': dr('a', 'reviews', ['v1']), 'b.yaml': dr('a', 'reviews', ['v1']) } },
  ],
  invalid: [
    {
      name: 'the same subset in two rules for one host (short name and FQDN)',
      files: { 'a.yaml': dr('a', 'reviews', ['v1', 'v2']), 'b.yaml': dr('b', 'reviews.default.svc.cluster.local', ['v2']) },
      expected: [
        ['ML1104', 'DestinationRule default/a', 'spec.subsets[1].name'],
        ['ML1104', 'DestinationRule default/b', 'spec.subsets[0].name'],
      ],
      at: ['a.yaml:11:13', 'b.yaml:9:13'],
    },
    {
      name: 'two rules for one host without subsets',
      files: { 'a.yaml': dr('a', 'reviews', [], '  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n'), 'b.yaml': dr('b', 'reviews', [], '  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}\n') },
      expected: [
        ['ML1104', 'DestinationRule default/a', 'spec.host'],
        ['ML1104', 'DestinationRule default/b', 'spec.host'],
      ],
      at: ['a.yaml:7:9', 'b.yaml:7:9'],
    },
  ],
});

describe('ML1104 messages', () => {
  it('names the other rule and points at its subset', () => {
    const found = lint(rule, { 'a.yaml': dr('a', 'reviews', ['v1']), 'b.yaml': dr('b', 'reviews', ['v1']) });
    assert.deepEqual(found.map((f) => f.message), [
      'Subset "v1" of host reviews.default.svc.cluster.local is also defined by DestinationRule default/b; only the older rule\'s subset applies.',
      'Subset "v1" of host reviews.default.svc.cluster.local is also defined by DestinationRule default/a; only the older rule\'s subset applies.',
    ]);
    assert.deepEqual(found[0].related.map((r) => `${r.uri.split('/').pop()}:${r.range.start.line + 1} ${r.message}`), ['b.yaml:9 subset "v1" is also defined here']);
  });
});
