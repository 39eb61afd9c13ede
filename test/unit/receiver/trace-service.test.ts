// The trace service in its worker thread: spans posted to its receiver become answers to the
// host's requests and throttled change messages; a taken port is a clear error; close ends it.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeTracesJson } from '../../../src/core/trace';
import { startHttpReceiver } from '../../../src/receiver/http';
import { TraceStore } from '../../../src/core/trace';
import { startTraceService, TraceServiceError, type TraceService } from '../../../src/receiver/trace-service';
import type { ChangedMessage, StatsDto } from '../../../src/shared/protocol';
import { send } from './client';

const WORKER = path.resolve(__dirname, '../../../src/receiver/trace-worker.ts');
/** The worker runs the TypeScript source, through tsx as the tests do. */
const spawn = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
function request(spanId: string, service = 'checkout'): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 't' }, spans: [{ traceId: TRACE, spanId, name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000012000000', attributes: [{ key: 'http.route', value: { stringValue: '/cart' } }] }] }],
      },
    ],
  });
}

function nextChange(svc: TraceService): Promise<ChangedMessage> {
  return new Promise((resolve) => {
    const off = svc.onChanged((m) => {
      off();
      resolve(m);
    });
  });
}

/** Resolves when `ready()` holds, checked now and after every change of the store. */
function until(store: TraceStore, ready: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ready()) return resolve();
    const off = store.subscribe(() => {
      if (ready()) {
        off();
        resolve();
      }
    });
  });
}

/**
 * The stats once `ready` holds. The forwarder counts a request when the upstream's answer is in,
 * just after the upstream stored it: each round trip to the worker lets that answer be read.
 */
async function statsWhen(svc: TraceService, ready: (s: StatsDto) => boolean): Promise<StatsDto> {
  for (let i = 0; ; i++) {
    const s = await svc.request('stats', {});
    if (ready(s)) return s;
    if (i > 10_000) throw new Error(`stats never got there: ${JSON.stringify(s.forward)}`);
  }
}

