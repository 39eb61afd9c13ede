import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { ExportTraceServiceResponse, TraceStore } from '../../../src/core/trace';
import { startHttpReceiver, mediaEncoding, ReceiverListenError, type HttpReceiver } from '../../../src/receiver/http';
import { decodeRpcStatus, encodeRpcStatus } from '../../../src/receiver/status';
import { encodeTraces, encodeLogs } from '../trace/pb';
import { open, send } from './client';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
function tracesJson(spanId = 'b7ad6b7169203331', traceId = TRACE): object {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [{ scope: { name: 'test' }, spans: [{ traceId, spanId, name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000005000000' }] }],
      },
    ],
  };
}
const logsJson = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeLogs: [{ scope: { name: 'test' }, logRecords: [{ timeUnixNano: '1700000000000000000', severityNumber: 9, body: { stringValue: 'hello' }, traceId: TRACE, spanId: 'b7ad6b7169203331' }] }],
    },
  ],
};
const JSON_H = { 'Content-Type': 'application/json' };
const PB_H = { 'Content-Type': 'application/x-protobuf' };

describe('OTLP/HTTP receiver', () => {
  let store: TraceStore;
  let rx: HttpReceiver;
  let spanNo = 0;

  beforeEach(async () => {
    store = new TraceStore();
    rx = await startHttpReceiver({ port: 0, ingest: store, maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024, bodyTimeoutMs: 300 });
  });
  afterEach(async () => {
    await rx.close();
  });

  /** After every error the receiver must still take a good request. */
  async function stillServing(): Promise<void> {
    const spanId = (0x1000 + ++spanNo).toString(16).padStart(16, '0');
    const before = store.stats().spans;
    const r = await send(rx.port, { headers: JSON_H, body: JSON.stringify(tracesJson(spanId)) });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(store.stats().spans, before + 1);
  }

  describe('accepts', () => {
    it('OTLP/JSON traces, answering an ExportTraceServiceResponse in JSON', async () => {
      const r = await send(rx.port, { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(tracesJson()) });
      assert.equal(r.status, 200);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(r.body.toString()), {});
      const t = store.getTrace(TRACE);
      assert.ok(t, 'trace stored');
      assert.equal(store.stats().spans, 1);
      assert.equal(rx.stats.spans, 1);
    });

    it('OTLP/protobuf traces, answering in protobuf', async () => {
      const r = await send(rx.port, { headers: PB_H, body: encodeTraces(tracesJson()) });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/x-protobuf');
      assert.deepEqual(ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(r.body)), {});
      assert.equal(store.stats().spans, 1);
    });

    it('gzip bodies', async () => {
      const r = await send(rx.port, { headers: { ...PB_H, 'Content-Encoding': 'gzip' }, body: zlib.gzipSync(encodeTraces(tracesJson())) });
      assert.equal(r.status, 200);
      assert.equal(store.stats().spans, 1);
    });

    it('a request with some invalid spans: 200 with partial_success naming the first, in JSON and protobuf', async () => {
      const req = tracesJson('00000000000000a1') as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
      const spans = req.resourceSpans[0].scopeSpans[0].spans;
      spans.push({ ...spans[0], spanId: '0000000000000000' }, { ...spans[0], spanId: '00000000000000a2', traceId: undefined });
      const j = await send(rx.port, { headers: JSON_H, body: JSON.stringify(req) });
      assert.equal(j.status, 200);
      assert.deepEqual(JSON.parse(j.body.toString()), {
        partialSuccess: { rejectedSpans: '2', errorMessage: 'resourceSpans[0].scopeSpans[0].spans[1].spanId: is all zeros (an invalid id)' },
      });
      const p = await send(rx.port, { headers: PB_H, body: encodeTraces(req) });
      assert.equal(p.status, 200);
      const got = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(p.body), { longs: String });
      assert.deepEqual(got, { partialSuccess: { rejectedSpans: '2', errorMessage: 'resourceSpans[0].scopeSpans[0].spans[1].spanId: is all zeros (an invalid id)' } });
      // The valid span was kept (twice received, stored once).
      assert.equal(store.stats().spans, 1);
      assert.deepEqual(rx.stats.rejected, {});
    });

    it('logs in JSON and protobuf', async () => {
      const a = await send(rx.port, { path: '/v1/logs', headers: JSON_H, body: JSON.stringify(logsJson) });
      assert.equal(a.status, 200);
      const b = await send(rx.port, { path: '/v1/logs', headers: PB_H, body: encodeLogs(logsJson) });
      assert.equal(b.status, 200);
      assert.equal(rx.stats.logs, 2);
    });
  });

  describe('rejects, and keeps serving', () => {
    it('another method: 405 with Allow', async () => {
      const r = await send(rx.port, { method: 'GET' });
      assert.equal(r.status, 405);
      assert.match(String(r.headers.allow), /POST/);
      await stillServing();
    });

    it('another path: 404', async () => {
      const r = await send(rx.port, { path: '/v1/metricz', headers: JSON_H, body: '{}' });
      assert.equal(r.status, 404);
      await stillServing();
    });

    it('another content type: 415', async () => {
      const r = await send(rx.port, { headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
      assert.equal(r.status, 415);
      const n = await send(rx.port, { body: 'hi' });
      assert.equal(n.status, 415);
      const e = await send(rx.port, { headers: { ...JSON_H, 'Content-Encoding': 'br' }, body: '{}' });
      assert.equal(e.status, 415);
      await stillServing();
    });

    it('truncated protobuf: 400 with a protobuf google.rpc.Status', async () => {
      const full = encodeTraces(tracesJson());
      const r = await send(rx.port, { headers: PB_H, body: full.subarray(0, full.length - 7) });
      assert.equal(r.status, 400);
      assert.equal(r.headers['content-type'], 'application/x-protobuf');
      const st = decodeRpcStatus(r.body);
      assert.equal(st.code, 3);
      assert.match(st.message, /invalid protobuf/);
      await stillServing();
    });

    it('garbage protobuf: 400', async () => {
      const r = await send(rx.port, { headers: PB_H, body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]) });
      assert.equal(r.status, 400);
      assert.equal(decodeRpcStatus(r.body).code, 3);
      await stillServing();
    });

    it('invalid JSON: 400 with a JSON google.rpc.Status', async () => {
      const r = await send(rx.port, { headers: JSON_H, body: '{"resourceSpans": [' });
      assert.equal(r.status, 400);
      const st = JSON.parse(r.body.toString());
      assert.equal(st.code, 3);
      assert.equal(typeof st.message, 'string');
      await stillServing();
    });

    it('an id of the wrong length: 400 naming the field', async () => {
      const r = await send(rx.port, { headers: JSON_H, body: JSON.stringify(tracesJson('b7ad6b71692033')) });
      assert.equal(r.status, 400);
      const st = JSON.parse(r.body.toString());
      assert.equal(st.code, 3);
      assert.match(st.message, /spanId/);
      assert.equal(store.stats().spans, 0);
      await stillServing();
    });

    it('a declared body over the limit: 413 before the body is read', async () => {
      const { req, reply } = open(rx.port, { headers: { ...JSON_H, 'Content-Length': String(10 * 1024 * 1024) } });
      req.write('{"resourceSpans":[');
      const r = await reply;
      req.destroy();
      assert.equal(r.status, 413);
      assert.equal(JSON.parse(r.body.toString()).code, 8);
      await stillServing();
    });

    it('a chunked body that grows over the limit: 413, the rest is not buffered', async () => {
      const { req, reply } = open(rx.port, { headers: { ...PB_H, 'Transfer-Encoding': 'chunked' } });
      const chunk = Buffer.alloc(16 * 1024, 1);
      // Keep writing until the server answers; it must answer long before 100 chunks.
      let answered = false;
      const settled = reply.then(
        (r) => {
          answered = true;
          return r;
        },
        (e: unknown) => {
          answered = true;
          throw e;
        },
      );
      for (let i = 0; i < 100 && !answered; i++) {
        await new Promise<void>((res) => req.write(chunk, () => res()));
      }
      const r = await settled;
      req.destroy();
      assert.equal(r.status, 413);
      assert.equal(decodeRpcStatus(r.body).code, 8);
      await stillServing();
    });

    it('a gzip bomb: 413, inflating stops at the limit', async () => {
      const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024)); // ~8 KB on the wire, 32x the limit
      assert.ok(bomb.length < 64 * 1024);
      const r = await send(rx.port, { headers: { ...PB_H, 'Content-Encoding': 'gzip' }, body: bomb });
      assert.equal(r.status, 413);
      assert.match(decodeRpcStatus(r.body).message, /decompressed/);
      await stillServing();
    });

    it('a body that is not gzip though it says so: 400', async () => {
      const r = await send(rx.port, { headers: { ...JSON_H, 'Content-Encoding': 'gzip' }, body: '{}' });
      assert.equal(r.status, 400);
      await stillServing();
    });

    it('a client that stalls mid-body: 408 and the connection closed', async () => {
      const { req, reply } = open(rx.port, { headers: { ...JSON_H, 'Content-Length': '1000' } });
      req.write('{"resourceSpans":[');
      const closed = new Promise<void>((res) => req.once('close', () => res()));
      const r = await reply;
      assert.equal(r.status, 408);
      assert.equal(r.headers.connection, 'close');
      await closed;
      await stillServing();
    });
  });

  describe('a body that trickles in', () => {
    it('is cut off at the total request time limit with 408, though no single gap is a stall', async () => {
      const slow = await startHttpReceiver({ port: 0, ingest: store, bodyTimeoutMs: 400, requestTimeoutMs: 600 });
      try {
        const { req, reply } = open(slow.port, { headers: { ...JSON_H, 'Content-Length': '1000' } });
        // A byte every 50 ms: never a 400 ms gap, so only the total limit can end it.
        const drip = setInterval(() => req.write(' '), 50);
        const r = await reply.finally(() => clearInterval(drip));
        assert.equal(r.status, 408);
        assert.match(r.body.toString(), /took longer than 600 ms/);
        assert.equal(slow.stats.rejected[408], 1);
      } finally {
        await slow.close();
      }
      await stillServing();
    });
  });

  describe('CORS', () => {
    it('answers a preflight from a localhost origin', async () => {
      const r = await send(rx.port, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      assert.equal(r.status, 204);
      assert.equal(r.headers['access-control-allow-origin'], 'http://localhost:5173');
      assert.match(String(r.headers['access-control-allow-methods']), /POST/);
      assert.match(String(r.headers['access-control-allow-headers']), /Content-Type/);
      assert.match(String(r.headers['access-control-allow-headers']), /Content-Encoding/);
      const post = await send(rx.port, { headers: { ...JSON_H, Origin: 'http://localhost:5173' }, body: JSON.stringify(tracesJson()) });
      assert.equal(post.status, 200);
      assert.equal(post.headers['access-control-allow-origin'], 'http://localhost:5173');
    });

    it('gives no CORS headers to another origin', async () => {
      const r = await send(rx.port, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(r.headers['access-control-allow-origin'], undefined);
      assert.equal(r.headers['access-control-allow-methods'], undefined);
      await stillServing();
    });

    it('takes a configured list of origins', async () => {
      const other = await startHttpReceiver({ port: 0, ingest: store, corsOrigins: ['https://app.example'] });
      try {
        const ok = await send(other.port, { method: 'OPTIONS', headers: { Origin: 'https://app.example' } });
        assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
        const no = await send(other.port, { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000' } });
        assert.equal(no.headers['access-control-allow-origin'], undefined);
      } finally {
        await other.close();
      }
    });
  });

  it('a port in use is a clear error naming the port, not a crash', async () => {
    const err = await startHttpReceiver({ port: rx.port, ingest: store }).then(
      () => assert.fail('listened twice'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ReceiverListenError);
    assert.equal(err.code, 'EADDRINUSE');
    assert.match(err.message, new RegExp(`port ${rx.port}\\b`));
    await stillServing();
  });

  it('close() ends open connections', async () => {
    const sock = net.connect(rx.port, '127.0.0.1');
    await new Promise<void>((res) => sock.once('connect', () => res()));
    const closed = new Promise<void>((res) => sock.once('close', () => res()));
    await rx.close();
    await closed;
  });
});

describe('receiver helpers', () => {
  it('reads media types with parameters', () => {
    assert.equal(mediaEncoding('application/json; charset=utf-8'), 'json');
    assert.equal(mediaEncoding('Application/X-Protobuf'), 'protobuf');
    assert.equal(mediaEncoding('text/json'), undefined);
    assert.equal(mediaEncoding(undefined), undefined);
  });
  it('google.rpc.Status round-trips', () => {
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(3, 'bad: é')), { code: 3, message: 'bad: é' });
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(0, '')), { code: 0, message: '' });
  });
});
