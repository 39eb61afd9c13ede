// Backpressure: the ingest queue (src/receiver/ingest.ts) bounds the requests and bytes the receivers
// hold at once. Past it, OTLP/HTTP answers 503 with Retry-After and OTLP/gRPC UNAVAILABLE with a
// RetryInfo, before the body is read; the real exporters' retries then get the data in, and every
// span answered 2xx is in the store or counted as evicted. The queue is filled by a request whose
// body has not finished arriving, as a slow client holds it.
import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { TraceStore } from '../../../src/core/trace';
import { startGrpcReceiver, type GrpcReceiver } from '../../../src/receiver/grpc';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { Ingest, RETRY_AFTER_SECONDS } from '../../../src/receiver/ingest';
import { decodeRpcStatus } from '../../../src/receiver/status';
import { encodeTraces } from '../trace/pb';
import { open, send } from './client';
import { exportRecorded, record } from './sdk';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };

/** An OTLP/protobuf request of `n` spans, each of its own trace (ids from `seed`). */
function request(seed: number, n = 1): Uint8Array {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: (seed * 1000 + i + 1).toString(16).padStart(32, '0'),
    spanId: (seed * 1000 + i + 1).toString(16).padStart(16, '0'),
    name: 'GET /cart',
    kind: 2,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000005000000',
  }));
  return encodeTraces({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] });
}

/**
 * Resolves when the counter `key` of the ingest is set to a value `ready` accepts: an event (the
 * counter's setter), not a poll. The receiver takes a request's headers on its own schedule.
 */
function when(ingest: Ingest, key: 'throttledRequests' | 'queuedRequests', ready: (v: number) => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    let value = ingest.counters[key];
    if (ready(value)) return resolve();
    Object.defineProperty(ingest.counters, key, {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (v: number) => {
        value = v;
        if (ready(v)) resolve();
      },
    });
  });
}

/** Every span answered 2xx is kept or counted: in the store, evicted by its budget, or replaced by a resend. */
function assertNothingLost(ingest: Ingest): void {
  const s = ingest.store.stats();
  assert.equal(ingest.counters.spans, s.spans + s.evictedSpans + s.replacedSpans, `accepted ${ingest.counters.spans} = stored ${s.spans} + evicted ${s.evictedSpans} + replaced ${s.replacedSpans}`);
}

function assertQueueEmpty(ingest: Ingest): void {
  assert.deepEqual([ingest.counters.queuedRequests, ingest.counters.queuedBytes], [0, 0], 'every ticket was given back');
}

