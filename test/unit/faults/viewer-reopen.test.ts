// Fault: the viewer is closed and reopened while spans keep arriving. Both transports, with real
// parts: the webview's bridge on the trace service in its worker thread (spans posted over
// OTLP/HTTP), and the browser's Server-Sent Events stream on a real HTTP server (a reconnect as
// EventSource makes it, with Last-Event-ID). A closed viewer's subscription is released; the
// reopened one gets every trace that arrived meanwhile. Events are awaited, never slept on.
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TraceStore } from '../../../src/core/trace';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { startTraceService, type TraceService } from '../../../src/receiver/trace-service';
import { createViewerBridge, type LiveViewerSource } from '../../../src/receiver/viewer-bridge';
import { LiveStream } from '../../../src/server/stream';
import type { ChangedMessage, LiveMessage, TraceListDto, ViewerResponse } from '../../../src/shared/protocol';
import { send } from '../receiver/client';
import { tid, tracesRequest } from '../trace/helpers';

const WORKER = path.resolve(__dirname, '../../../src/receiver/trace-worker.ts');
const spawn = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });

async function postTrace(port: number, n: number): Promise<void> {
  const body = JSON.stringify(tracesRequest([{ traceId: tid(n), spanId: `00f067aa0ba9${String(n).padStart(4, '0')}`, name: 'GET /cart' }]));
  const r = await send(port, { headers: { 'Content-Type': 'application/json' }, body });
  assert.equal(r.status, 200, r.body.toString());
}

