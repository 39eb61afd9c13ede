// The protocol's JSON must carry the model without loss: exact nanoseconds, int64 beyond 2^53,
// bytes, nested kvlists, non-finite doubles; and survive JSON.stringify/parse unchanged.
import { strict as assert } from 'node:assert';
import { ChangeCoalescer, decodeLogsJson, decodeTracesJson, toAttrValueDto, toBase64, toStatsDto, toSummaryDto, toTraceDto, TraceStore, type StoreChange } from '../../../src/core/trace';
import type { AttrValueDto } from '../../../src/shared/protocol';
import { TRACE_A } from './helpers';

const START = '1700000000123456789'; // not representable as a double
const END = '1700000000223456790';
const INT_MAX = '9223372036854775807';
const INT_MIN = '-9223372036854775808';

function request(): object {
  const attrs = [
    { key: 'int.max', value: { intValue: INT_MAX } },
    { key: 'int.min', value: { intValue: INT_MIN } },
    { key: 'dbl', value: { doubleValue: 1.5 } },
    { key: 'nan', value: { doubleValue: 'NaN' } },
    { key: 'bytes', value: { bytesValue: '3q2+7w==' } },
    { key: '__proto__', value: { stringValue: 'p' } },
    { key: 'arr', value: { arrayValue: { values: [{ intValue: '1' }, { boolValue: true }, {}] } } },
    { key: 'map', value: { kvlistValue: { values: [{ key: 'inner', value: { intValue: INT_MAX } }] } } },
  ];
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] };
  return {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope: { name: 'lib', version: '1.0' },
            spans: [
              { traceId: TRACE_A, spanId: '00000000000000a1', name: 'root', kind: 2, startTimeUnixNano: START, endTimeUnixNano: END, attributes: attrs, events: [{ name: 'ev', timeUnixNano: START }] },
              { traceId: TRACE_A, spanId: '00000000000000a2', parentSpanId: '00000000000000a1', name: 'child', kind: 3, startTimeUnixNano: START, endTimeUnixNano: START },
              { traceId: TRACE_A, spanId: '00000000000000a3', parentSpanId: '00000000000000ff', name: 'orphan', startTimeUnixNano: END, endTimeUnixNano: END },
            ],
          },
        ],
      },
    ],
  };
}

function storeWithTrace(): TraceStore {
  const store = new TraceStore();
  store.addSpans(decodeTracesJson(request()).spans);
  store.addLogs(
    decodeLogsJson({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: START, body: { intValue: INT_MIN }, traceId: TRACE_A, spanId: '00000000000000a2' },
                { timeUnixNano: END, body: { stringValue: 'lost' }, traceId: TRACE_A, spanId: '0000000000000bad' },
              ],
            },
          ],
        },
      ],
    }).logs,
  );
  return store;
}

