import * as assert from 'node:assert/strict';
import { missingName } from '../../../src/core/analysis/rules/objects/missing-name';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const DR = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  namespace: shop\nspec:\n  host: ratings\n';

testRule(missingName, {
  valid: [
    { name: 'named', files: { 'a.yaml': DR.replace('metadata:\n', 'metadata:\n  name: ratings\n') } },
    { name: 'generateName', files: { 'a.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n' } },
    { name: 'kinds MeshLens does not know are left alone', files: { 'k.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n' } },
  ],
  invalid: [
    { name: 'no name under metadata', files: { 'a.yaml': DR }, expected: [['ML0003', 'DestinationRule shop/<unnamed>', 'metadata.name']], at: ['a.yaml:3:1'] },
    {
      name: 'no metadata at all',
      files: { 'a.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  ports: [{port: 80}]\n' },
      expected: [['ML0003', 'Service default/<unnamed>', 'metadata.name']],
      at: ['a.yaml:1:1'],
    },
    {
      name: 'empty name',
      files: { 'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ""\n' },
      expected: [['ML0003', 'Service default/<unnamed>', 'metadata.name']],
      at: ['a.yaml:4:3'],
    },
  ],
});

describe('ML0003 quick fix', () => {
  it('offers a suggestion that inserts a name at the indentation of metadata', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': DR }, [missingName]));
    assert.equal(span(f), '3:1-3:9');
    assert.equal(f.fixes.length, 1);
    const fix = f.fixes[0];
    assert.equal(fix.preferred, false, 'a placeholder name changes meaning: suggestion only');
    assert.equal(fix.title, 'Add metadata.name: destinationrule');
    const [edit] = fix.edits;
    const lines = DR.split('\n');
    const line = lines[edit.range.start.line];
    lines[edit.range.start.line] = line.slice(0, edit.range.start.character) + edit.newText + line.slice(edit.range.end.character);
    const fixed = lines.join('\n');
    assert.equal(fixed, DR.replace('metadata:\n', 'metadata:\n  name: destinationrule\n'));
    assert.deepEqual(allFindings(engineWith({ 'a.yaml': fixed }, [missingName])), []);
  });
});