describe('fault: the viewer closed and reopened mid-stream', function () {
  this.timeout(60_000);

  describe('webview (src/receiver/viewer-bridge.ts on the worker)', () => {
    let svc: TraceService;
    let port: number;
    before(async () => {
      svc = await startTraceService(spawn, { httpPort: 0, throttleMs: 20 });
      port = svc.listeners.find((l) => l.name === 'otlpHttp')!.port;
    });
    after(() => svc.close());

    it('releases the closed panel’s subscription and shows the reopened one every trace that came meanwhile', async () => {
      let subscribed = 0;
      // The extension's source: the worker's answers and its live changes.
      const source: LiveViewerSource = {
        request: (method, params) => svc.request(method, params),
        onChanged(listener) {
          subscribed++;
          const off = svc.onChanged(listener);
          return () => {
            subscribed--;
            off();
          };
        },
      };
      const seen = (n: number) => (m: LiveMessage | ViewerResponse) => m.type === 'changed' && m.added.includes(tid(n));
      const whenChanged = (n: number) =>
        new Promise<void>((resolve) => {
          const off = svc.onChanged((m) => {
            if (seen(n)(m)) {
              off();
              resolve();
            }
          });
        });

      const first: (ViewerResponse | LiveMessage)[] = [];
      const a = createViewerBridge(source, (m) => first.push(m));
      a.receive({ type: 'ready' });
      assert.equal(subscribed, 1);
      let arrived = whenChanged(1);
      await postTrace(port, 1);
      await arrived;
      assert.ok(first.some(seen(1)), 'the open panel saw trace 1 live');

      a.dispose(); // the panel is closed
      assert.equal(subscribed, 0, 'nothing listens for the closed panel');
      const atClose = first.length;
      for (const n of [2, 3, 4]) {
        arrived = whenChanged(n);
        await postTrace(port, n);
        await arrived;
      }
      assert.equal(first.length, atClose, 'nothing was posted to (or queued for) the closed panel');

      // Reopened: a new page says ready and asks for its snapshot, as webview/main.ts does.
      const second: (ViewerResponse | LiveMessage)[] = [];
      const answered = new Promise<ViewerResponse>((resolve) => {
        const b = createViewerBridge(source, (m) => {
          second.push(m);
          if (m.type === 'response' && m.id === 1) resolve(m);
        });
        b.receive({ type: 'ready' });
        b.receive({ type: 'request', id: 1, method: 'query', params: {} });
        after(() => b.dispose());
      });
      const r = await answered;
      assert.ok('result' in r, JSON.stringify(r));
      assert.deepEqual((r.result as TraceListDto).traces.map((t) => t.traceId).sort(), [1, 2, 3, 4].map(tid).sort());
      assert.equal(subscribed, 1);
      arrived = whenChanged(5);
      await postTrace(port, 5);
      await arrived;
      assert.ok(second.some(seen(5)), 'and it is live again');
    });
  });

  describe('browser (src/server/stream.ts, Server-Sent Events)', () => {
    let store: TraceStore;
    let rx: HttpReceiver;
    let stream: LiveStream;
    let server: http.Server;
    /** Per connection, in order: resolves when the server sees it closed. */
    const closed: Promise<void>[] = [];
    before(async () => {
      store = new TraceStore();
      rx = await startHttpReceiver({ port: 0, ingest: store });
      stream = new LiveStream({ source: store, throttleMs: 20 });
      server = http.createServer((_req, res) => {
        closed.push(new Promise((resolve) => res.once('close', () => resolve())));
        stream.accept(res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      stream.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rx.close();
    });

    it('forgets a client that went away; its reconnect (Last-Event-ID) gets resync, then every change', async () => {
      const port = (server.address() as AddressInfo).port;
      const a = await Sse.open(port);
      assert.match(a.preamble, /^id: \d+$/m, 'the preamble gives EventSource an id to send back');
      const id = /^id: (\d+)$/m.exec(a.preamble)![1];
      await postTrace(rx.port, 11);
      assert.ok(((await a.next()).data as ChangedMessage).added.includes(tid(11)));
      a.close();
      await closed[0];
      assert.equal(stream.clientCount, 0, 'the server side saw the close: the client is gone from the stream');

      await postTrace(rx.port, 12);
      await postTrace(rx.port, 13);

      const b = await Sse.open(port, id);
      assert.equal(stream.clientCount, 1);
      const first = await b.next();
      assert.equal(first.event, 'resync', 'a reconnect refetches its snapshot');
      // The snapshot the viewer then asks for (GET /api/traces answers from the same store).
      assert.deepEqual(store.query({ limit: 100 }).map((t) => t.traceId).sort(), [11, 12, 13].map(tid).sort());
      await postTrace(rx.port, 14);
      assert.ok(((await b.next()).data as ChangedMessage).added.includes(tid(14)));
      b.close();

      const fresh = await Sse.open(port);
      await postTrace(rx.port, 15);
      const e = await fresh.next();
      assert.equal(e.event, 'changed', 'a first connection starts from its own snapshot: no resync');
      fresh.close();
    });
  });
});

/** A minimal EventSource: the preamble, then events in order; sends Last-Event-ID when given. */
class Sse {
  private buffer = '';
  private readonly events: { event: string; data: unknown }[] = [];
  private wake: (() => void) | undefined;
  preamble = '';

  private constructor(private readonly req: http.ClientRequest) {}

  static open(port: number, lastEventId?: string): Promise<Sse> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/stream', agent: false, headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {} }, (res) => {
        const sse = new Sse(req);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          sse.buffer += chunk;
          let end: number;
          while ((end = sse.buffer.indexOf('\n\n')) >= 0) {
            const block = sse.buffer.slice(0, end);
            sse.buffer = sse.buffer.slice(end + 2);
            if (!sse.preamble) {
              sse.preamble = block;
              resolve(sse);
              continue;
            }
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) sse.events.push({ event, data: JSON.parse(data) });
            sse.wake?.();
          }
        });
      });
      req.on('error', reject);
    });
  }

  async next(): Promise<{ event: string; data: unknown }> {
    while (this.events.length === 0) await new Promise<void>((r) => (this.wake = r));
    return this.events.shift()!;
  }

  close(): void {
    this.req.destroy();
  }
}
