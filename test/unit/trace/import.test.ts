import * as assert from 'node:assert/strict';
import { encodeLogsJson, encodeTracesJson, importTraceFile, OtlpDecodeError, SpanKind, StatusCode, decodeTracesJson } from '../../../src/core/trace';
import { sid, TRACE_A, TRACE_B, tracesRequest } from './helpers';

// A trace as Jaeger UI's "Download JSON" (and GET /api/traces/{id}) gives it: a 64-bit trace id,
// typed tags, process table, CHILD_OF and FOLLOWS_FROM references, logs with an `event` field.
function jaegerTrace(): Record<string, unknown> {
  return {
    data: [
      {
        traceID: '5b8efff798038103',
        spans: [
          {
            traceID: '5b8efff798038103',
            spanID: 'eee19b7ec3c1b174',
            operationName: 'HTTP GET /dispatch',
            references: [],
            flags: 1,
            startTime: 1544712660000000,
            duration: 1000000,
            tags: [
              { key: 'span.kind', type: 'string', value: 'server' },
              { key: 'http.status_code', type: 'int64', value: 200 },
              { key: 'sampler.param', type: 'bool', value: true },
              { key: 'otel.scope.name', type: 'string', value: 'hotrod' },
            ],
            logs: [{ timestamp: 1544712660100000, fields: [{ key: 'event', type: 'string', value: 'customer loaded' }, { key: 'weight', type: 'float64', value: 0.5 }] }],
            processID: 'p1',
            warnings: null,
          },
          {
            traceID: '5b8efff798038103',
            spanID: '00000000000000a1',
            operationName: 'SQL SELECT',
            references: [
              { refType: 'CHILD_OF', traceID: '5b8efff798038103', spanID: 'eee19b7ec3c1b174' },
              { refType: 'FOLLOWS_FROM', traceID: '4bf92f3577b34da6a3ce929d0e0e4736', spanID: '00f067aa0ba902b7' },
            ],
            startTime: 1544712660200000,
            duration: 300000,
            tags: [
              { key: 'span.kind', type: 'string', value: 'client' },
              { key: 'error', type: 'bool', value: true },
              { key: 'otel.status_description', type: 'string', value: 'deadlock' },
              { key: 'payload', type: 'binary', value: 'AQL/' },
            ],
            logs: [],
            processID: 'p2',
          },
          {
            traceID: '5b8efff798038103',
            spanID: '00000000000000a2',
            operationName: 'cache',
            references: [{ refType: 'CHILD_OF', traceID: '5b8efff798038103', spanID: 'eee19b7ec3c1b174' }],
            startTime: 1544712660300000,
            duration: 1000,
            tags: [{ key: 'otel.status_code', type: 'string', value: 'ERROR' }, { key: 'otel.status_description', type: 'string', value: 'miss' }],
            processID: 'p1',
          },
        ],
        processes: {
          p1: { serviceName: 'frontend', tags: [{ key: 'hostname', type: 'string', value: 'web-1' }, { key: 'ip', type: 'string', value: '10.0.0.1' }] },
          p2: { serviceName: 'mysql', tags: [] },
        },
        warnings: null,
      },
    ],
    total: 0,
    limit: 0,
    offset: 0,
    errors: null,
  };
}

function fails(text: string, path: string, problem: RegExp, fileName?: string, maxBytes?: number): void {
  assert.throws(
    () => importTraceFile(text, fileName, { maxBytes }),
    (e: unknown) => {
      assert.ok(e instanceof OtlpDecodeError, String(e));
      assert.equal(e.path, path);
      assert.match(e.problem, problem);
      return true;
    },
  );
}

