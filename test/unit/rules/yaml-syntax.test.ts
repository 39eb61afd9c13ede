import * as assert from 'node:assert/strict';
import { yamlSyntax } from '../../../src/core/analysis/rules/syntax/yaml-syntax';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n';

testRule(yamlSyntax, {
  valid: [
    { name: 'a well-formed manifest', files: { 'svc.yaml': SERVICE } },
    { name: 'broken YAML that is not a manifest is left alone', files: { 'ci.yaml': 'jobs:\n  build: steps: [\n' } },
  ],
  invalid: [
    {
      name: 'compact nested mapping',
      files: { 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels: app: reviews\n' },
      expected: [['ML0001', null, null]],
      at: ['svc.yaml:5:11'],
    },
    {
      name: 'duplicate key',
      files: { 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n' },
      expected: [['ML0001', null, null]],
      at: ['svc.yaml:5:3'],
    },
    {
      name: 'tab used for indentation',
      files: { 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: reviews\n' },
      expected: [['ML0001', null, null]],
      at: ['svc.yaml:4:1'],
    },
    {
      name: 'errors in the second and third documents of one file',
      files: { 'multi.yaml': `${SERVICE}---\n${SERVICE.replace('reviews', 'a: b: c')}---\n# comment\napiVersion: v1\nkind: ConfigMap\ndata: [1, 2\n` },
      expected: [
        ['ML0001', null, null],
        ['ML0001', null, null],
        ['ML0001', null, null],
      ],
      // `name: a: b: c` holds two nested mappings; the unclosed flow sequence is reported where the input ends.
      at: ['multi.yaml:9:9', 'multi.yaml:9:12', 'multi.yaml:15:1'],
    },
  ],
});

describe('ML0001 ranges and messages', () => {
  it('names the problem in words and spans the offending token', () => {
    const [f] = allFindings(engineWith({ 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n' }));
    assert.match(f.message, /^YAML syntax error: Map keys must be unique/);
    assert.equal(span(f), '5:3-5:7');
    assert.equal(f.data.yamlCode, 'DUPLICATE_KEY');
  });

  it('counts columns in UTF-16 units after non-ASCII text, and lines after CRLF', () => {
    const line = 'data: {"😀": 1, "😀": 2}';
    const text = `apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: ünïcödé\r\n${line}\r\n`;
    const [f] = allFindings(engineWith({ 'c.yaml': text }));
    assert.equal(f.code, 'ML0001');
    // The second key is the duplicate; each emoji is two UTF-16 units, as VS Code counts columns.
    assert.deepEqual(f.range.start, { line: 4, character: line.lastIndexOf('"😀"') });
    assert.deepEqual(f.range.end, { line: 4, character: line.lastIndexOf('"😀"') + 4 });
  });
});
