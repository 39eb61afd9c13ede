// The list's filter fields read for the host's strict query (webview/model/query.ts).
import { strict as assert } from 'node:assert';
import { parseQuery } from '../../../src/receiver/viewer-bridge';
import { formatAttributeFilters, MAX_ATTRIBUTE_FILTERS, parseAttributeFilters, parseDurationMs, type AttributeFilter } from '../../../webview/model/query';

function ok(input: string): AttributeFilter[] {
  const r = parseAttributeFilters(input);
  assert.ok(r.ok, `${JSON.stringify(input)} should parse: ${r.ok ? '' : r.error}`);
  return r.value;
}
function bad(input: string): string {
  const r = parseAttributeFilters(input);
  assert.ok(!r.ok, `${JSON.stringify(input)} should not parse, got ${JSON.stringify(r.ok && r.value)}`);
  return r.error;
}

describe('attribute filters (webview/model/query.ts)', () => {
  it('reads space-separated key=value pairs; empty input is no filter', () => {
    assert.deepEqual(ok(''), []);
    assert.deepEqual(ok('   '), []);
    assert.deepEqual(ok('fruit=kiwi'), [{ key: 'fruit', value: 'kiwi' }]);
    assert.deepEqual(ok('  http.route=/cart \t db.system=postgresql  '), [
      { key: 'http.route', value: '/cart' },
      { key: 'db.system', value: 'postgresql' },
    ]);
  });

  it('the value is everything after the first "=", commas and all', () => {
    assert.deepEqual(ok('q=a=b'), [{ key: 'q', value: 'a=b' }]);
    assert.deepEqual(ok('tags=a,b'), [{ key: 'tags', value: 'a,b' }]);
  });

  it('double quotes hold spaces, an empty value, and escaped quotes and backslashes', () => {
    assert.deepEqual(ok('user.name="Ada Lovelace" tag=""'), [
      { key: 'user.name', value: 'Ada Lovelace' },
      { key: 'tag', value: '' },
    ]);
    assert.deepEqual(ok('msg="say \\"hi\\" \\\\ bye"'), [{ key: 'msg', value: 'say "hi" \\ bye' }]);
    // Unquoted values are taken as written, backslashes included.
    assert.deepEqual(ok('path=C:\\tmp'), [{ key: 'path', value: 'C:\\tmp' }]);
  });

  it('says what is wrong with a malformed pair', () => {
    assert.match(bad('fruit'), /"fruit" is not key=value/);
    assert.match(bad('fruit=kiwi oops'), /"oops" is not key=value/);
    assert.match(bad('=kiwi'), /key is missing/);
    assert.match(bad('fruit='), /has no value; write fruit=""/);
    assert.match(bad('fruit= color=red'), /"fruit=" has no value/);
    assert.match(bad('name="Ada'), /no closing quote/);
    assert.match(bad('name="Ada"x'), /space must follow/);
    assert.match(bad('"a b"=c'), /key has no quotes/);
    assert.match(bad(Array.from({ length: MAX_ATTRIBUTE_FILTERS + 1 }, (_, i) => `k${i}=v`).join(' ')), /at most 64/);
    assert.equal(ok(Array.from({ length: MAX_ATTRIBUTE_FILTERS }, (_, i) => `k${i}=v`).join(' ')).length, MAX_ATTRIBUTE_FILTERS);
    assert.match(bad(`k=${'x'.repeat(4097)}`), /at most 4096/);
  });

  it('what parses passes the host\'s strict query validation unchanged', () => {
    for (const input of ['fruit=kiwi', 'a=1 b="two words" c="" d=x=y', Array.from({ length: 64 }, (_, i) => `k${i}=v${i}`).join(' ')]) {
      const attributes = ok(input);
      assert.deepEqual(parseQuery({ attributes }).attributes, attributes, input);
    }
  });

  it('formats filters back to text that reads as the same filters', () => {
    const cases: AttributeFilter[][] = [
      [],
      [{ key: 'fruit', value: 'kiwi' }],
      [
        { key: 'user.name', value: 'Ada Lovelace' },
        { key: 'tag', value: '' },
        { key: 'msg', value: 'say "hi" \\ bye' },
        { key: 'q', value: 'a=b' },
        { key: 'p', value: '"quoted"' },
        { key: 'w', value: 'C:\\tmp' },
      ],
    ];
    for (const filters of cases) assert.deepEqual(ok(formatAttributeFilters(filters)), filters, formatAttributeFilters(filters));
    assert.equal(formatAttributeFilters([{ key: 'a', value: 'b c' }, { key: 'd', value: 'e' }]), 'a="b c" d=e');
  });
});

describe('duration fields (webview/model/query.ts)', () => {
  const ms = (input: string) => {
    const r = parseDurationMs(input);
    assert.ok(r.ok, `${JSON.stringify(input)}: ${r.ok ? '' : r.error}`);
    return r.value;
  };
  it('empty is no limit; a bare number is milliseconds; units ns, us/µs, ms, s, m', () => {
    assert.equal(ms(''), undefined);
    assert.equal(ms('  '), undefined);
    assert.equal(ms('60'), 60);
    assert.equal(ms('0.5'), 0.5);
    assert.equal(ms('.5'), 0.5);
    assert.equal(ms('250ms'), 250);
    assert.equal(ms('1.5s'), 1500);
    assert.equal(ms('1.5 S'), 1500);
    assert.equal(ms('500us'), 0.5);
    assert.equal(ms('500µs'), 0.5);
    assert.equal(ms('2m'), 120_000);
    assert.equal(ms('2min'), 120_000);
    assert.equal(ms('1000ns'), 0.001);
  });
  it('rejects what is not a duration, negative numbers included', () => {
    for (const input of ['-5', 'abc', '5 seconds', '1e3', '5h', '1.2.3', 'ms']) {
      const r = parseDurationMs(input);
      assert.ok(!r.ok, input);
      assert.match(r.error, /is not a duration/);
    }
  });
});