describe('trace file import', () => {
  const otlp = JSON.stringify(tracesRequest([{ spanId: sid(1) }, { spanId: sid(2), parentSpanId: sid(1), service: 'cart' }]));

  it('reads an OTLP/JSON request, pretty-printed or not', () => {
    const out = importTraceFile(JSON.stringify(JSON.parse(otlp), null, 2), 'trace.json');
    assert.equal(out.format, 'otlp-json');
    assert.deepEqual(out.spans, decodeTracesJson(otlp).spans);
    assert.equal(out.logs.length, 0);
  });

  it('reads OTLP JSON Lines with traces and logs, as the file exporter writes them', () => {
    const spans = decodeTracesJson(otlp).spans;
    const logs = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: { stringValue: 'hi' }, traceId: TRACE_A, spanId: sid(1) }] }] }],
    });
    const metrics = JSON.stringify({ resourceMetrics: [] });
    const text = `${encodeTracesJson(spans)}\n${metrics}\n\n${logs}\n${JSON.stringify(tracesRequest([{ spanId: sid(3), traceId: TRACE_B }]))}\n`;
    const out = importTraceFile(text, 'traces.jsonl');
    assert.equal(out.format, 'otlp-jsonl');
    assert.deepEqual(out.spans.map((s) => s.spanId), [sid(1), sid(2), sid(3)]);
    assert.equal(out.logs.length, 1);
    assert.equal(encodeLogsJson(out.logs).includes('"hi"'), true);
    // One line alone is JSON Lines when the file name says so.
    assert.equal(importTraceFile(encodeTracesJson(spans), 'x.jsonl').format, 'otlp-jsonl');
  });

  it('names the line of an error in JSON Lines, and of a span left out', () => {
    const bad = JSON.stringify(tracesRequest([{ spanId: 'nothex' }]));
    const lines = [otlp, otlp, bad].join('\n');
    fails(lines, 'line 3: resourceSpans[0].scopeSpans[0].spans[0].spanId', /16 hex digits/);
    fails(`${otlp}\n{"resourceSpans": [}\n`, 'line 2', /invalid JSON/);
    fails(`${otlp}\n{"spans": []}\n`, 'line 2', /expected an OTLP\/JSON request/);
    const missing = JSON.stringify(tracesRequest([{ spanId: '' }]));
    const out = importTraceFile(`${otlp}\n${missing}`);
    assert.equal(out.rejected, 1);
    assert.equal(out.rejectMessage, 'line 2: resourceSpans[0].scopeSpans[0].spans[0].spanId: is required');
  });

  it('reads Jaeger JSON as the collector maps it', () => {
    const out = importTraceFile(JSON.stringify(jaegerTrace()), 'trace-5b8efff798038103.json');
    assert.equal(out.format, 'jaeger');
    const [server, sql, cache] = out.spans;
    assert.equal(server.traceId, '00000000000000005b8efff798038103');
    assert.equal(server.kind, SpanKind.SERVER);
    assert.equal(server.parentSpanId, undefined);
    assert.equal(server.startUnixNano, 1544712660000000000n);
    assert.equal(server.durationNs, 1000000000n);
    assert.deepEqual([...server.attributes], [['http.status_code', 200n], ['sampler.param', true]]);
    assert.equal(server.scope.name, 'hotrod');
    assert.deepEqual(server.events, [{ name: 'customer loaded', timeUnixNano: 1544712660100000000n, attributes: new Map([['weight', 0.5]]), droppedAttributesCount: 0 }]);
    assert.deepEqual([...server.resource.attributes], [['service.name', 'frontend'], ['hostname', 'web-1'], ['ip', '10.0.0.1']]);
    assert.equal(server.resource, cache.resource);
    assert.equal(sql.resource.serviceName, 'mysql');

    assert.equal(sql.kind, SpanKind.CLIENT);
    assert.equal(sql.parentSpanId, 'eee19b7ec3c1b174');
    assert.deepEqual(sql.status, { code: StatusCode.ERROR, message: 'deadlock' });
    assert.deepEqual(sql.attributes.get('payload'), Uint8Array.of(1, 2, 255));
    assert.equal(sql.links.length, 1);
    assert.equal(sql.links[0].traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(sql.links[0].attributes.get('opentracing.ref_type'), 'follows_from');

    assert.equal(cache.kind, SpanKind.UNSPECIFIED);
    assert.deepEqual(cache.status, { code: StatusCode.ERROR, message: 'miss' });
    assert.equal(cache.attributes.size, 0);
  });

  it('rejects bad Jaeger JSON with the path', () => {
    const t = jaegerTrace() as { data: { spans: Record<string, unknown>[] }[] };
    t.data[0].spans[1].processID = 'p9';
    fails(JSON.stringify(t), 'data[0].spans[1].processID', /not one of the trace's processes/);
    const u = jaegerTrace() as typeof t;
    u.data[0].spans[0].tags = [{ key: 'n', type: 'int64', value: 'ten' }];
    fails(JSON.stringify(u), 'data[0].spans[0].tags[0].value', /integer/);
    const v = jaegerTrace() as typeof t;
    v.data[0].spans[2].references = [{ refType: 'PARENT', traceID: '1', spanID: '2' }];
    fails(JSON.stringify(v), 'data[0].spans[2].references[0].refType', /CHILD_OF or FOLLOWS_FROM/);
  });

  it('reads a Zipkin JSON array', () => {
    const out = importTraceFile(JSON.stringify([{ traceId: TRACE_A, id: sid(7), name: 'get', timestamp: 1, duration: 2, localEndpoint: { serviceName: 'web' } }]));
    assert.equal(out.format, 'zipkin');
    assert.equal(out.spans[0].resource.serviceName, 'web');
  });

  it('refuses what it does not read, saying which formats it does', () => {
    fails('', '', /empty.*OTLP\/JSON.*JSON Lines.*Jaeger.*Zipkin/);
    fails('{"hello": 1}', '', /not a trace file.*OTLP\/JSON.*Jaeger JSON.*Zipkin v2 JSON/);
    fails('<html>', '', /invalid JSON.*expected OTLP\/JSON/);
    fails('42', '', /not a trace file/);
  });

  it('refuses a file over the size limit before parsing it', () => {
    fails(otlp, '', new RegExp(`the file is ${otlp.length} bytes, over the import limit of 100 bytes`), 'big.json', 100);
    // Multi-byte text is measured in UTF-8 bytes.
    fails(`["${'é'.repeat(40)}"]`, '', /84 bytes, over the import limit of 83/, undefined, 83);
    assert.equal(importTraceFile(otlp, undefined, { maxBytes: otlp.length }).spans.length, 2);
  });
});
