// Display text for durations, timestamps and attribute values (webview/model/format.ts).
import { strict as assert } from 'node:assert';
import { base64ToHex, formatAttrValue, formatDuration, formatTimestamp } from '../../../webview/model/format';
import { sid, traceOf } from './fixtures';

describe('format (webview/model/format.ts)', () => {
  it('formats durations in µs, ms, s and minutes with three significant digits', () => {
    const cases: [number, string][] = [
      [0, '0µs'],
      [0.0004, '400ns'],
      [0.0009999, '1µs'],
      [0.001, '1µs'],
      [0.0123, '12.3µs'],
      [0.85, '850µs'],
      [0.9999, '1ms'],
      [1, '1ms'],
      [1.5, '1.5ms'],
      [12.345, '12.3ms'],
      [123.456, '123ms'],
      [999.6, '1s'],
      [1500, '1.5s'],
      [59_990, '1m 0s'],
      [123_400, '2m 3.4s'],
      [3_723_000, '1h 2m'],
      [-2.5, '-2.5ms'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
  });

  it('formats timestamps as local time with milliseconds', () => {
    const ms = Date.UTC(2026, 10, 29, 13, 4, 5, 7);
    const d = new Date(ms);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.007`;
    assert.equal(formatTimestamp(ms), time);
    assert.equal(formatTimestamp(ms + 0.9), time, 'sub-ms fractions are cut, not rounded up');
    assert.equal(formatTimestamp(ms, true), `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}`);
  });

  it('formats every attribute kind of the protocol, from a real trace', () => {
    const t = traceOf([
      {
        spanId: sid(1),
        attrs: [
          { key: 's', value: { stringValue: '<b>x</b>' } },
          { key: 'b', value: { boolValue: false } },
          { key: 'i', value: { intValue: '-9223372036854775808' } },
          { key: 'd', value: { doubleValue: 1.25 } },
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'inf', value: { doubleValue: '-Infinity' } },
          { key: 'bytes', value: { bytesValue: '3q2+7w==' } },
          { key: 'empty', value: {} },
          { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a, b' }, { intValue: '1' }, { boolValue: true }] } } },
          { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }, { key: 'n', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 2 } }] } } }] } } },
        ],
      },
    ]);
    const text = Object.fromEntries(t.spans[0].attributes.map((a) => [a.key, formatAttrValue(a.value)]));
    assert.deepEqual(text, {
      s: '<b>x</b>',
      b: 'false',
      i: '-9223372036854775808',
      d: '1.25',
      nan: 'NaN',
      inf: '-Infinity',
      bytes: '0xdeadbeef',
      empty: 'null',
      arr: '["a, b", 1, true]',
      map: '{k: "v", n: {x: 2}}',
    });
  });

  it('decodes base64 to hex and refuses malformed input; stops at absurd nesting', () => {
    assert.equal(base64ToHex(''), '');
    assert.equal(base64ToHex('AA=='), '00');
    assert.equal(base64ToHex('/w=='), 'ff');
    assert.equal(base64ToHex('no!'), undefined);
    assert.equal(formatAttrValue({ bytes: '*' }), 'base64:*');
    let deep: import('../../../src/shared/protocol').AttrValueDto = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    assert.match(formatAttrValue(deep), /^\[+…\]+$/);
  });
});