describe('trace service (worker thread)', function () {
  this.timeout(30_000);
  let svc: TraceService | undefined;
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  it('answers queries about what its receiver got, and tells the host what changed', async () => {
    svc = await startTraceService(spawn, { httpPort: 0, throttleMs: 20 });
    const http = svc.listeners.find((l) => l.name === 'otlpHttp')!;
    assert.match(http.url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    const changed = nextChange(svc);
    const r = await send(http.port, { headers: { 'Content-Type': 'application/json' }, body: request('00f067aa0ba902b7') });
    assert.equal(r.status, 200);
    const msg = await changed;
    assert.deepEqual(msg.added, [TRACE]);
    assert.equal(msg.stats.spans, 1);

    const list = await svc.request('query', { service: 'checkout' });
    assert.deepEqual(list.traces.map((t) => t.traceId), [TRACE]);
    assert.equal((await svc.request('query', { service: 'payment' })).traces.length, 0);
    const trace = await svc.request('trace', { traceId: TRACE });
    assert.equal(trace?.spans[0].name, 'GET /cart');
    assert.equal(await svc.request('trace', { traceId: 'ab'.repeat(16) }), null);
    assert.deepEqual((await svc.request('services', {})).services, ['checkout']);
    const stats = await svc.request('stats', {});
    assert.equal(stats.ingest?.spans, 1);
    assert.equal((stats.receivers?.otlpHttp as { requests: number }).requests, 1);
  });

  it('exports OTLP/JSON that decodes to the stored spans, and imports a file', async () => {
    svc = await startTraceService(spawn, { httpPort: 0, throttleMs: 20 });
    const imported = await svc.request('import', { text: request('00f067aa0ba902b8', 'cart'), fileName: 'trace.json' });
    assert.deepEqual(imported, { format: 'otlp-json', spans: 1, logs: 0, rejected: 0, rejectMessage: '', traceIds: [TRACE] });
    const out = await svc.request('export', {});
    assert.equal(out.spans, 1);
    const spans = decodeTracesJson(out.json).spans;
    assert.deepEqual(
      spans.map((s) => [s.spanId, s.resource.serviceName, s.attributes.get('http.route')]),
      [['00f067aa0ba902b8', 'cart', '/cart']],
    );
    await assert.rejects(svc.request('import', { text: 'not json' }), (e: Error) => e instanceof TraceServiceError && /JSON|format/i.test(e.message));
  });

  it('a taken port rejects the start with the port and the remedy; nothing keeps running', async () => {
    const other = await startHttpReceiver({ port: 0, ingest: new TraceStore() });
    try {
      await assert.rejects(startTraceService(spawn, { httpPort: other.port }), (e: unknown) => {
        assert.ok(e instanceof TraceServiceError);
        assert.equal(e.code, 'EADDRINUSE');
        assert.equal(e.port, other.port);
        assert.match(e.message, new RegExp(`port ${other.port} .*already in use.*choose another port`));
        return true;
      });
    } finally {
      await other.close();
    }
  });

  it('forwards what its receiver got to the upstream and counts it in stats.forward', async () => {
    const up = new TraceStore();
    const upRx = await startHttpReceiver({ port: 0, ingest: up });
    try {
      svc = await startTraceService(spawn, { httpPort: 0, throttleMs: 20, forward: { endpoint: `http://127.0.0.1:${upRx.port}`, headers: { 'X-Team': 'checkout' } } });
      assert.equal(svc.forwardTo, `http://127.0.0.1:${upRx.port}`);
      const http = svc.listeners.find((l) => l.name === 'otlpHttp')!;
      const arrived = until(up, () => up.stats().spans === 1);
      assert.equal((await send(http.port, { headers: { 'Content-Type': 'application/json' }, body: request('00f067aa0ba902b9') })).status, 200);
      await arrived;
      assert.equal(up.getTrace(TRACE)?.spans[0].span.spanId, '00f067aa0ba902b9');
      const stats = await statsWhen(svc, (s) => s.forward?.forwardedRequests === 1);
      assert.deepEqual(stats.forward, {
        endpoint: `http://127.0.0.1:${upRx.port}`,
        forwardedRequests: 1,
        forwardedSpans: 1,
        forwardedLogs: 0,
        droppedRequests: 0,
        droppedSpans: 0,
        droppedLogs: 0,
        failedRequests: 0,
        retries: 0,
        queuedRequests: 0,
        queuedBytes: 0,
        inFlight: 0,
      });
      assert.equal(stats.ingest?.spans, 1, 'also kept here');
    } finally {
      await svc?.close();
      svc = undefined;
      await upRx.close();
    }
  });

  it('without forwarding, stats has no forward part', async () => {
    svc = await startTraceService(spawn, { httpPort: 0 });
    assert.equal(svc.forwardTo, undefined);
    assert.equal((await svc.request('stats', {})).forward, undefined);
  });

  it('a forward endpoint that cannot work rejects the start, quoting it; nothing keeps running', async () => {
    for (const [endpoint, headers, message] of [
      ['localhost 4318', {}, /forward endpoint "localhost 4318" is not a URL; give the OTLP\/HTTP base URL/],
      ['grpc://collector:4317', {}, /forward endpoint "grpc:\/\/collector:4317" is not an http\(s\) URL/],
      ['http://collector:4318', { 'Bad Name': 'x' }, /forward header "Bad Name" is not a valid HTTP header/],
    ] as const) {
      await assert.rejects(startTraceService(spawn, { httpPort: 0, forward: { endpoint, headers } }), (e: unknown) => {
        assert.ok(e instanceof TraceServiceError);
        assert.equal(e.name, 'ForwardConfigError');
        assert.match(e.message, message);
        return true;
      });
    }
  });

  it('requests after close are refused, not left hanging', async () => {
    const s = await startTraceService(spawn, { httpPort: 0 });
    await s.close();
    await assert.rejects(s.request('stats', {}), /stopped/);
  });
});
