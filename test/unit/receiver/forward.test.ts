import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { decodeZipkinJson, TraceStore, type LogRecord, type Span } from '../../../src/core/trace';
import { createForwarder, ForwardConfigError, parseRetryAfter, type Forwarder, type ForwarderOptions } from '../../../src/receiver/forward';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { Ingest } from '../../../src/receiver/ingest';
import { encodeLogs, encodeTraces } from '../trace/pb';
import { send } from './client';

const JSON_H = { 'Content-Type': 'application/json' };
const PB_H = { 'Content-Type': 'application/x-protobuf' };
const TRACE = '0af7651916cd43dd8448eb211c80319c';

function traces(spanIds: string[], traceId = TRACE, pad = ''): object {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }, { key: 'k8s.namespace.name', value: { stringValue: 'shop' } }] },
        scopeSpans: [
          {
            scope: { name: 'test', version: '1.2' },
            spans: spanIds.map((spanId, i) => ({
              traceId,
              spanId,
              ...(i > 0 ? { parentSpanId: spanIds[0] } : {}),
              name: `GET /cart/${i}`,
              kind: 2,
              startTimeUnixNano: String(1700000000000000000n + BigInt(i) * 1000n),
              endTimeUnixNano: String(1700000000005000000n + BigInt(i) * 1000n),
              attributes: [
                { key: 'http.request.method', value: { stringValue: 'GET' } },
                { key: 'http.response.status_code', value: { intValue: '200' } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                { key: 'cached', value: { boolValue: true } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
                ...(pad ? [{ key: 'pad', value: { stringValue: pad } }] : []),
              ],
              events: [{ timeUnixNano: '1700000000001000000', name: 'cache.miss', attributes: [{ key: 'key', value: { stringValue: 'cart:1' } }] }],
              status: { code: 2, message: 'boom' },
            })),
          },
        ],
      },
    ],
  };
}

function logs(traceId = TRACE): object {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [{ scope: { name: 'test' }, logRecords: [{ timeUnixNano: '1700000000000000000', severityNumber: 9, body: { stringValue: 'hello' }, traceId, spanId: 'b7ad6b7169203331', attributes: [{ key: 'n', value: { intValue: '7' } }] }] }],
      },
    ],
  };
}

/** What must survive forwarding, object identity (shared resources) aside. */
function shape(s: Span): object {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    start: s.startUnixNano,
    end: s.endUnixNano,
    attributes: [...s.attributes],
    events: s.events.map((e) => ({ name: e.name, t: e.timeUnixNano, attributes: [...e.attributes] })),
    status: s.status,
    resource: [...s.resource.attributes],
    scope: [s.scope.name, s.scope.version],
  };
}

function logShape(l: LogRecord): object {
  return { t: l.timeUnixNano, sev: l.severityNumber, body: l.body, attributes: [...l.attributes], traceId: l.traceId, spanId: l.spanId, resource: [...l.resource.attributes] };
}

