import * as assert from 'node:assert/strict';
import { CATALOG_SOURCES, schemaNode, schemaRoot } from '../../../src/core/schema/catalog';
import type { SchemaNode } from '../../../src/core/schema/types';

/** Walks a dotted path (`[]` steps into list items, `{}` into map values) from a kind's root. */
function field(group: string, version: string, kind: string, dotted: string): SchemaNode {
  let node = schemaRoot(group, version, kind);
  assert.ok(node, `${group}/${version}/${kind} has a root`);
  for (const part of dotted.split('.')) {
    const [name, ...steps] = part.split(/(?=\[\]|\{\})/);
    const id = node.p?.[name];
    assert.ok(id !== undefined, `${dotted}: no "${name}"`);
    node = schemaNode(id);
    for (let i = 0; i < steps.length; i++) node = schemaNode(node.i!);
  }
  return node;
}

describe('field catalog', () => {
  it('records the packages and versions it comes from', () => {
    for (const pkg of ['@kubernetes-models/istio', '@kubernetes-models/argo-rollouts', 'kubernetes-models']) assert.match(CATALOG_SOURCES[pkg], /^\d+\.\d+\.\d+/);
  });

  it('reads fields the models write as a CRD oneOf (`{...} & (Exclude<...> | ...)`)', () => {
    const ap = field('security.istio.io', 'v1', 'AuthorizationPolicy', 'spec');
    assert.equal(ap.t, 'object');
    assert.deepEqual(field('security.istio.io', 'v1', 'AuthorizationPolicy', 'spec.action').e, ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);
    assert.equal(field('security.istio.io', 'v1', 'AuthorizationPolicy', 'spec.rules[].to[].operation.methods').t, 'array');
    assert.equal(field('networking.istio.io', 'v1', 'DestinationRule', 'spec.trafficPolicy.loadBalancer.simple').t, 'string');
    assert.equal(field('networking.istio.io', 'v1', 'DestinationRule', 'spec.subsets[].trafficPolicy.loadBalancer.consistentHash.httpCookie.name').t, 'string');
    const headers = field('networking.istio.io', 'v1', 'VirtualService', 'spec.http[].match[].headers');
    assert.equal(headers.t, 'map');
    assert.deepEqual(Object.keys(schemaNode(headers.i!).p ?? {}).sort(), ['exact', 'prefix', 'regex']);
  });

  it('keeps the sentence that states a default, and only such sentences', () => {
    assert.equal(field('argoproj.io', 'v1alpha1', 'Rollout', 'spec.progressDeadlineSeconds').def, 'Defaults to 600s.');
    assert.equal(field('argoproj.io', 'v1alpha1', 'Rollout', 'spec.replicas').def, 'Defaults to 1.');
    assert.equal(field('', 'v1', 'Pod', 'metadata.namespace').def, undefined, 'the "default" namespace is not a default value');
  });

  it('marks deprecated fields with the replacement', () => {
    assert.match(field('', 'v1', 'Pod', 'spec.serviceAccount').dep ?? '', /deprecated/i);
  });
});
