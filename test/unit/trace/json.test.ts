import * as assert from 'node:assert/strict';
import { decodeLogsJson, decodeTracesJson } from '../../../src/core/trace/json';
import { OtlpDecodeError } from '../../../src/core/trace/errors';
import { semNumber, semString } from '../../../src/core/trace/semconv';
import { sid, TRACE_A, tracesRequest } from './helpers';

/** The bad span is dropped and counted; a good span in the same request still arrives. */
function leftOut(bad: Record<string, unknown>, message: string): void {
  const req = oneSpan(bad) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
  const good = (oneSpan({ spanId: sid(2) }) as typeof req).resourceSpans[0].scopeSpans[0].spans[0];
  req.resourceSpans[0].scopeSpans[0].spans.push(good);
  const out = decodeTracesJson(req);
  assert.equal(out.rejected, 1);
  assert.ok(out.rejectMessage.startsWith(message), out.rejectMessage);
  assert.equal(out.spans.length, 1);
  assert.equal(out.spans[0].spanId, (good as { spanId: string }).spanId);
}

function rejects(input: unknown, path: string, problem: RegExp): void {
  assert.throws(
    () => decodeTracesJson(input),
    (e: unknown) => {
      assert.ok(e instanceof OtlpDecodeError, `expected an OtlpDecodeError, got ${String(e)}`);
      assert.equal(e.path, path);
      assert.match(e.problem, problem);
      return true;
    },
  );
}

function oneSpan(patch: Record<string, unknown>): object {
  const req = tracesRequest([{ spanId: sid(1) }]) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  Object.assign(req.resourceSpans[0].scopeSpans[0].spans[0], patch);
  return req;
}
const SPAN0 = 'resourceSpans[0].scopeSpans[0].spans[0]';

