import * as assert from 'node:assert/strict';
import { jsonErrorLocation } from '../../../src/core/trace/json-location';

describe('jsonErrorLocation', () => {
  it('finds the first bad character of a multi-line file by line and column', () => {
    assert.deepEqual(jsonErrorLocation('{\n  "resourceSpans": [\n    {"resource": }\n  ]\n}'), { offset: 40, line: 3, column: 18 });
    assert.deepEqual(jsonErrorLocation('{"a": [1, 2,]}'), { offset: 12, line: 1, column: 13 });
    assert.deepEqual(jsonErrorLocation('{"a": "x\ny"}'), { offset: 8, line: 1, column: 9 });
    assert.deepEqual(jsonErrorLocation('{"a": 1}\n{"b": 2}'), { offset: 9, line: 2, column: 1 });
    assert.deepEqual(jsonErrorLocation('{"a": tru}'), { offset: 6, line: 1, column: 7 });
    assert.deepEqual(jsonErrorLocation('{"a": "\\q"}'), { offset: 8, line: 1, column: 9 });
    assert.deepEqual(jsonErrorLocation('{"a": 1'), { offset: 7, line: 1, column: 8 });
  });

  it('is undefined for valid JSON, whatever JSON.parse accepts', () => {
    for (const t of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"]} ', '\ufeff{"x": {}}', '0', '"s"']) {
      assert.doesNotThrow(() => JSON.parse(t.replace(/^\ufeff/, '')));
      assert.equal(jsonErrorLocation(t), undefined, t);
    }
  });
});
