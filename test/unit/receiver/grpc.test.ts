// The OTLP/gRPC receiver: the real OpenTelemetry gRPC exporter (gzip on and off) field by field,
// and the error paths with a raw grpc-js client that sends bytes as they are.
import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ExportTraceServiceResponse, TraceStore } from '../../../src/core/trace';
import { startGrpcReceiver, type GrpcReceiver } from '../../../src/receiver/grpc';
import { ReceiverListenError } from '../../../src/receiver/http';
import { encodeLogs, encodeTraces } from '../trace/pb';
import { assertSpansStored, exportRecorded, GZIP, startGrpcSniffer } from './sdk';

const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const TRACE = '0af7651916cd43dd8448eb211c80319c';

function tracesJson(spanIds: string[]): object {
  const spans = spanIds.map((spanId) => ({ traceId: TRACE, spanId, name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000005000000' }));
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
}

type Reply = { err: grpc.ServiceError | null; body?: Buffer };

describe('OTLP/gRPC receiver', () => {
  let store: TraceStore;
  let rx: GrpcReceiver;
  let client: grpc.Client;
  let spanNo = 0;

  beforeEach(async () => {
    store = new TraceStore();
    rx = await startGrpcReceiver({ port: 0, ingest: store, maxMessageBytes: 64 * 1024 });
    client = new grpc.Client(`127.0.0.1:${rx.port}`, grpc.credentials.createInsecure());
  });
  afterEach(async () => {
    client.close();
    await rx.close();
  });

  /** One unary call with the bytes passed through untouched both ways. */
  function call(path: string, bytes: Uint8Array): Promise<Reply> {
    const pass = (b: Buffer): Buffer => b;
    return new Promise<Reply>((resolve) => {
      client.makeUnaryRequest(path, pass, pass, Buffer.from(bytes), (err, body) => resolve({ err, body }));
    });
  }

  /** After every error the receiver must still take a good request. */
  async function stillServing(): Promise<void> {
    const before = store.stats().spans;
    const r = await call(TRACES, encodeTraces(tracesJson([(0x1000 + ++spanNo).toString(16).padStart(16, '0')])));
    assert.equal(r.err, null);
    assert.equal(store.stats().spans, before + 1);
  }

  for (const gzip of [false, true]) {
    it(`exporter-trace-otlp-grpc${gzip ? ' (gzip)' : ''}: every span arrives intact`, async () => {
      const url = `http://127.0.0.1:${rx.port}`;
      const recorded = await exportRecorded(new GrpcExporter(gzip ? { url, compression: GZIP } : { url }));
      assert.equal(recorded.length, 3);
      assert.deepEqual(rx.stats.rejected, {});
      assertSpansStored(store, recorded);
    });
  }

  it('exporter-trace-otlp-grpc with gzip really compresses (seen on a bare HTTP/2 server)', async () => {
    const sniffer = await startGrpcSniffer();
    try {
      await exportRecorded(new GrpcExporter({ url: sniffer.url, compression: GZIP }));
      assert.deepEqual(sniffer.seen, [{ path: TRACES, encoding: 'gzip', compressed: true }, { path: TRACES, encoding: 'gzip', compressed: true }, { path: TRACES, encoding: 'gzip', compressed: true }]);
    } finally {
      await sniffer.close();
    }
  });

  it('logs, answering an empty ExportLogsServiceResponse', async () => {
    const req = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', body: { stringValue: 'hi' }, traceId: TRACE, spanId: '00000000000000b1' }] }] }] };
    const r = await call(LOGS, encodeLogs(req));
    assert.equal(r.err, null);
    assert.equal(r.body?.length, 0);
    assert.equal(store.stats().logs, 1);
    assert.equal(rx.stats.logs, 1);
  });

  it('garbage and truncated protobuf: INVALID_ARGUMENT with the decoder message, and the receiver keeps serving', async () => {
    const garbage = await call(TRACES, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]));
    assert.equal(garbage.err?.code, grpc.status.INVALID_ARGUMENT);
    assert.ok(garbage.err?.details, 'a message says what is wrong');
    await stillServing();
    const whole = encodeTraces(tracesJson(['00000000000000c1']));
    const truncated = await call(TRACES, whole.subarray(0, whole.length - 5));
    assert.equal(truncated.err?.code, grpc.status.INVALID_ARGUMENT);
    const logs = await call(LOGS, Buffer.from('not protobuf at all'));
    assert.equal(logs.err?.code, grpc.status.INVALID_ARGUMENT);
    await stillServing();
    assert.deepEqual(rx.stats.rejected, { [grpc.status.INVALID_ARGUMENT]: 3 });
  });

  it('a message over the limit: RESOURCE_EXHAUSTED', async () => {
    const r = await call(TRACES, Buffer.alloc(100 * 1024));
    assert.equal(r.err?.code, grpc.status.RESOURCE_EXHAUSTED);
    await stillServing();
  });

  it('an unknown method: UNIMPLEMENTED', async () => {
    const r = await call('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', Buffer.alloc(0));
    assert.equal(r.err?.code, grpc.status.UNIMPLEMENTED);
    await stillServing();
  });

  it('a span with an all-zero span id: OK with partial_success, the valid span kept', async () => {
    const r = await call(TRACES, encodeTraces(tracesJson(['00000000000000d1', '0000000000000000'])));
    assert.equal(r.err, null);
    assert.deepEqual(ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(r.body!), { longs: String }), {
      partialSuccess: { rejectedSpans: '1', errorMessage: 'resourceSpans[0].scopeSpans[0].spans[1].spanId: is all zeros (an invalid id)' },
    });
    assert.equal(store.stats().spans, 1);
  });

  it('a port in use: ReceiverListenError, not a silently shared port', async () => {
    await assert.rejects(startGrpcReceiver({ port: rx.port, ingest: store }), (e: unknown) => {
      assert.ok(e instanceof ReceiverListenError);
      assert.equal(e.code, 'EADDRINUSE');
      assert.equal(e.port, rx.port);
      assert.equal(e.message, `OTLP/gRPC receiver: port ${rx.port} on 127.0.0.1 is already in use (EADDRINUSE); stop the other OTLP receiver or choose another port`);
      return true;
    });
    await stillServing();
  });

  it('close() returns while a client still holds its connection', async () => {
    await stillServing();
    await rx.close();
    await rx.close();
  });

  it('close() cuts a call that never finishes sending, after the grace period', async () => {
    const slow = await startGrpcReceiver({ port: 0, ingest: store, closeGraceMs: 100 });
    const stuck = new grpc.Client(`127.0.0.1:${slow.port}`, grpc.credentials.createInsecure());
    const pass = (b: Buffer): Buffer => b;
    // A client stream on a unary method: the server waits for its end, which never comes.
    const ended = new Promise<grpc.ServiceError | null>((resolve) => {
      const stream = stuck.makeClientStreamRequest(TRACES, pass, pass, (err) => resolve(err));
      stream.write(Buffer.alloc(0));
    });
    // A unary call behind it on the same connection: when it is answered, the server has the stuck call.
    await new Promise<void>((resolve) => stuck.makeUnaryRequest(TRACES, pass, pass, Buffer.alloc(0), () => resolve()));
    try {
      const t0 = Date.now();
      await slow.close();
      assert.ok(Date.now() - t0 >= 90, 'close() waited for the call in flight');
      assert.equal((await ended)?.code, grpc.status.CANCELLED);
    } finally {
      stuck.close();
    }
  });
});
