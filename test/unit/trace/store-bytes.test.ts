// The store's byte budget: big attribute values and log bodies are bounded by what they hold, not
// only by how many items there are (a fuzz run kept 1,000 log records with 1 MB bodies: a gigabyte).
import * as assert from 'node:assert/strict';
import { decodeLogsJson, decodeTracesJson } from '../../../src/core/trace/json';
import { decodeTracesProtobuf } from '../../../src/core/trace/protobuf';
import { DEFAULT_MAX_BYTES, TraceStore } from '../../../src/core/trace';
import { sid, tid, tracesRequest } from './helpers';
import { encodeTraces } from './pb';

const MB = 1024 * 1024;
const big = (chars: number, seed: number) => String.fromCharCode(97 + (seed % 26)).repeat(chars);

function logWithBody(trace: number, bodyChars: number) {
  return decodeLogsJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: tid(trace), spanId: sid(1), body: { stringValue: big(bodyChars, trace) } }] }] }] }).logs;
}

describe('trace store: the byte budget', () => {
  it('keeps 1 MB log bodies within maxBytes, evicting the oldest traces, and counts them', () => {
    const store = new TraceStore({ maxBytes: 8 * MB });
    for (let t = 1; t <= 20; t++) store.addLogs(logWithBody(t, MB / 2)); // 1 MB each at two bytes a character
    const stats = store.stats();
    assert.ok(stats.bytes <= 8 * MB, `${stats.bytes} bytes kept`);
    assert.ok(stats.bytes > 6 * MB, `${stats.bytes} bytes kept: the budget is used, not emptied`);
    assert.equal(stats.logs + stats.evictedLogs, 20);
    assert.ok(stats.evictedLogs >= 12, `${stats.evictedLogs} evicted`);
    // Oldest first: the newest trace is kept, the first one is gone.
    assert.ok(store.getTrace(tid(20)) || store.query({}).some((s) => s.traceId === tid(20)));
    assert.equal(store.query({}).some((s) => s.traceId === tid(1)), false);
  });

  it('bounds whole spans (OTLP/JSON) with 100 KB attributes the same way', () => {
    const store = new TraceStore({ maxBytes: 4 * MB });
    for (let t = 1; t <= 100; t++) {
      store.addSpans(decodeTracesJson(tracesRequest([{ traceId: tid(t), spanId: sid(1), attrs: { 'db.statement': big(50_000, t) } }])).spans);
    }
    const stats = store.stats();
    assert.ok(stats.bytes <= 4 * MB, `${stats.bytes} bytes kept`);
    assert.equal(stats.spans + stats.evictedSpans, 100);
    assert.ok(stats.spans >= 35 && stats.spans <= 42, `${stats.spans} spans kept of 100 KB each in 4 MiB`);
  });

  it('counts a packed (protobuf) span by its bytes', () => {
    const store = new TraceStore({ maxBytes: 2 * MB });
    // Encoded once (the test encoder is slow on big strings); each copy gets its own trace id.
    const body = Buffer.from(encodeTraces(tracesRequest([{ traceId: tid(1), spanId: sid(1), attrs: { payload: big(100_000, 1) } }])));
    const at = body.indexOf(Buffer.from(tid(1), 'hex'));
    assert.ok(at >= 0);
    for (let t = 1; t <= 40; t++) {
      const copy = Buffer.from(body);
      Buffer.from(tid(t), 'hex').copy(copy, at);
      const decoded = decodeTracesProtobuf(copy);
      store.addSpans(decoded.spans, decoded.packed!);
    }
    const stats = store.stats();
    assert.ok(stats.bytes <= 2 * MB, `${stats.bytes} bytes kept`);
    // 100 KB of protobuf bytes each (one byte a character on the wire): about 20 fit.
    assert.ok(stats.spans >= 15 && stats.spans <= 21, `${stats.spans} spans kept`);
    assert.equal(stats.spans + stats.evictedSpans, 40);
  });

  it('a resent span replaces its bytes instead of adding them; eviction gives every byte back', () => {
    const store = new TraceStore({ maxSpans: 10 });
    const one = () => decodeTracesJson(tracesRequest([{ traceId: tid(1), spanId: sid(1), attrs: { k: big(1000, 1) } }])).spans;
    store.addSpans(one());
    const once = store.stats().bytes;
    assert.ok(once > 2000, `${once} bytes for a span with a 1,000-character value`);
    store.addSpans(one());
    assert.equal(store.stats().bytes, once);
    assert.equal(store.stats().replacedSpans, 1);
    // Ten small traces push the first one and then each other out: what is kept is exactly theirs.
    for (let t = 2; t <= 30; t++) store.addSpans(decodeTracesJson(tracesRequest([{ traceId: tid(t), spanId: sid(1) }])).spans);
    const small = new TraceStore();
    for (let t = 21; t <= 30; t++) small.addSpans(decodeTracesJson(tracesRequest([{ traceId: tid(t), spanId: sid(1) }])).spans);
    assert.equal(store.stats().spans, 10);
    assert.equal(store.stats().bytes, small.stats().bytes);
  });

  it('is far above what the default span budget of SDK-sized spans takes', () => {
    const store = new TraceStore();
    assert.equal(store.maxBytes, DEFAULT_MAX_BYTES);
    const spans = decodeTracesJson(
      tracesRequest(Array.from({ length: 1000 }, (_, i) => ({ traceId: tid(1 + (i >> 4)), spanId: sid(i + 1), name: 'GET /api/orders/{id}', attrs: { 'http.request.method': 'GET', 'url.full': `http://orders:8080/api/orders/${i}`, 'http.response.status_code': 200, 'server.address': 'orders' } }))),
    ).spans;
    store.addSpans(spans);
    // 200,000 such spans (the default span budget) against the default byte budget.
    const perSpan = store.stats().bytes / 1000;
    assert.ok(perSpan * 200_000 < DEFAULT_MAX_BYTES / 2, `${perSpan.toFixed(0)} bytes a span`);
  });
});