describe('trace DTOs (src/core/trace/dto.ts)', () => {
  it('keeps nanosecond times exact as decimal strings, next to ms numbers', () => {
    const dto = toTraceDto(storeWithTrace().getTrace(TRACE_A)!);
    const root = dto.spans[0];
    assert.equal(root.startUnixNano, START);
    assert.equal(root.endUnixNano, END);
    assert.equal(BigInt(root.durationNs), BigInt(END) - BigInt(START));
    assert.equal(root.durationMs, 100.000001);
    assert.equal(dto.summary.startUnixNano, START);
    assert.equal(root.events[0].timeUnixNano, START);
    assert.equal(typeof root.startUnixMs, 'number');
  });

  it('encodes every attribute kind losslessly, in order, as {key, value} lists', () => {
    const root = toTraceDto(storeWithTrace().getTrace(TRACE_A)!).spans[0];
    const expected: [string, AttrValueDto][] = [
      ['int.max', { int: INT_MAX }],
      ['int.min', { int: INT_MIN }],
      ['dbl', 1.5],
      ['nan', { double: 'NaN' }],
      ['bytes', { bytes: '3q2+7w==' }],
      ['__proto__', 'p'],
      ['arr', [{ int: '1' }, true, null]],
      ['map', { kvlist: [{ key: 'inner', value: { int: INT_MAX } }] }],
    ];
    assert.deepEqual(root.attributes, expected.map(([key, value]) => ({ key, value })));
    assert.equal(BigInt((root.attributes[0].value as { int: string }).int), 2n ** 63n - 1n);
  });

  it('survives JSON.stringify/parse unchanged (nothing bigint, undefined or Map left)', () => {
    const dto = toTraceDto(storeWithTrace().getTrace(TRACE_A)!);
    assert.deepEqual(JSON.parse(JSON.stringify(dto)), dto);
  });

  it('places spans depth-first with depth, orphan and logs; shares one resource and scope', () => {
    const dto = toTraceDto(storeWithTrace().getTrace(TRACE_A)!);
    assert.deepEqual(
      dto.spans.map((s) => [s.name, s.depth, s.orphan, s.parentSpanId, s.kindName, s.resource, s.scope]),
      [
        ['root', 0, false, undefined, 'SERVER', 0, 0],
        ['child', 1, false, '00000000000000a1', 'CLIENT', 0, 0],
        ['orphan', 0, true, '00000000000000ff', 'UNSPECIFIED', 0, 0],
      ],
    );
    assert.ok(!('parentSpanId' in dto.spans[0]), 'an absent parent is left out, not null');
    assert.equal(dto.resources[0].serviceName, 'checkout');
    assert.deepEqual(dto.scopes.map((s) => [s.name, s.version]), [['lib', '1.0'], ['', '']]);
    assert.deepEqual(dto.spans[1].logs.map((l) => l.body), [{ int: INT_MIN }]);
    assert.deepEqual(dto.unattachedLogs.map((l) => [l.body, l.spanId]), [['lost', '0000000000000bad']]);
    // Logs came in their own resourceLogs and scopeLogs: second entries.
    assert.equal(dto.resources.length, 2);
    assert.equal(dto.spans[1].logs[0].resource, 1);
  });

  it('carries the clock-skew correction: exact signed delta, adjusted start, the warnings', () => {
    // frontend's GET /cart lasts 100 ms from START; checkout, on another machine, stamped its server
    // span 150 ms + 7 ns later (40 ms long). It is centred in its parent: moved back 120 ms + 7 ns, a
    // delta a double cannot hold next to START but the decimal string keeps exactly.
    const at = (plusNs: bigint) => String(BigInt(START) + plusNs);
    const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: service } }] });
    const store = new TraceStore();
    store.addSpans(
      decodeTracesJson({
        resourceSpans: [
          { resource: resource('frontend'), scopeSpans: [{ spans: [{ traceId: TRACE_A, spanId: '00000000000000b1', name: 'GET /cart', kind: 3, startTimeUnixNano: START, endTimeUnixNano: at(100_000_000n) }] }] },
          {
            resource: resource('checkout'),
            scopeSpans: [{ spans: [{ traceId: TRACE_A, spanId: '00000000000000b2', parentSpanId: '00000000000000b1', name: 'GET /cart', kind: 2, startTimeUnixNano: at(150_000_007n), endTimeUnixNano: at(190_000_007n) }] }],
          },
        ],
      }).spans,
    );
    const dto = toTraceDto(store.getTrace(TRACE_A)!);
    const [client, server] = dto.spans;
    assert.deepEqual([client.skewNs, client.skewMs, client.adjustedStartUnixNano, client.adjustedStartUnixMs], ['0', 0, START, client.startUnixMs]);
    assert.equal(server.skewNs, '-120000007');
    assert.equal(server.skewMs, -120.000007);
    assert.equal(server.startUnixNano, at(150_000_007n), 'the received start is left as it came');
    assert.equal(server.adjustedStartUnixNano, at(30_000_000n));
    assert.equal(BigInt(server.adjustedStartUnixNano), BigInt(server.startUnixNano) + BigInt(server.skewNs));
    assert.ok(Math.abs(server.adjustedStartUnixMs - (server.startUnixMs + server.skewMs)) < 1e-3, 'ms: a double near 1.7e12 is exact to ~0.2 µs');
    assert.deepEqual(dto.warnings, ['checkout GET /cart: shifted -120.0 ms for clock skew against its parent in frontend']);
    assert.deepEqual(JSON.parse(JSON.stringify(dto)), dto);
  });

  it('a trace without skew has "0" on every span and no warnings', () => {
    const dto = toTraceDto(storeWithTrace().getTrace(TRACE_A)!);
    assert.deepEqual(dto.warnings, []);
    for (const s of dto.spans) assert.deepEqual([s.skewNs, s.skewMs, s.adjustedStartUnixNano, s.adjustedStartUnixMs], ['0', 0, s.startUnixNano, s.startUnixMs], s.name);
  });

  it('summaries and stats are JSON-safe', () => {
    const store = storeWithTrace();
    const sum = toSummaryDto(store.query()[0]);
    assert.equal(sum.startUnixNano, START);
    assert.deepEqual(JSON.parse(JSON.stringify(sum)), sum);
    const stats = toStatsDto(store.stats(), { spans: 3, logs: 2, rejectedSpans: 0, rejectedLogs: 0, hookErrors: 0, throttledRequests: 0, queuedRequests: 0, queuedBytes: 0, peakQueuedRequests: 0, peakQueuedBytes: 0 });
    assert.equal(stats.store.spans, 3);
    assert.equal(stats.ingest?.logs, 2);
    assert.ok(!('receivers' in stats));
  });

  it('non-finite and negative-zero doubles, which JSON cannot carry, are tagged', () => {
    assert.deepEqual(toAttrValueDto(Infinity), { double: 'Infinity' });
    assert.deepEqual(toAttrValueDto(-Infinity), { double: '-Infinity' });
    assert.deepEqual(toAttrValueDto(-0), { double: '-0' });
    assert.equal(toAttrValueDto(0), 0);
  });

  it('base64 matches Node for large and odd-length inputs', () => {
    const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7919) & 0xff);
    assert.equal(toBase64(big), Buffer.from(big).toString('base64'));
    assert.equal(toBase64(new Uint8Array([0xff])), '/w==');
    assert.equal(toBase64(new Uint8Array()), '');
  });
});

