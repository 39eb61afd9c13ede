import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeLogsJson, decodeTracesJson } from '../../../src/core/trace/json';
import { decodeLogsProtobuf, decodeTracesProtobuf } from '../../../src/core/trace/protobuf';
import { OtlpDecodeError } from '../../../src/core/trace/errors';
import { encodeLogs, encodeTraces, ProtoWriter } from './pb';
import { sid, TRACE_A, tracesRequest } from './helpers';

const OTLP = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'otlp');

/** A request with every span field and every AnyValue kind set. */
function rich(): { resourceSpans: object[] } {
  return {
    resourceSpans: [
      {
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }], droppedAttributesCount: 2 },
        scopeSpans: [
          {
            schemaUrl: 'https://scope',
            scope: { name: 'lib', version: '2.0', attributes: [{ key: 's', value: { boolValue: false } }], droppedAttributesCount: 1 },
            spans: [
              {
                traceId: TRACE_A,
                spanId: sid(0xabc),
                parentSpanId: sid(7),
                traceState: 'vendor=1',
                flags: 0x301,
                name: 'POST /pay',
                kind: 'SPAN_KIND_CLIENT',
                startTimeUnixNano: '1700000000123456789',
                endTimeUnixNano: '18446744073709551615',
                attributes: [
                  { key: 'str', value: { stringValue: '' } },
                  { key: 'neg', value: { intValue: '-9223372036854775808' } },
                  { key: 'big', value: { intValue: '9223372036854775807' } },
                  { key: 'dbl', value: { doubleValue: -0.5 } },
                  { key: 'yes', value: { boolValue: true } },
                  { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
                  { key: 'arr', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }] } } },
                  { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { arrayValue: { values: [] } } }] } } },
                ],
                droppedAttributesCount: 3,
                events: [{ timeUnixNano: '1700000000200000000', name: 'retry', attributes: [{ key: 'n', value: { intValue: '2' } }], droppedAttributesCount: 1 }],
                droppedEventsCount: 4,
                links: [{ traceId: TRACE_A, spanId: sid(5), traceState: 'a=b', attributes: [{ key: 'l', value: { stringValue: 'v' } }], droppedAttributesCount: 1, flags: 1 }],
                droppedLinksCount: 5,
                status: { code: 'STATUS_CODE_ERROR', message: 'card declined' },
              },
            ],
          },
        ],
      },
    ],
  };
}

function rejects(bytes: Uint8Array, path: string, problem: RegExp): void {
  assert.throws(
    () => decodeTracesProtobuf(bytes),
    (e: unknown) => {
      assert.ok(e instanceof OtlpDecodeError, `expected an OtlpDecodeError, got ${String(e)}`);
      assert.equal(e.path, path);
      assert.match(e.problem, problem);
      return true;
    },
  );
}

