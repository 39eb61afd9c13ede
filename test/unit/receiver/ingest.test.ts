// The Ingest step: protobuf traces are decoded in full only when a hook wants whole spans; the
// store ends up the same either way.
import * as assert from 'node:assert/strict';
import { TraceStore, type Span } from '../../../src/core/trace';
import { Ingest } from '../../../src/receiver/ingest';
import { encodeTraces } from '../trace/pb';
import { sid, TRACE_A, tracesRequest } from '../trace/helpers';

const request = () =>
  encodeTraces(
    tracesRequest([
      { spanId: sid(1), name: 'GET /cart', service: 'frontend', attrs: { 'http.route': '/cart' } },
      { spanId: sid(2), parentSpanId: sid(1), name: 'SELECT', service: 'cart', attrs: { 'db.system': 'postgresql', rows: 3 } },
    ]),
  );

describe('Ingest', () => {
  it('hands whole spans to hooks, and stores what it stores without them', () => {
    const withHook = new Ingest(new TraceStore());
    const seen: Span[] = [];
    withHook.onSpans((spans) => seen.push(...spans));
    const bytes = request();
    const a = withHook.protobufTraces(bytes, { signal: 'traces', encoding: 'protobuf', bytes });
    assert.deepEqual([a.spans, a.accepted.rejected], [2, 0]);
    assert.deepEqual(
      seen.map((s) => [s.name, s.attributes.get('http.route') ?? s.attributes.get('db.system')]),
      [
        ['GET /cart', '/cart'],
        ['SELECT', 'postgresql'],
      ],
    );

    const plain = new Ingest(new TraceStore());
    const again = request();
    const b = plain.protobufTraces(again, { signal: 'traces', encoding: 'protobuf', bytes: again });
    assert.equal(b.spans, 2);
    assert.deepEqual(plain.store.getTrace(TRACE_A), withHook.store.getTrace(TRACE_A));
    assert.deepEqual(plain.counters, withHook.counters);
  });

  it('a hook that throws is counted, and ingest goes on', () => {
    const ingest = new Ingest(new TraceStore());
    ingest.onSpans(() => {
      throw new Error('broken viewer');
    });
    const bytes = request();
    ingest.protobufTraces(bytes, { signal: 'traces', encoding: 'protobuf', bytes });
    assert.equal(ingest.counters.hookErrors, 1);
    assert.equal(ingest.store.stats().spans, 2);
  });
});
