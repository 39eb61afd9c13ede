import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeLogsJson, decodeTracesJson } from '../../../src/core/trace/json';
import { decodeLogsProtobuf, decodeTraceHeadsProtobuf, decodeTracesProtobuf } from '../../../src/core/trace/protobuf';
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

/**
 * What ingest keeps of a request: the heads mode must accept and reject exactly what the full mode
 * does (same error, same spans left out, same byte ranges), building less.
 */
describe('OTLP/protobuf heads mode agrees with the full decoder', () => {
  function outcome(bytes: Uint8Array, heads: boolean): unknown {
    try {
      if (heads) {
        const d = decodeTraceHeadsProtobuf(bytes);
        return { spans: d.heads.map(head), ranges: d.packed.ranges, rejected: d.rejected, why: d.rejectMessage };
      }
      const d = decodeTracesProtobuf(bytes);
      return { spans: d.spans.map(head), ranges: d.packed?.ranges, rejected: d.rejected, why: d.rejectMessage };
    } catch (e) {
      return { error: e instanceof OtlpDecodeError ? e.message : `not an OtlpDecodeError: ${String(e)}` };
    }
  }
  const head = (s: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; startUnixNano: bigint; endUnixNano: bigint; status: object; resource: object; scope: object }) => [
    s.traceId, s.spanId, s.parentSpanId, s.name, s.kind, s.startUnixNano, s.endUnixNano, s.status, s.resource, s.scope,
  ];
  const agree = (bytes: Uint8Array, what: string) => assert.deepEqual(outcome(bytes, true), outcome(bytes, false), what);

  it('on valid requests (every field and value kind, generated, the corpus)', function () {
    agree(encodeTraces(rich()), 'rich');
    agree(encodeTraces(tracesRequest([{ spanId: sid(1), attrs: { a: 'x', n: 3, f: 1.5, ok: true } }, { spanId: sid(2), parentSpanId: sid(1), error: true }])), 'generated');
    if (existsSync(OTLP)) agree(encodeTraces(JSON.parse(readFileSync(path.join(OTLP, 'trace.json'), 'utf8'))), 'corpus trace.json');
  });

  it('on every truncation of a valid request', () => {
    const good = encodeTraces(rich());
    for (let n = 1; n < good.length; n++) agree(good.subarray(0, n), `cut at ${n}`);
  });

  it('on random byte flips of a valid request (wire types, lengths, UTF-8, ids)', () => {
    const good = encodeTraces(rich());
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 8) / 0x800000;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from(good);
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      agree(bytes, `flip ${i}`);
    }
  });

  it('on invalid UTF-8 in an attribute, a link with a zero id, and nesting too deep', () => {
    const span = (build: (w: ProtoWriter) => void): Uint8Array => {
      const w = new ProtoWriter().bytes(1, Array.from({ length: 16 }, (_, i) => i + 1)).bytes(2, Array.from({ length: 8 }, (_, i) => i + 1));
      build(w);
      return new ProtoWriter().msg(1, new ProtoWriter().msg(2, new ProtoWriter().msg(2, w))).done();
    };
    agree(span((w) => w.msg(9, new ProtoWriter().str(1, 'k').msg(2, new ProtoWriter().bytes(1, [0xc3, 0x28])))), 'bad UTF-8 value');
    agree(span((w) => w.msg(9, new ProtoWriter().bytes(1, [0xff]).msg(2, new ProtoWriter().str(1, 'v')))), 'bad UTF-8 key');
    agree(span((w) => w.msg(9, new ProtoWriter().str(1, 'k').msg(2, new ProtoWriter().str(1, 'naïve ✓')))), 'good UTF-8');
    agree(span((w) => w.msg(13, new ProtoWriter().bytes(1, new Array<number>(16).fill(0)).bytes(2, [1, 2, 3, 4, 5, 6, 7, 8]))), 'zero link trace id');
    let v = new ProtoWriter().tag(2, 0).varint(1n);
    for (let i = 0; i < 200; i++) v = new ProtoWriter().msg(5, new ProtoWriter().msg(1, v));
    agree(span((w) => w.msg(9, new ProtoWriter().str(1, 'deep').msg(2, v))), 'deep');
    const long = new ProtoWriter().tag(3, 0);
    long.parts.push(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    agree(span((w) => w.msg(9, new ProtoWriter().str(1, 'i').msg(2, long))), 'an 11-byte varint');
  });
});
