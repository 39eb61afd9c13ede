import * as assert from 'node:assert/strict';
import { envoyfilterPatchOperation as rule } from '../../../src/core/analysis/rules/istio/envoyfilter/envoyfilter-patch-operation';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** Patch i's operation is on line 10 + 6i (plus one per earlier proxyVersion), column 20. */
const ef = (patches: Array<[applyTo: string, operation: string, proxyVersion?: string]>, priority?: number) =>
  `apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: ef\n  namespace: bookinfo\nspec:\n${priority === undefined ? '' : `  priority: ${priority}\n`}  configPatches:\n${patches
    .map(([applyTo, operation, proxyVersion]) => `    - applyTo: ${applyTo}\n      match:\n        context: SIDECAR_INBOUND\n${proxyVersion ? `        proxy: {proxyVersion: '${proxyVersion}'}\n` : ''}      patch:\n        operation: ${operation}\n        value: {name: envoy.lua}\n`)
    .join('')}`;

testRule(rule, {
  valid: [
    { name: 'absolute operations', files: { 'e.yaml': ef([['HTTP_FILTER', 'INSERT_FIRST'], ['CLUSTER', 'ADD'], ['ROUTE_CONFIGURATION', 'MERGE'], ['NETWORK_FILTER', 'REMOVE']]) } },
    { name: 'a relative operation with a priority', files: { 'e.yaml': ef([['HTTP_FILTER', 'INSERT_BEFORE']], 10) } },
  ],
  invalid: [
    {
      name: 'relative without priority, with a proxyVersion, ADD and REMOVE on routes, REPLACE on a cluster',
      files: { 'e.yaml': ef([['HTTP_FILTER', 'INSERT_BEFORE'], ['HTTP_FILTER', 'INSERT_AFTER', '^1\\.11.*'], ['HTTP_ROUTE', 'ADD'], ['ROUTE_CONFIGURATION', 'REMOVE'], ['CLUSTER', 'REPLACE']]) },
      expected: [0, 1, 2, 3, 4].map((i) => ['ML1150', 'EnvoyFilter bookinfo/ef', `spec.configPatches[${i}].patch.operation`]) as Array<[string, string, string]>,
      at: ['e.yaml:12:20', 'e.yaml:19:20', 'e.yaml:25:20', 'e.yaml:31:20', 'e.yaml:37:20'],
    },
  ],
});

describe('ML1150 messages and upstream codes', () => {
  it('gives each case its istioctl code', () => {
    const found = lint(rule, { 'e.yaml': ef([['HTTP_FILTER', 'INSERT_BEFORE'], ['HTTP_FILTER', 'INSERT_AFTER', '^1\\.11.*'], ['HTTP_ROUTE', 'ADD'], ['ROUTE_CONFIGURATION', 'REMOVE'], ['CLUSTER', 'REPLACE']]) });
    assert.deepEqual(found.map((f) => f.upstream.join()), ['IST0151', 'IST0155', 'IST0153', 'IST0154', 'IST0152']);
    assert.deepEqual(found.map((f) => f.message), [
      'Patch 0 uses INSERT_BEFORE and the EnvoyFilter has no priority: the filter it is relative to may be added or moved by another EnvoyFilter applied later, and the patch may not apply.',
      'Patch 1 uses INSERT_AFTER with a proxyVersion match and the EnvoyFilter has no priority: it may stop applying when the proxy version or the filter chain changes.',
      'Patch 2 uses ADD on HTTP_ROUTE, which has no effect there (use MERGE).',
      'Patch 3 uses REMOVE on ROUTE_CONFIGURATION, which has no effect there.',
      'Patch 4 uses REPLACE on CLUSTER; REPLACE works only on HTTP_FILTER and NETWORK_FILTER (use MERGE).',
    ]);
  });
});