describe('OTLP/JSON traces', () => {
  it('accepts text, UTF-8 bytes and parsed objects alike', () => {
    const req = tracesRequest([{ spanId: sid(1) }]);
    const text = JSON.stringify(req);
    const a = decodeTracesJson(text).spans;
    assert.deepEqual(decodeTracesJson(new TextEncoder().encode(text)).spans, a);
    assert.deepEqual(decodeTracesJson(req).spans, a);
  });

  it('reads enum names and numbers, int64 as strings and numbers', () => {
    const s = decodeTracesJson(
      oneSpan({ kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR', message: 'x' }, startTimeUnixNano: 1000, endTimeUnixNano: '3500' }),
    ).spans[0];
    assert.equal(s.kind, 3);
    assert.deepEqual(s.status, { code: 2, message: 'x' });
    assert.equal(s.durationNs, 2500n);
    assert.equal(s.durationMs, 0.0025);
  });

  it('keeps exact nanoseconds beyond double precision', () => {
    const s = decodeTracesJson(oneSpan({ startTimeUnixNano: '1700000000123456789', endTimeUnixNano: '1700000000123456790' })).spans[0];
    assert.equal(s.startUnixNano, 1700000000123456789n);
    assert.equal(s.durationNs, 1n);
  });

  it('an end before the start gives a zero duration, not a negative one', () => {
    const s = decodeTracesJson(oneSpan({ startTimeUnixNano: '2000', endTimeUnixNano: '1000' })).spans[0];
    assert.equal(s.durationNs, 0n);
  });

  it('keeps events, links, bytes, nested values and treats empty or zero parents as absent', () => {
    const s = decodeTracesJson(
      oneSpan({
        parentSpanId: '0000000000000000',
        events: [{ name: 'exception', timeUnixNano: '5', attributes: [{ key: 'exception.type', value: { stringValue: 'E' } }] }],
        links: [{ traceId: TRACE_A.toUpperCase(), spanId: sid(9), traceState: 'k=v', flags: 1 }],
        attributes: [
          { key: 'b', value: { bytesValue: 'AQID' } },
          { key: 'empty', value: {} },
          { key: 'nested', value: { arrayValue: { values: [{ kvlistValue: { values: [{ key: 'k', value: { intValue: -3 } }] } }] } } },
        ],
      }),
    ).spans[0];
    assert.equal(s.parentSpanId, undefined);
    assert.equal(s.events[0].name, 'exception');
    assert.equal(s.events[0].timeUnixNano, 5n);
    assert.equal(s.events[0].attributes.get('exception.type'), 'E');
    assert.deepEqual(s.links[0], { traceId: TRACE_A, spanId: sid(9), traceState: 'k=v', attributes: new Map(), droppedAttributesCount: 0, flags: 1 });
    assert.deepEqual(s.attributes.get('b'), new Uint8Array([1, 2, 3]));
    assert.equal(s.attributes.get('empty'), null);
    assert.deepEqual(s.attributes.get('nested'), [new Map([['k', -3n]])]);
  });

  it('reads old and new semantic-convention names through one table', () => {
    const old = decodeTracesJson(oneSpan({ attributes: [
      { key: 'http.method', value: { stringValue: 'GET' } },
      { key: 'http.status_code', value: { intValue: '503' } },
      { key: 'net.peer.name', value: { stringValue: 'reviews' } },
    ] })).spans[0];
    const cur = decodeTracesJson(oneSpan({ attributes: [
      { key: 'http.request.method', value: { stringValue: 'GET' } },
      { key: 'http.response.status_code', value: { intValue: 503 } },
      { key: 'server.address', value: { stringValue: 'reviews' } },
    ] })).spans[0];
    for (const s of [old, cur]) {
      assert.equal(semString(s, 'httpMethod'), 'GET');
      assert.equal(semNumber(s, 'httpStatusCode'), 503);
      assert.equal(semString(s, 'serverAddress'), 'reviews');
    }
    assert.equal(semString(old, 'serviceName'), 'frontend');
  });

  describe('rejects bad input with the field and the problem', () => {
    it('invalid JSON', () => rejects('{"resourceSpans": [', '', /invalid JSON/));
    it('not an object', () => rejects('[1]', '', /must be a JSON object, got an array/));
    it('invalid UTF-8', () => rejects(new Uint8Array([0x7b, 0xff, 0x7d]), '', /UTF-8/));
    it('resourceSpans of the wrong type', () => rejects({ resourceSpans: 'x' }, 'resourceSpans', /must be an array/));
    it('a trace id too short', () => rejects(oneSpan({ traceId: 'abcd' }), `${SPAN0}.traceId`, /32 hex digits.*\(4 chars\)/));
    it('a span id too long', () => rejects(oneSpan({ spanId: sid(1) + '00' }), `${SPAN0}.spanId`, /16 hex digits/));
    it('a parent id of the wrong length', () => rejects(oneSpan({ parentSpanId: 'abc' }), `${SPAN0}.parentSpanId`, /16 hex digits/));
    it('a base64 id (proto3 JSON, not OTLP/JSON)', () => rejects(oneSpan({ traceId: 'CvdlGRbNQ92ESOshHIAxnA==' }), `${SPAN0}.traceId`, /hex/));
    it('a missing trace id leaves out that span alone (partial success)', () => leftOut({ traceId: undefined }, `${SPAN0}.traceId: is required`));
    it('an all-zero span id leaves out that span alone', () => leftOut({ spanId: '0000000000000000' }, `${SPAN0}.spanId: is all zeros`));
    it('an all-zero link trace id leaves out the span that links', () =>
      leftOut({ links: [{ traceId: '0'.repeat(32), spanId: sid(9) }] }, `${SPAN0}.links[0].traceId: is all zeros`));
    it('a numeric id', () => rejects(oneSpan({ spanId: 12 }), `${SPAN0}.spanId`, /hex string, got number/));
    it('a time that is not an integer', () => rejects(oneSpan({ startTimeUnixNano: '1.5' }), `${SPAN0}.startTimeUnixNano`, /decimal string/));
    it('an unsafe numeric time', () => rejects(oneSpan({ startTimeUnixNano: 2 ** 60 }), `${SPAN0}.startTimeUnixNano`, /safe integer/));
    it('a negative time', () => rejects(oneSpan({ endTimeUnixNano: '-1' }), `${SPAN0}.endTimeUnixNano`, /unsigned/));
    it('an unknown kind', () => rejects(oneSpan({ kind: 'SPAN_KIND_BOGUS' }), `${SPAN0}.kind`, /must be one of/));
    it('a kind out of range', () => rejects(oneSpan({ kind: 9 }), `${SPAN0}.kind`, /0\.\.5/));
    it('a name that is not a string', () => rejects(oneSpan({ name: 5 }), `${SPAN0}.name`, /must be a string/));
    it('attributes that are an object', () => rejects(oneSpan({ attributes: { a: 1 } }), `${SPAN0}.attributes`, /must be an array/));
    it('an attribute without a key', () => rejects(oneSpan({ attributes: [{ value: { stringValue: 'x' } }] }), `${SPAN0}.attributes[0].key`, /must be a string/));
    it('a boolValue that is a string', () =>
      rejects(oneSpan({ attributes: [{ key: 'a', value: { boolValue: 'true' } }] }), `${SPAN0}.attributes[0].value.boolValue`, /boolean/));
    it('bad base64', () => rejects(oneSpan({ attributes: [{ key: 'a', value: { bytesValue: '***' } }] }), `${SPAN0}.attributes[0].value.bytesValue`, /base64/));
    it('values nested too deep, without a stack overflow', () => {
      let v: object = { stringValue: 'x' };
      for (let i = 0; i < 5000; i++) v = { arrayValue: { values: [v] } };
      assert.throws(() => decodeTracesJson(oneSpan({ attributes: [{ key: 'a', value: v }] })), (e: unknown) => e instanceof OtlpDecodeError && /nested deeper/.test(e.message));
    });
    it('a link with a short id', () => rejects(oneSpan({ links: [{ traceId: 'ab', spanId: sid(1) }] }), `${SPAN0}.links[0].traceId`, /32 hex/));
  });
});

describe('OTLP/JSON logs', () => {
  it('a record without ids is kept, not tied to a trace', () => {
    const { logs } = decodeLogsJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN', body: { stringValue: 'hi' } }] }] }] });
    assert.equal(logs[0].traceId, undefined);
    assert.equal(logs[0].spanId, undefined);
    assert.equal(logs[0].severityNumber, 13);
    assert.equal(logs[0].resource.serviceName, 'unknown_service');
  });
  it('a log span id of the wrong length is an error', () => {
    assert.throws(
      () => decodeLogsJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: TRACE_A, spanId: 'abc' }] }] }] }),
      (e: unknown) => e instanceof OtlpDecodeError && e.path === 'resourceLogs[0].scopeLogs[0].logRecords[0].spanId',
    );
  });
});