describe('ChangeCoalescer (one live message per window)', () => {
  const stats = new TraceStore().stats();
  const change = (added: string[], updated: string[], evicted: string[]): StoreChange => ({ added, updated, evicted, stats });

  it('nothing pending: no message', () => {
    assert.equal(new ChangeCoalescer().take(), undefined);
  });

  it('merges a window: added then updated stays added; each id in one list', () => {
    const c = new ChangeCoalescer();
    c.add(change(['a'], [], []));
    c.add(change([], ['a', 'b'], []));
    assert.deepEqual(c.take(), { type: 'changed', added: ['a'], updated: ['b'], evicted: [], stats });
    assert.equal(c.take(), undefined, 'the window is reset');
  });

  it('added and evicted in one window is reported only as evicted', () => {
    const c = new ChangeCoalescer();
    c.add(change(['a', 'b'], [], ['a'])); // one batch over the budget
    c.add(change([], ['b'], ['b']));
    assert.deepEqual(c.take(), { type: 'changed', added: [], updated: [], evicted: ['a', 'b'], stats });
  });

  it('evicted then back: added if it was new in the window, updated if the viewer knew it', () => {
    const c = new ChangeCoalescer();
    c.add(change(['new'], [], ['new', 'known']));
    c.add(change(['new', 'known'], [], []));
    assert.deepEqual(c.take(), { type: 'changed', added: ['new'], updated: ['known'], evicted: [], stats });
  });
});