describe('OTLP/protobuf', () => {
  it('gives the same spans as OTLP/JSON for a request using every field and value kind', () => {
    const req = rich();
    const fromPb = decodeTracesProtobuf(encodeTraces(req)).spans;
    assert.deepEqual(fromPb, decodeTracesJson(req).spans);
    const s = fromPb[0];
    assert.equal(s.attributes.get('neg'), -9223372036854775808n);
    assert.equal(s.endUnixNano, 18446744073709551615n);
    assert.equal(s.flags, 0x301);
    assert.equal(s.resource.schemaUrl, 'https://opentelemetry.io/schemas/1.26.0');
  });

  it('gives the same spans as OTLP/JSON for generated requests', () => {
    const req = tracesRequest([
      { spanId: sid(1), service: 'a', attrs: { 'http.method': 'GET', n: 3, f: 1.5, ok: true } },
      { spanId: sid(2), parentSpanId: sid(1), service: 'b', error: true, kind: 3 },
    ]);
    assert.deepEqual(decodeTracesProtobuf(encodeTraces(req)).spans, decodeTracesJson(req).spans);
  });

  it('an empty request is no spans', () => {
    assert.deepEqual(decodeTracesProtobuf(new Uint8Array(0)).spans, []);
  });

  it('the corpus examples encoded to protobuf decode as their JSON does', function () {
    if (!existsSync(OTLP)) this.skip();
    const traces = JSON.parse(readFileSync(path.join(OTLP, 'trace.json'), 'utf8'));
    assert.deepEqual(decodeTracesProtobuf(encodeTraces(traces)).spans, decodeTracesJson(traces).spans);
    const logs = JSON.parse(readFileSync(path.join(OTLP, 'logs.json'), 'utf8'));
    assert.deepEqual(decodeLogsProtobuf(encodeLogs(logs)).logs, decodeLogsJson(logs).logs);
  });

  describe('rejects bad input', () => {
    const good = encodeTraces(rich());

    it('every truncation of a valid request is an OtlpDecodeError or a shorter valid request', () => {
      let errors = 0;
      for (let n = 1; n < good.length; n++) {
        try {
          decodeTracesProtobuf(good.subarray(0, n));
        } catch (e) {
          assert.ok(e instanceof OtlpDecodeError, `cut at ${n}: ${String(e)}`);
          errors++;
        }
      }
      assert.ok(errors > good.length / 2, `only ${errors} truncations were rejected`);
    });

    it('a truncated request names the problem', () => rejects(good.subarray(0, good.length - 3), '', /invalid protobuf ExportTraceServiceRequest: index out of range/));

    it('garbage never throws anything but an OtlpDecodeError', () => {
      let seed = 42;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16) & 0xff;
      for (let i = 0; i < 300; i++) {
        const bytes = Uint8Array.from({ length: 1 + (i % 64) }, rnd);
        try {
          decodeTracesProtobuf(bytes);
          decodeLogsProtobuf(bytes);
        } catch (e) {
          assert.ok(e instanceof OtlpDecodeError, `garbage ${Buffer.from(bytes).toString('hex')}: ${String(e)}`);
        }
      }
    });

    it('an invalid wire type', () => rejects(new Uint8Array([0x0f]), '', /invalid protobuf.*wire type/));

    const oneSpan = (build: (w: ProtoWriter) => void): Uint8Array => {
      const s = new ProtoWriter();
      build(s);
      return new ProtoWriter().msg(1, new ProtoWriter().msg(2, new ProtoWriter().msg(2, s))).done();
    };
    const SPAN0 = 'resourceSpans[0].scopeSpans[0].spans[0]';
    const id = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

    it('a trace id of 15 bytes', () => rejects(oneSpan((w) => w.bytes(1, id(15)).bytes(2, id(8))), `${SPAN0}.traceId`, /16 bytes, got 15/));
    it('a span id of 9 bytes', () => rejects(oneSpan((w) => w.bytes(1, id(16)).bytes(2, id(9))), `${SPAN0}.spanId`, /8 bytes, got 9/));
    it('a missing span id leaves out that span alone (partial success)', () => {
      const out = decodeTracesProtobuf(oneSpan((w) => w.bytes(1, id(16))));
      assert.deepEqual([out.spans.length, out.rejected, out.rejectMessage], [0, 1, `${SPAN0}.spanId: is required`]);
    });
    it('an all-zero trace id leaves out that span alone', () => {
      const out = decodeTracesProtobuf(oneSpan((w) => w.bytes(1, new Array<number>(16).fill(0)).bytes(2, id(8))));
      assert.deepEqual([out.spans.length, out.rejected, out.rejectMessage], [0, 1, `${SPAN0}.traceId: is all zeros (an invalid id)`]);
    });
    it('a parent id of 4 bytes', () => rejects(oneSpan((w) => w.bytes(1, id(16)).bytes(2, id(8)).bytes(4, id(4))), `${SPAN0}.parentSpanId`, /8 bytes/));
    it('a span kind out of range', () => rejects(oneSpan((w) => w.bytes(1, id(16)).bytes(2, id(8)).uint(6, 7)), `${SPAN0}.kind`, /0\.\.5, got 7/));

    it('values nested too deep, without a stack overflow', () => {
      let v = new ProtoWriter().tag(2, 0).varint(1n);
      for (let i = 0; i < 200; i++) v = new ProtoWriter().msg(5, new ProtoWriter().msg(1, v));
      const bytes = oneSpan((w) => w.bytes(1, id(16)).bytes(2, id(8)).msg(9, new ProtoWriter().str(1, 'deep').msg(2, v)));
      assert.throws(() => decodeTracesProtobuf(bytes), (e: unknown) => e instanceof OtlpDecodeError && /nest|depth/.test(e.message));
    });
  });
});
