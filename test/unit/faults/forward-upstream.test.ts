// Fault: the upstream that MeshLens forwards to is slow, or down, and comes back. Real sockets:
// the OTLP/HTTP receiver takes spans from a client while the upstream (a real HTTP server) holds
// every request without answering, refuses connections, or answers again. Ingest is never held
// up by it, the forward queue stays within its bound, what is dropped is counted and said once,
// and forwarding recovers by itself.
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TraceStore } from '../../../src/core/trace';
import { createForwarder, type Forwarder } from '../../../src/receiver/forward';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { Ingest } from '../../../src/receiver/ingest';
import { startTraceService } from '../../../src/receiver/trace-service';
import { send } from '../receiver/client';
import { sid, tid, tracesRequest } from '../trace/helpers';

const JSON_H = { 'Content-Type': 'application/json' };
const body = (n: number) => JSON.stringify(tracesRequest([{ traceId: tid(n), spanId: sid(n), name: 'GET /cart' }]));

/** An upstream that holds every request until `release()`; then (and from then on) answers 200. */
class HeldUpstream {
  readonly server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (this.answering) res.end('{}');
      else this.held.push(res);
      this.arrived++;
      for (const w of this.waiters.splice(0)) w();
    });
  });
  held: http.ServerResponse[] = [];
  arrived = 0;
  answering = false;
  private waiters: (() => void)[] = [];

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }
  async until(n: number): Promise<void> {
    while (this.arrived < n) await new Promise<void>((r) => this.waiters.push(r));
  }
  release(): void {
    this.answering = true;
    for (const res of this.held.splice(0)) res.end('{}');
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('fault: the forwarding upstream is slow or down (src/receiver/forward.ts)', function () {
  this.timeout(60_000);
  let rx: HttpReceiver | undefined;
  let fwd: Forwarder | undefined;
  afterEach(async () => {
    await rx?.close();
    await fwd?.close(0);
    rx = fwd = undefined;
  });

  it('an upstream that never answers: ingest answers every request, the queue stops at its bound, drops are counted and said once; it catches up when the upstream answers', async () => {
    const up = new HeldUpstream();
    const upPort = await up.listen();
    const said: [string, string][] = [];
    fwd = createForwarder({ endpoint: `http://127.0.0.1:${upPort}`, maxQueueRequests: 5, concurrency: 2, retry: { maxAttempts: 1 }, onStatus: (m, level) => said.push([level, m]) });
    const store = new TraceStore();
    rx = await startHttpReceiver({ port: 0, ingest: new Ingest(store, fwd) });
    try {
      let maxQueued = 0;
      for (let n = 1; n <= 20; n++) {
        const r = await send(rx.port, { headers: JSON_H, body: body(n) });
        assert.equal(r.status, 200, `request ${n} answered while the upstream holds everything`);
        maxQueued = Math.max(maxQueued, fwd.stats.queuedRequests);
        if (n === 2) await up.until(2); // both workers are now stuck upstream
      }
      assert.equal(store.stats().spans, 20, 'everything is stored locally');
      assert.equal(up.held.length, 2, 'two requests in flight, held by the upstream');
      assert.equal(maxQueued, 5, 'the queue never grows past its bound');
      assert.deepEqual({ inFlight: fwd.stats.inFlight, queued: fwd.stats.queuedRequests, dropped: fwd.stats.droppedRequests, droppedSpans: fwd.stats.droppedSpans }, { inFlight: 2, queued: 5, dropped: 13, droppedSpans: 13 });
      assert.equal(said.length, 1, 'one line for the whole episode, not one per drop');
      assert.equal(said[0][0], 'warn');
      assert.match(said[0][1], new RegExp(`^forwarding to http://127\\.0\\.0\\.1:${upPort} is losing data: the queue is full \\(5 requests`));

      up.release();
      await fwd.idle();
      assert.equal(fwd.stats.forwardedRequests, 7, 'what was in flight and queued gets through');
      assert.equal(said.length, 2);
      assert.deepEqual(said[1], ['info', `forwarding to http://127.0.0.1:${upPort} delivers again; 13 spans and 0 logs were dropped meanwhile`]);
      for (let n = 21; n <= 23; n++) assert.equal((await send(rx.port, { headers: JSON_H, body: body(n) })).status, 200);
      await fwd.idle();
      assert.equal(fwd.stats.forwardedSpans + fwd.stats.droppedSpans, 23, 'every span forwarded or counted as dropped');
      assert.equal(fwd.stats.forwardedRequests, 10);
    } finally {
      await up.close();
    }
  });

  it('an upstream that is down and comes back on its port: dropped after the attempts, then delivered, with no restart', async () => {
    const port = await freePort();
    const said: [string, string][] = [];
    fwd = createForwarder({ endpoint: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2, initialBackoffMs: 20 }, onStatus: (m, level) => said.push([level, m]) });
    const store = new TraceStore();
    rx = await startHttpReceiver({ port: 0, ingest: new Ingest(store, fwd) });
    assert.equal((await send(rx.port, { headers: JSON_H, body: body(1) })).status, 200);
    await fwd.idle();
    assert.equal(fwd.stats.droppedSpans, 1);
    assert.equal(said.length, 1);
    assert.match(said[0][1], /refused the connection \(ECONNREFUSED\); dropped after 2 attempts/);

    const upStore = new TraceStore();
    const upRx = await startHttpReceiver({ port, ingest: upStore });
    try {
      assert.equal((await send(rx.port, { headers: JSON_H, body: body(2) })).status, 200);
      await fwd.idle();
      assert.equal(upStore.stats().spans, 1, 'the upstream got the span sent after it came back');
      assert.ok(upStore.getTrace(tid(2)));
      assert.deepEqual(said[1], ['info', `forwarding to http://127.0.0.1:${port} delivers again; 1 spans and 0 logs were dropped meanwhile`]);
      assert.equal(store.stats().spans, 2);
    } finally {
      await upRx.close();
    }
  });

  it('in the editor the lines reach the host’s log (trace worker)', async () => {
    // An upstream that refuses for good: the first request is lost at once, no backoff to wait out.
    const up = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = 400;
        res.end('bad');
      });
    });
    await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
    const worker = path.resolve(__dirname, '../../../src/receiver/trace-worker.ts');
    const svc = await startTraceService(() => new Worker(`require('tsx/cjs'); require(${JSON.stringify(worker)});`, { eval: true }), {
      httpPort: 0,
      forward: { endpoint: `http://127.0.0.1:${(up.address() as AddressInfo).port}` },
    });
    try {
      const line = new Promise<[string, string]>((resolve) => svc.onLog((level, message) => resolve([level, message])));
      const http0 = svc.listeners.find((l) => l.name === 'otlpHttp')!;
      assert.equal((await send(http0.port, { headers: JSON_H, body: body(1) })).status, 200);
      const [level, message] = await line;
      assert.equal(level, 'warn');
      assert.match(message, /is losing data: upstream http:\/\/127\.0\.0\.1:\d+ answered 400/);
    } finally {
      await svc.close();
      up.closeAllConnections();
      await new Promise((resolve) => up.close(resolve));
    }
  });
});
