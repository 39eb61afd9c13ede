import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { TraceStore } from '../../../src/core/trace';
import { Ingest } from '../../../src/receiver/ingest';
import { type HttpReceiver } from '../../../src/receiver/http';
import { startZipkinReceiver } from '../../../src/receiver/zipkin';
import { open, send } from './client';

const PATH = '/api/v2/spans';
const JSON_H = { 'Content-Type': 'application/json' };

// What a Brave or zipkin-js reporter posts: a batch of v2 spans.
function batch(id = '4d1e00c0db9010db', traceId = '86154a4ba6e91385'): object[] {
  return [
    {
      traceId,
      id,
      kind: 'SERVER',
      name: 'get /api',
      timestamp: 1472470996238000,
      duration: 150000,
      localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 },
      tags: { 'http.method': 'GET', 'http.path': '/api' },
    },
  ];
}

describe('Zipkin v2 receiver', () => {
  let store: TraceStore;
  let ingest: Ingest;
  let rx: HttpReceiver;
  let spanNo = 0;

  beforeEach(async () => {
    store = new TraceStore();
    ingest = new Ingest(store);
    rx = await startZipkinReceiver({ port: 0, ingest, maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024, bodyTimeoutMs: 300 });
  });
  afterEach(async () => {
    await rx.close();
  });

  async function stillServing(): Promise<void> {
    const before = store.stats().spans;
    const r = await send(rx.port, { path: PATH, headers: JSON_H, body: JSON.stringify(batch((0x1000 + ++spanNo).toString(16).padStart(16, '0'))) });
    assert.equal(r.status, 202, r.body.toString());
    assert.equal(store.stats().spans, before + 1);
  }

  it('accepts a batch: 202 with an empty body, spans in the store', async () => {
    const r = await send(rx.port, { path: PATH, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(batch()) });
    assert.equal(r.status, 202);
    assert.equal(r.body.length, 0);
    const t = store.getTrace('000000000000000086154a4ba6e91385');
    assert.ok(t, 'trace stored under the padded 128-bit id');
    assert.equal(store.stats().spans, 1);
    assert.equal(rx.stats.spans, 1);
  });

  it('accepts gzip bodies', async () => {
    const r = await send(rx.port, { path: PATH, headers: { ...JSON_H, 'Content-Encoding': 'gzip' }, body: zlib.gzipSync(JSON.stringify(batch())) });
    assert.equal(r.status, 202);
    assert.equal(rx.stats.gzipped, 1);
    assert.equal(store.stats().spans, 1);
  });

  it('a span without an id is left out alone and counted; the rest is accepted', async () => {
    const body = [...batch(), { traceId: '86154a4ba6e91385', name: 'no id' }];
    const r = await send(rx.port, { path: PATH, headers: JSON_H, body: JSON.stringify(body) });
    assert.equal(r.status, 202);
    assert.equal(store.stats().spans, 1);
    assert.equal(ingest.counters.rejectedSpans, 1);
  });

  it('malformed: 400 with a plain-text message naming the path', async () => {
    const bad = batch() as Record<string, unknown>[];
    bad.push({ ...bad[0], id: 'a1', timestamp: '1472470996238000' });
    const r = await send(rx.port, { path: PATH, headers: JSON_H, body: JSON.stringify(bad) });
    assert.equal(r.status, 400);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.match(r.body.toString(), /^\[1\]\.timestamp: must be a non-negative integer of microseconds/);
    assert.equal(store.stats().spans, 0, 'nothing of a malformed request is kept');
    const j = await send(rx.port, { path: PATH, headers: JSON_H, body: '{"traceId": "1"}' });
    assert.equal(j.status, 400);
    assert.match(j.body.toString(), /JSON array of spans/);
    await stillServing();
  });

  it('thrift and proto3: 415 saying only JSON is read', async () => {
    for (const type of ['application/x-thrift', 'application/x-protobuf']) {
      const r = await send(rx.port, { path: PATH, headers: { 'Content-Type': type }, body: Buffer.from([1, 2, 3]) });
      assert.equal(r.status, 415);
      assert.match(r.body.toString(), /Zipkin v2 JSON only, not thrift or proto3/);
    }
    const n = await send(rx.port, { path: PATH, body: '[]' });
    assert.equal(n.status, 415);
    await stillServing();
  });

  it('another method: 405 with Allow; another path: 404 saying what is served', async () => {
    const g = await send(rx.port, { method: 'GET', path: PATH });
    assert.equal(g.status, 405);
    assert.match(String(g.headers.allow), /POST/);
    const v1 = await send(rx.port, { path: '/api/v1/spans', headers: JSON_H, body: '[]' });
    assert.equal(v1.status, 404);
    assert.match(v1.body.toString(), /POST \/api\/v2\/spans/);
    const otlp = await send(rx.port, { path: '/v1/traces', headers: JSON_H, body: '{}' });
    assert.equal(otlp.status, 404);
    await stillServing();
  });

  it('bounds: 413 over the body limit, 400 for a bad gzip body, in plain text', async () => {
    const { req, reply } = open(rx.port, { path: PATH, headers: { ...JSON_H, 'Content-Length': String(1024 * 1024) } });
    req.write('[');
    const big = await reply;
    req.destroy();
    assert.equal(big.status, 413);
    assert.match(big.body.toString(), /over the limit of 65536 bytes/);
    const gz = await send(rx.port, { path: PATH, headers: { ...JSON_H, 'Content-Encoding': 'gzip' }, body: 'not gzip' });
    assert.equal(gz.status, 400);
    assert.match(gz.body.toString(), /invalid gzip body/);
    await stillServing();
  });

  it('CORS preflight from a local page', async () => {
    const r = await send(rx.port, { method: 'OPTIONS', path: PATH, headers: { Origin: 'http://localhost:3000' } });
    assert.equal(r.status, 204);
    assert.equal(r.headers['access-control-allow-origin'], 'http://localhost:3000');
  });
});
