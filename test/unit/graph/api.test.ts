// The graph where it is answered: meshlens serve's API and the extension's trace worker. The API: spans through the real OTLP/HTTP receiver (protobuf), the
// API server's own graph fed from the Ingest, GET /api/graph and /api/graph/traces, strict params.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TraceStore } from '../../../src/core/trace';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { Ingest } from '../../../src/receiver/ingest';
import { startTraceService, type TraceService } from '../../../src/receiver/trace-service';
import { startApiServer, type ApiServer } from '../../../src/server/api';
import type { GraphDto, GraphTracesDto } from '../../../src/shared/graph';
import { send } from '../receiver/client';
import { encodeTraces } from '../trace/pb';
import { call, otlp, tid } from './helpers';

/** The worker runs the TypeScript source, through tsx as the tests do. */
const WORKER = path.resolve(__dirname, '../../../src/receiver/trace-worker.ts');

describe('graph API (GET /api/graph)', () => {
  let rx: HttpReceiver;
  let api: ApiServer;
  beforeEach(async () => {
    const store = new TraceStore();
    const ingest = new Ingest(store);
    rx = await startHttpReceiver({ port: 0, ingest });
    api = await startApiServer({ port: 0, store, ingest });
  });
  afterEach(async () => {
    await Promise.all([api.close(), rx.close()]);
  });

  const get = async <T>(path: string, status = 200): Promise<T> => {
    const r = await send(api.port, { method: 'GET', path });
    assert.equal(r.status, status, `${path}: ${r.body.toString()}`);
    return JSON.parse(r.body.toString()) as T;
  };

  it('answers the graph of what the receiver took in, and the traces through an edge', async () => {
    const body = encodeTraces(otlp([...call(1, 1, 'frontend', 'cart', -2000, 20, 10, { toVer: 'v2' }), ...call(2, 1, 'frontend', 'cart', -1000, 20, 10, { toVer: 'v1' })]));
    const r = await send(rx.port, { headers: { 'Content-Type': 'application/x-protobuf' }, body });
    assert.equal(r.status, 200, r.body.toString());
    const graph = await get<GraphDto>('/api/graph?window=all');
    assert.deepEqual(graph.edges.map((e) => [e.id, e.client?.requests, e.server?.requests]), [['service:frontend->service:cart', 2, 2]]);
    const versioned = await get<GraphDto>('/api/graph?window=all&versioned=true');
    assert.deepEqual(versioned.edges.map((e) => [e.id, e.share]), [
      ['service:frontend->version:cart@v1', 0.5],
      ['service:frontend->version:cart@v2', 0.5],
    ]);
    const traces = await get<GraphTracesDto>(`/api/graph/traces?window=all&edgeId=${encodeURIComponent('service:frontend->service:cart')}&limit=10`);
    assert.deepEqual(traces.traceIds, [tid(2), tid(1)]);
  });

  it('refuses bad params with 400 and a message', async () => {
    assert.match((await get<{ error: string }>('/api/graph', 400)).error, /window must be one of 1m, 5m, 15m, all/);
    assert.match((await get<{ error: string }>('/api/graph?window=5m&versioned=yes', 400)).error, /versioned must be true or false/);
    assert.match((await get<{ error: string }>('/api/graph?window=5m&window=1m', 400)).error, /window may be given once/);
    assert.match((await get<{ error: string }>('/api/graph?window=5m&color=red', 400)).error, /unknown parameter "color"/);
    assert.match((await get<{ error: string }>('/api/graph/traces?window=5m', 400)).error, /exactly one of nodeId and edgeId/);
    assert.match((await get<{ error: string }>('/api/graph/traces?window=5m&nodeId=user&limit=5000', 400)).error, /limit must be a whole number from 1 to 1000/);
  });
});

describe('graph in the trace worker (the extension side)', () => {
  let svc: TraceService | undefined;
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  it('answers graph and graphTraces from its own graph, fed by its receivers', async () => {
    const spawn = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });
    svc = await startTraceService(spawn, { httpPort: 0, throttleMs: 20 });
    const port = svc.listeners.find((l) => l.name === 'otlpHttp')!.port;
    const body = encodeTraces(otlp(call(7, 1, 'frontend', 'cart', -1000, 20, 10)));
    const r = await send(port, { headers: { 'Content-Type': 'application/x-protobuf' }, body });
    assert.equal(r.status, 200, r.body.toString());
    const graph = await svc.request('graph', { window: 'all' });
    assert.deepEqual(graph.edges.map((e) => e.id), ['service:frontend->service:cart']);
    assert.deepEqual((await svc.request('graphTraces', { window: 'all', nodeId: 'service:cart' })).traceIds, [tid(7)]);
  });
});
