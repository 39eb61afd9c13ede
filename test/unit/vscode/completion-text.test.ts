import assert from 'node:assert/strict';
import type { CompletionItem } from '../../../src/core/assist';
import { fieldInsert, spaceStartsValue } from '../../../src/vscode/completionText';

const field = (label: string, insertText: string, detail: string): CompletionItem => ({ label, kind: 'field', insertText, detail, replaceRange: { start: 0, end: 0 } });

describe('vscode completion text', () => {
  it('a typed space opens suggestions only where a value starts', () => {
    for (const line of ['subset: ', '            subset: ', '  - name: ', '    - ', '- - ', '  "host": ', "  'a b': "]) assert.ok(spaceStartsValue(line), line);
    for (const line of ['  ', 'subset:', 'subset: v1 ', '# comment: ', 'a: b: ', 'description: some ', '  -', 'key:  ']) assert.ok(!spaceStartsValue(line), line);
  });

  it('a mapping field gets a line break indented one unit past the key; a list field its first item', () => {
    assert.deepEqual(fieldInsert(field('trafficPolicy', 'trafficPolicy:', 'object'), 2, 2), { text: 'trafficPolicy:\n    ', retrigger: true });
    assert.deepEqual(fieldInsert(field('subsets', 'subsets:', 'list of object'), 2, 2), { text: 'subsets:\n    - ', retrigger: true });
    assert.deepEqual(fieldInsert(field('labels', 'labels:', 'map of string'), 6, 4), { text: 'labels:\n          ', retrigger: true });
  });

  it('a scalar field stays on its line; suggestions reopen only when the catalog has values for it', () => {
    assert.deepEqual(fieldInsert(field('host', 'host: ', 'string (required)'), 4, 2), { text: 'host: ', retrigger: false });
    assert.deepEqual(fieldInsert(field('mode', 'mode: ', 'enum'), 4, 2), { text: 'mode: ', retrigger: true });
    assert.deepEqual(fieldInsert(field('host', 'host', 'string'), 4, 2), { text: 'host', retrigger: false });
  });
});