describe('backpressure: the bounded ingest queue', () => {
  let ingest: Ingest;
  let http: HttpReceiver;
  let grpcRx: GrpcReceiver;

  async function start(queue: { maxRequests?: number; maxBytes?: number }, maxSpans?: number): Promise<void> {
    ingest = new Ingest(new TraceStore({ maxSpans }), undefined, queue);
    http = await startHttpReceiver({ port: 0, ingest });
    grpcRx = await startGrpcReceiver({ port: 0, ingest, closeGraceMs: 100 });
  }
  afterEach(async () => {
    await Promise.all([http?.close(), grpcRx?.close()]);
  });

  /** Takes a place in the queue with a request whose body has not all arrived; finish() sends the rest. */
  function holdPlace(seed: number): { finish(): Promise<number> } {
    const body = Buffer.from(request(seed));
    const { req, reply } = open(http.port, { headers: { ...PROTOBUF, 'Content-Length': body.length } });
    req.write(body.subarray(0, 1));
    return {
      finish: async () => {
        req.end(body.subarray(1));
        return (await reply).status;
      },
    };
  }

  const queued = (n: number) => when(ingest, 'queuedRequests', (v) => v >= n);
  const nextThrottle = () => {
    const now = ingest.counters.throttledRequests;
    return when(ingest, 'throttledRequests', (v) => v > now);
  };

  it('OTLP/HTTP: a full queue answers 503 with Retry-After and a google.rpc.Status saying so, before reading the body', async () => {
    await start({ maxRequests: 1 });
    const held = holdPlace(1);
    await queued(1);
    const refused = await send(http.port, { headers: PROTOBUF, body: request(2) });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], String(RETRY_AFTER_SECONDS));
    const status = decodeRpcStatus(refused.body);
    assert.equal(status.code, 14, 'UNAVAILABLE');
    assert.equal(status.retryDelaySeconds, RETRY_AFTER_SECONDS);
    assert.match(status.message, /ingest queue is full/);
    const json = await send(http.port, { headers: { 'Content-Type': 'application/json' }, body: '{"resourceSpans":[]}' });
    assert.equal(json.status, 503);
    assert.equal(json.headers['retry-after'], String(RETRY_AFTER_SECONDS));
    assert.equal((JSON.parse(json.body.toString()) as { code: number }).code, 14);
    assert.equal(ingest.counters.throttledRequests, 2);
    assert.deepEqual(http.stats.rejected, { 503: 2 });
    assert.equal(ingest.store.stats().spans, 0, 'nothing of the refused requests was taken');

    assert.equal(await held.finish(), 200);
    assert.equal((await send(http.port, { headers: PROTOBUF, body: request(3) })).status, 200, 'the place is free again');
    assert.equal(ingest.store.stats().spans, 2);
    // A resend (an exporter that timed out on an answer that was on its way) replaces, and is counted.
    assert.equal((await send(http.port, { headers: PROTOBUF, body: request(3) })).status, 200);
    assert.deepEqual([ingest.counters.spans, ingest.store.stats().spans, ingest.store.stats().replacedSpans], [3, 2, 1]);
    assertNothingLost(ingest);
    assertQueueEmpty(ingest);
  });

  it('OTLP/HTTP: the byte bound refuses a declared length that does not fit, and a chunked body once it overfills', async () => {
    const big = request(2, 20);
    await start({ maxBytes: request(1).length + big.length - 1 });
    const held = holdPlace(1);
    await queued(1);
    assert.equal((await send(http.port, { headers: PROTOBUF, body: big })).status, 503, 'declared length over what is left');
    // No Content-Length: counted as it arrives; the chunk that overfills ends it.
    const chunked = open(http.port, { headers: { ...PROTOBUF, 'Transfer-Encoding': 'chunked' } });
    chunked.req.write(Buffer.from(big));
    const r = await chunked.reply;
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], String(RETRY_AFTER_SECONDS));
    assert.equal(r.headers.connection, 'close', 'the rest of a body of unknown length is not read');
    chunked.req.destroy();
    assert.equal(ingest.counters.throttledRequests, 2);
    assert.equal(await held.finish(), 200);
    // Alone in the queue, a body larger than the whole byte bound still gets in: never refused for good.
    const huge = request(3, 200);
    assert.ok(huge.length > ingest.maxQueuedBytes);
    assert.equal((await send(http.port, { headers: PROTOBUF, body: huge })).status, 200);
    assert.ok(ingest.counters.peakQueuedBytes >= huge.length);
    assertNothingLost(ingest);
    assertQueueEmpty(ingest);
  });

  for (const [name, make] of [
    ['exporter-trace-otlp-proto', (url: string) => new ProtoExporter({ url })],
    ['exporter-trace-otlp-http (JSON)', (url: string) => new JsonExporter({ url })],
  ] as const) {
    it(`${name}: refused with 503, it waits Retry-After and sends again; every span arrives`, async () => {
      await start({ maxRequests: 1 });
      const held = holdPlace(1);
      await queued(1);
      const throttled = nextThrottle();
      const exported = exportRecorded(make(`http://127.0.0.1:${http.port}/v1/traces`));
      await throttled;
      assert.equal(ingest.store.stats().spans, 0);
      assert.equal(await held.finish(), 200);
      const recorded = await exported;
      assert.ok(http.stats.rejected[503] >= 1);
      // The held request's span, then the exporter's, field for field.
      const store = ingest.store;
      assert.equal(store.stats().spans, recorded.length + 1);
      for (const want of recorded) assert.ok(store.getTrace(want.spanContext().traceId)?.spans.some((n) => n.span.spanId === want.spanContext().spanId), want.name);
      assertNothingLost(ingest);
      assertQueueEmpty(ingest);
    });
  }

  it('OTLP/gRPC: a full queue (shared with OTLP/HTTP) answers UNAVAILABLE with RetryInfo; the OpenTelemetry JS exporter reports it', async () => {
    await start({ maxRequests: 1 });
    const held = holdPlace(1);
    await queued(1);
    // The JS gRPC exporter does not retry (unlike its HTTP siblings): the failed export is what its app sees.
    const memory = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    await record(provider);
    const spans = memory.getFinishedSpans();
    const exporter = new GrpcExporter({ url: `http://127.0.0.1:${grpcRx.port}` });
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => exporter.export(spans, resolve));
    await exporter.shutdown();
    await provider.shutdown();
    assert.equal(result.code, ExportResultCode.FAILED);
    const err = result.error as grpc.ServiceError;
    assert.equal(err.code, grpc.status.UNAVAILABLE);
    assert.match(err.details, /ingest queue is full/);
    const details = err.metadata.get('grpc-status-details-bin')[0] as Buffer;
    assert.deepEqual(decodeRpcStatus(details), { code: grpc.status.UNAVAILABLE, message: err.details, retryDelaySeconds: RETRY_AFTER_SECONDS });
    assert.deepEqual(grpcRx.stats.rejected, { [grpc.status.UNAVAILABLE]: 1 });
    assert.equal(ingest.counters.throttledRequests, 1);
    assert.equal(await held.finish(), 200);
    assertNothingLost(ingest);
    assertQueueEmpty(ingest);
  });

  it('OTLP/gRPC: a grpc-js client with a retry policy waits the pushback and gets the data in', async () => {
    await start({ maxRequests: 1 });
    const held = holdPlace(1);
    await queued(1);
    const serviceConfig = {
      methodConfig: [
        {
          name: [{ service: 'opentelemetry.proto.collector.trace.v1.TraceService' }],
          retryPolicy: { maxAttempts: 5, initialBackoff: '0.05s', maxBackoff: '2s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] },
        },
      ],
    };
    const client = new grpc.Client(`127.0.0.1:${grpcRx.port}`, grpc.credentials.createInsecure(), { 'grpc.service_config': JSON.stringify(serviceConfig) });
    try {
      const throttled = nextThrottle();
      const pass = (b: Buffer): Buffer => b;
      const started = Date.now();
      const call = new Promise<grpc.ServiceError | null>((resolve) => client.makeUnaryRequest(TRACES, pass, pass, Buffer.from(request(2, 3)), (err) => resolve(err)));
      await throttled;
      assert.equal(await held.finish(), 200);
      assert.equal(await call, null);
      // The retry waited the server's pushback, not the policy's 50 ms backoff.
      assert.ok(Date.now() - started >= RETRY_AFTER_SECONDS * 1000 - 50, `retried after ${Date.now() - started} ms`);
      assert.equal(ingest.store.stats().spans, 4);
      assert.ok(grpcRx.stats.rejected[grpc.status.UNAVAILABLE] >= 1);
    } finally {
      client.close();
    }
    assertNothingLost(ingest);
    assertQueueEmpty(ingest);
  });

  it('OTLP/gRPC: a message too large for grpc-js, and calls that end any way, give their place back', async () => {
    ingest = new Ingest(new TraceStore(), undefined, { maxRequests: 2 });
    grpcRx = await startGrpcReceiver({ port: 0, ingest, maxMessageBytes: 1024, closeGraceMs: 100 });
    http = await startHttpReceiver({ port: 0, ingest });
    const client = new grpc.Client(`127.0.0.1:${grpcRx.port}`, grpc.credentials.createInsecure());
    const pass = (b: Buffer): Buffer => b;
    const unary = (bytes: Uint8Array) => new Promise<grpc.ServiceError | null>((resolve) => client.makeUnaryRequest(TRACES, pass, pass, Buffer.from(bytes), (err) => resolve(err)));
    try {
      assert.equal((await unary(request(1, 100)))?.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.equal((await unary(Buffer.from([0xff, 0xff])))?.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(await unary(request(2)), null);
      // grpc-js gives the place of a call it refused itself back a tick after its status.
      await when(ingest, 'queuedRequests', (v) => v === 0);
      assertQueueEmpty(ingest);
      assert.equal(ingest.counters.peakQueuedRequests, 1);
    } finally {
      client.close();
    }
  });

  it('under a flood, accepted = stored + evicted, the queue never holds more than its bound, and it drains', async () => {
    await start({ maxRequests: 4 }, 50);
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => send(http.port, { headers: PROTOBUF, body: request(10 + i, 5) }).then((r) => r.status)));
    const ok = statuses.filter((s) => s === 200).length;
    assert.equal(ok + statuses.filter((s) => s === 503).length, 40, `only 200 or 503: ${statuses.join(',')}`);
    assert.equal(ingest.counters.spans, ok * 5);
    assert.ok(ok >= 4, `${ok} taken`);
    assert.ok(ingest.counters.peakQueuedRequests <= 4);
    assert.equal(ingest.counters.throttledRequests, 40 - ok);
    assert.ok(ingest.store.stats().evictedSpans > 0, 'the store budget took part');
    assertNothingLost(ingest);
    assertQueueEmpty(ingest);
  });

  it('a thread behind for seconds refuses new requests as overloaded; one long stall does not; back on time, it takes them again', async () => {
    await start({});
    const post = () => send(http.port, { headers: PROTOBUF, body: request(++seed) });
    let seed = 100;
    /** Keeps this thread busy for `ms`, as a saturated receiver's decoding does. */
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const nextTurn = () => new Promise((r) => setTimeout(r, 0));
    assert.equal((await post()).status, 200, 'starts the watch');
    busy(1600);
    await nextTurn();
    assert.equal((await post()).status, 200, 'one long stall is not overload');
    for (let i = 0; i < 3; i++) {
      busy(1250);
      await nextTurn();
    }
    const refused = await post();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], String(RETRY_AFTER_SECONDS));
    assert.match(decodeRpcStatus(refused.body).message, /overloaded/);
    // On time again: the next ticks are not late, and requests are taken.
    await new Promise((r) => setTimeout(r, 350));
    assert.equal((await post()).status, 200);
    assert.equal(ingest.counters.throttledRequests, 1);
    assertNothingLost(ingest);
    assertQueueEmpty(ingest);
  });

  it('ingest queue bounds must be positive', () => {
    assert.throws(() => new Ingest(new TraceStore(), undefined, { maxRequests: 0 }), RangeError);
    assert.throws(() => new Ingest(new TraceStore(), undefined, { maxBytes: -1 }), RangeError);
  });
});