function spansOf(store: TraceStore, traceId: string): object[] {
  return (store.getTrace(traceId)?.spans ?? []).map((n) => shape(n.span)).sort((a, b) => ((a as { spanId: string }).spanId < (b as { spanId: string }).spanId ? -1 : 1));
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

interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
type Answer = { status: number; headers?: http.OutgoingHttpHeaders; body?: string } | 'hold';

/** A scripted upstream: answers the n-th request (0-based) with `script(n)`; 'hold' never answers. */
async function fakeUpstream(script: (n: number) => Answer) {
  const seen: Seen[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = seen.length;
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const answer = script(n);
      if (answer === 'hold') held.push(res);
      else {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      }
      for (const w of waiters.filter((w) => seen.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    /** Resolves once `n` requests have arrived. */
    requests(n: number): Promise<void> {
      return seen.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
    release(status = 200): void {
      for (const res of held.splice(0)) {
        res.writeHead(status);
        res.end();
      }
    },
    close(): Promise<void> {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Backoffs waited out at once, recorded. */
function instantSleep(delays: number[]) {
  return (ms: number): Promise<void> => {
    delays.push(ms);
    return Promise.resolve();
  };
}

describe('forwarder', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  function forwarder(options: ForwarderOptions): Forwarder {
    const f = createForwarder(options);
    closers.push(() => f.close(1000));
    return f;
  }

  /** A MeshLens receiver that forwards what it takes to `f`. */
  async function downstream(f: Forwarder): Promise<{ rx: HttpReceiver; store: TraceStore; ingest: Ingest }> {
    const store = new TraceStore();
    const ingest = new Ingest(store, f);
    const rx = await startHttpReceiver({ port: 0, ingest });
    closers.push(() => rx.close());
    return { rx, store, ingest };
  }

  describe('to a MeshLens upstream', () => {
    let up: TraceStore;
    let upRx: HttpReceiver;
    beforeEach(async () => {
      up = new TraceStore();
      upRx = await startHttpReceiver({ port: 0, ingest: up });
      closers.push(() => upRx.close());
    });

    it('passes OTLP/JSON and protobuf traces and logs on unchanged', async () => {
      const f = forwarder({ endpoint: `http://127.0.0.1:${upRx.port}` });
      const { rx, store } = await downstream(f);
      const json = JSON.stringify(traces(['b7ad6b7169203331', '00f067aa0ba902b7']));
      assert.equal((await send(rx.port, { headers: JSON_H, body: json })).status, 200);
      const trace2 = '11111111111111111111111111111111';
      const pb = encodeTraces(traces(['2222222222222222', '3333333333333333'], trace2));
      assert.equal((await send(rx.port, { headers: PB_H, body: pb })).status, 200);
      assert.equal((await send(rx.port, { path: '/v1/logs', headers: PB_H, body: encodeLogs(logs()) })).status, 200);
      assert.equal((await send(rx.port, { path: '/v1/logs', headers: JSON_H, body: JSON.stringify(logs(trace2)) })).status, 200);

      await until(up, () => up.stats().spans === 4 && up.stats().logs === 2);
      await f.idle();
      for (const t of [TRACE, trace2]) {
        assert.equal(spansOf(up, t).length, 2);
        assert.deepEqual(spansOf(up, t), spansOf(store, t));
        assert.deepEqual(up.getTrace(t)!.spans.flatMap((n) => n.logs).map(logShape), store.getTrace(t)!.spans.flatMap((n) => n.logs).map(logShape));
      }
      assert.equal(upRx.stats.requests, 4, 'one upstream request per request received');
      assert.equal(upRx.stats.gzipped, 0, 'loopback: not compressed by default');
      assert.deepEqual(
        { ...f.stats, lastError: f.stats.lastError },
        { forwardedRequests: 4, forwardedSpans: 4, forwardedLogs: 2, droppedRequests: 0, droppedSpans: 0, droppedLogs: 0, failedRequests: 0, retries: 0, queuedRequests: 0, queuedBytes: 0, inFlight: 0, lastError: undefined },
      );
    });

    it('encodes Zipkin-origin spans (no raw bytes) as OTLP/JSON', async () => {
      const f = forwarder({ endpoint: `http://127.0.0.1:${upRx.port}/` });
      const decoded = decodeZipkinJson(
        JSON.stringify([
          { traceId: '86154a4ba6e91385', id: '4d1e00c0db9010db', kind: 'SERVER', name: 'get /api', timestamp: 1472470996238000, duration: 150000, localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 }, tags: { 'http.method': 'GET', 'http.path': '/api' } },
          { traceId: '86154a4ba6e91385', parentId: '4d1e00c0db9010db', id: '5e2f00c0db9010db', kind: 'CLIENT', name: 'select', timestamp: 1472470996239000, duration: 50000, localEndpoint: { serviceName: 'backend' }, remoteEndpoint: { serviceName: 'db' }, tags: { 'db.system': 'postgresql' } },
        ]),
      );
      assert.equal(decoded.spans.length, 2);
      const local = new TraceStore();
      local.addSpans(decoded.spans);
      f.offer(undefined, decoded.spans, undefined);
      await until(up, () => up.stats().spans === 2);
      const t = decoded.spans[0].traceId;
      assert.deepEqual(spansOf(up, t), spansOf(local, t));
      await f.idle();
      assert.equal(f.stats.forwardedSpans, 2);
    });

    it('gzips bodies of 1 KiB or more when compression is on', async () => {
      const f = forwarder({ endpoint: `http://127.0.0.1:${upRx.port}`, compression: 'gzip' });
      const { rx, store } = await downstream(f);
      assert.equal((await send(rx.port, { headers: PB_H, body: encodeTraces(traces(['b7ad6b7169203331'], TRACE, 'x'.repeat(4000))) })).status, 200);
      assert.equal((await send(rx.port, { headers: PB_H, body: encodeTraces(traces(['00f067aa0ba902b7'], 'aa'.repeat(16))) })).status, 200);
      await until(up, () => up.stats().spans === 2);
      assert.equal(upRx.stats.gzipped, 1, 'the small one went uncompressed');
      assert.deepEqual(spansOf(up, TRACE), spansOf(store, TRACE));
    });

    it('leaves ingest alone when the upstream is down: dropped after the attempts, counted, with a clear error', async () => {
      const port = await freePort();
      const delays: number[] = [];
      const f = forwarder({ endpoint: `http://127.0.0.1:${port}`, retry: { maxAttempts: 3, initialBackoffMs: 100 }, sleep: instantSleep(delays), random: () => 0 });
      const { rx, store } = await downstream(f);
      const r = await send(rx.port, { headers: JSON_H, body: JSON.stringify(traces(['b7ad6b7169203331', '00f067aa0ba902b7'])) });
      assert.equal(r.status, 200);
      assert.equal(store.stats().spans, 2, 'stored locally all the same');
      await f.idle();
      assert.deepEqual(delays, [50, 100], 'exponential backoff, jitter in [half, full)');
      assert.equal(f.stats.droppedRequests, 1);
      assert.equal(f.stats.droppedSpans, 2);
      assert.equal(f.stats.retries, 2);
      assert.equal(f.stats.forwardedRequests, 0);
      assert.equal(f.stats.lastError, `upstream http://127.0.0.1:${port} refused the connection (ECONNREFUSED); dropped after 3 attempts`);
      assert.equal(up.stats().spans, 0);
    });
  });

  describe('retries (scripted upstream)', () => {
    it('retries 503 and then delivers the same bytes with the same content type', async () => {
      const up = await fakeUpstream((n) => (n === 0 ? { status: 503, body: 'busy' } : { status: 200, headers: JSON_H, body: '{}' }));
      closers.push(() => up.close());
      const delays: number[] = [];
      const f = forwarder({ endpoint: `http://127.0.0.1:${up.port}`, headers: { Authorization: 'Bearer t0k' }, sleep: instantSleep(delays) });
      const { rx } = await downstream(f);
      const pb = encodeTraces(traces(['b7ad6b7169203331']));
      assert.equal((await send(rx.port, { headers: PB_H, body: pb })).status, 200);
      await up.requests(2);
      await f.idle();
      assert.equal(delays.length, 1);
      for (const s of up.seen) {
        assert.equal(s.path, '/v1/traces');
        assert.equal(s.headers['content-type'], 'application/x-protobuf');
        assert.equal(s.headers.authorization, 'Bearer t0k');
        assert.deepEqual(new Uint8Array(s.body), pb);
      }
      assert.equal(f.stats.forwardedRequests, 1);
      assert.equal(f.stats.retries, 1);
      assert.match(f.stats.lastError ?? '', /answered 503 Service Unavailable for \/v1\/traces: busy; retrying/);
    });

    it('honors Retry-After (seconds and HTTP-date) on 429, capped', async () => {
      const answers: Answer[] = [
        { status: 429, headers: { 'Retry-After': '2' } },
        { status: 502, headers: { 'Retry-After': new Date(Date.now() + 600_000).toUTCString() } },
        { status: 200 },
      ];
      const up = await fakeUpstream((n) => answers[n] ?? { status: 200 });
      closers.push(() => up.close());
      const delays: number[] = [];
      const f = forwarder({ endpoint: `http://127.0.0.1:${up.port}`, retry: { maxRetryAfterMs: 5000 }, sleep: instantSleep(delays) });
      f.offer({ signal: 'logs', encoding: 'json', bytes: Buffer.from(JSON.stringify(logs())) }, undefined, [] as LogRecord[]);
      await up.requests(3);
      await f.idle();
      assert.deepEqual(delays, [2000, 5000]);
      assert.equal(up.seen[2].path, '/v1/logs');
      assert.equal(f.stats.forwardedRequests, 1);
    });

    it('parses Retry-After', () => {
      assert.equal(parseRetryAfter('3', 0), 3000);
      assert.equal(parseRetryAfter(' 0 ', 0), 0);
      assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
      assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:30:00 GMT')), 0);
      assert.equal(parseRetryAfter('soon', 0), undefined);
      assert.equal(parseRetryAfter(undefined, 0), undefined);
    });

    it('does not retry 400 (or 500): failed, counted, the upstream message in lastError', async () => {
      const up = await fakeUpstream((n) =>
        n === 0
          ? { status: 400, headers: JSON_H, body: JSON.stringify({ code: 3, message: 'invalid span id' }) }
          : { status: 500, headers: { 'Content-Type': 'text/plain' }, body: 'oops\nstack' },
      );
      closers.push(() => up.close());
      const delays: number[] = [];
      const f = forwarder({ endpoint: `http://127.0.0.1:${up.port}`, concurrency: 1, sleep: instantSleep(delays) });
      f.offer({ signal: 'traces', encoding: 'json', bytes: Buffer.from(JSON.stringify(traces(['b7ad6b7169203331']))) }, [{} as Span], undefined);
      await f.idle();
      assert.equal(f.stats.lastError, `upstream http://127.0.0.1:${up.port} answered 400 Bad Request for /v1/traces: invalid span id`);
      f.offer({ signal: 'traces', encoding: 'json', bytes: Buffer.from('{}') }, [{} as Span, {} as Span], undefined);
      await f.idle();
      assert.equal(up.seen.length, 2, 'one attempt each');
      assert.deepEqual(delays, []);
      assert.equal(f.stats.failedRequests, 2);
      assert.equal(f.stats.droppedRequests, 0);
      assert.equal(f.stats.droppedSpans, 3, 'their spans did not arrive');
      assert.match(f.stats.lastError ?? '', /answered 500 Internal Server Error for \/v1\/traces: oops stack$/);
    });

    it('times an attempt out and retries it', async () => {
      const up = await fakeUpstream((n) => (n === 0 ? 'hold' : { status: 200 }));
      closers.push(() => up.close());
      const f = forwarder({ endpoint: `http://127.0.0.1:${up.port}`, timeoutMs: 100, sleep: instantSleep([]) });
      f.offer({ signal: 'traces', encoding: 'json', bytes: Buffer.from('{}') }, [{} as Span], undefined);
      await f.idle();
      assert.equal(f.stats.forwardedRequests, 1);
      assert.equal(f.stats.lastError, `upstream http://127.0.0.1:${up.port} did not answer /v1/traces within 100 ms; retrying`);
    });
  });

  describe('queue', () => {
    it('drops the new request when full (by count, then by bytes) and never blocks offer', async () => {
      const up = await fakeUpstream(() => 'hold');
      closers.push(() => up.close());
      const f = forwarder({ endpoint: `http://127.0.0.1:${up.port}`, concurrency: 1, maxQueueRequests: 2, maxQueueBytes: 100 });
      const raw = (n: number) => ({ signal: 'traces' as const, encoding: 'json' as const, bytes: Buffer.alloc(n, 32) });
      const one = [{} as Span];
      f.offer(raw(10), one, undefined);
      await up.requests(1); // in flight, out of the queue
      f.offer(raw(10), one, undefined);
      f.offer(raw(10), one, undefined);
      f.offer(raw(10), [{} as Span, {} as Span], undefined); // third in queue: over the count
      assert.deepEqual([f.stats.queuedRequests, f.stats.droppedRequests, f.stats.droppedSpans], [2, 1, 2]);
      up.release();
      await up.requests(2);
      f.offer(raw(95), one, undefined); // 10 + 95 > 100 bytes
      assert.equal(f.stats.droppedRequests, 2);
      assert.equal(f.stats.inFlight, 1);
      up.release();
      await up.requests(3);
      up.release();
      await f.idle();
      assert.equal(f.stats.forwardedRequests, 3);
      assert.equal(f.stats.forwardedSpans + f.stats.droppedSpans, 6, 'every span accounted for');
    });

    it('offer never throws, whatever it is given', () => {
      const f = forwarder({ endpoint: 'http://127.0.0.1:9' });
      assert.doesNotThrow(() => f.offer(undefined, undefined, undefined));
      assert.doesNotThrow(() => f.offer(null as never, null as never, null as never));
      assert.doesNotThrow(() => f.offer({ signal: 'traces', encoding: 'json', bytes: null as never }, undefined, undefined));
    });
  });

  describe('close', () => {
    it('does not hang on an upstream that never answers; in flight and queued count as dropped', async () => {
      const up = await fakeUpstream(() => 'hold');
      closers.push(() => up.close());
      const f = createForwarder({ endpoint: `http://127.0.0.1:${up.port}`, concurrency: 1 });
      f.offer({ signal: 'traces', encoding: 'json', bytes: Buffer.from('{}') }, [{} as Span], undefined);
      await up.requests(1);
      f.offer({ signal: 'logs', encoding: 'json', bytes: Buffer.from('{}') }, undefined, [{} as LogRecord, {} as LogRecord]);
      await f.close(50);
      assert.deepEqual([f.stats.droppedRequests, f.stats.droppedSpans, f.stats.droppedLogs, f.stats.inFlight, f.stats.queuedRequests], [2, 1, 2, 0, 0]);
      f.offer({ signal: 'traces', encoding: 'json', bytes: Buffer.from('{}') }, [{} as Span], undefined);
      assert.equal(f.stats.droppedRequests, 3, 'closed: dropped at the door');
      await f.idle();
    });

    it('cuts a backoff short', async () => {
      const up = await fakeUpstream(() => ({ status: 503 }));
      closers.push(() => up.close());
      const f = createForwarder({ endpoint: `http://127.0.0.1:${up.port}`, retry: { initialBackoffMs: 600_000, maxBackoffMs: 600_000 } });
      f.offer({ signal: 'traces', encoding: 'json', bytes: Buffer.from('{}') }, [{} as Span], undefined);
      await up.requests(1);
      await f.close(60_000);
      assert.equal(f.stats.droppedRequests, 1);
      assert.equal(up.seen.length, 1);
    });
  });

  describe('configuration', () => {
    it('rejects an endpoint that is not an http(s) base URL, saying why', () => {
      const cases: [string, RegExp][] = [
        ['ftp://collector:4318', /is not an http\(s\) URL \(ftp\)/],
        ['localhost:4318', /is not an http\(s\) URL \(localhost\)/],
        ['', /is not a URL/],
        ['collector', /is not a URL/],
        ['http://localhost:4318/v1/traces', /names a signal path/],
        ['http://localhost:4318/?x=1', /query or fragment/],
      ];
      for (const [endpoint, message] of cases) {
        assert.throws(
          () => createForwarder({ endpoint }),
          (e: unknown) => e instanceof ForwardConfigError && message.test(e.message) && e.message.includes('http://localhost:4318'),
          endpoint,
        );
      }
      assert.throws(() => createForwarder({ endpoint: 'http://x', headers: { 'bad name': 'v' } }), ForwardConfigError);
      assert.throws(() => createForwarder({ endpoint: 'http://x', maxQueueRequests: 0 }), ForwardConfigError);
    });

    it('keeps a base path and hides credentials from messages', async () => {
      const up = await fakeUpstream(() => ({ status: 401, body: 'no' }));
      closers.push(() => up.close());
      const f = forwarder({ endpoint: `http://user:secret@127.0.0.1:${up.port}/otlp/` });
      f.offer({ signal: 'logs', encoding: 'protobuf', bytes: new Uint8Array(0) }, undefined, [{} as LogRecord]);
      await f.idle();
      assert.equal(up.seen[0].path, '/otlp/v1/logs');
      assert.equal(up.seen[0].headers.authorization, `Basic ${Buffer.from('user:secret').toString('base64')}`);
      assert.equal(f.stats.lastError, `upstream http://127.0.0.1:${up.port}/otlp answered 401 Unauthorized for /otlp/v1/logs: no`);
      assert.ok(!f.endpoint.includes('secret'));
    });
  });
});
