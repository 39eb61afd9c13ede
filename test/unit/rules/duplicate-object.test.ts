import * as assert from 'node:assert/strict';
import { duplicateObject } from '../../../src/core/analysis/rules/objects/duplicate-object';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const gw = (ns?: string, name = 'bookinfo-gateway') =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  selector:\n    istio: ingressgateway\n`;

testRule(duplicateObject, {
  valid: [
    { name: 'same name, other namespace', files: { 'a.yaml': gw('default'), 'b.yaml': gw('prod') } },
    {
      name: 'same name, other kind',
      files: { 'a.yaml': gw(), 'b.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: bookinfo-gateway\n' },
    },
    {
      name: 'a kustomize base and an overlay patch are rendered apart',
      files: {
        'base/kustomization.yaml': 'resources: [gw.yaml]\n',
        'base/gw.yaml': gw(),
        'overlays/prod/kustomization.yaml': 'resources: [../../base]\npatches: [{path: gw.yaml}]\n',
        'overlays/prod/gw.yaml': gw(),
      },
    },
    {
      name: 'same Service name in core and in another API group',
      files: {
        'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
        'b.yaml': 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: web\n',
      },
    },
  ],
  invalid: [
    {
      name: 'in two files; missing namespace means default',
      files: { 'a.yaml': gw(), 'b.yaml': gw('default') },
      expected: [
        ['ML0002', 'Gateway default/bookinfo-gateway', 'metadata.name'],
        ['ML0002', 'Gateway default/bookinfo-gateway', 'metadata.name'],
      ],
      at: ['a.yaml:4:9', 'b.yaml:4:9'],
    },
    {
      name: 'three times in one multi-document file',
      files: { 'a.yaml': `${gw()}---\n${gw()}---\n${gw()}` },
      expected: [
        ['ML0002', 'Gateway default/bookinfo-gateway', 'metadata.name'],
        ['ML0002', 'Gateway default/bookinfo-gateway', 'metadata.name'],
        ['ML0002', 'Gateway default/bookinfo-gateway', 'metadata.name'],
      ],
      at: ['a.yaml:4:9', 'a.yaml:12:9', 'a.yaml:20:9'],
    },
    {
      name: 'cluster-scoped objects have no namespace',
      files: {
        'a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n',
        'b.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  namespace: ignored\n',
      },
      expected: [
        ['ML0002', 'Namespace bookinfo', 'metadata.name'],
        ['ML0002', 'Namespace bookinfo', 'metadata.name'],
      ],
    },
  ],
});

describe('ML0002 message', () => {
  it('names up to three other definitions and counts the rest; related locations list them all', () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 6; i++) files[`f${i}.yaml`] = gw();
    const first = allFindings(engineWith(files, [duplicateObject]))[0];
    assert.equal(
      first.message,
      'Gateway default/bookinfo-gateway is also defined in f2.yaml (document 1), f3.yaml (document 1), f4.yaml (document 1) and 2 more; whichever is applied last replaces the other.',
    );
    assert.deepEqual(first.related.map((r) => r.uri.split('/').pop()), ['f2.yaml', 'f3.yaml', 'f4.yaml', 'f5.yaml', 'f6.yaml']);
  });
});
