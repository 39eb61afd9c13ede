// Fault: the receiver's port is taken by another program (a collector, a second editor window).
// The port is held by a real other process; the receivers start in the real worker thread as in
// the editor, and `meshlens serve` runs as a real subprocess. The error names the port, the
// process that holds it and the way out; in the editor the other receivers still start.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startTraceService, TraceServiceError, type TraceService } from '../../../src/receiver/trace-service';
import { portOwner } from '../../../src/receiver/listen-error';
import { send } from '../receiver/client';
import { tracesRequest, TRACE_A } from '../trace/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const WORKER = path.join(ROOT, 'src/receiver/trace-worker.ts');
const worker = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });

/** Another program listening on a free port of 127.0.0.1, as a collector would. */
async function holder(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return { child, port };
}

describe('fault: the receiver port is taken (src/receiver/listen-error.ts, index.ts partial start)', function () {
  this.timeout(60_000);
  let held: { child: ChildProcess; port: number };
  let svc: TraceService | undefined;

  before(async () => {
    held = await holder();
  });
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });
  after(() => {
    held.child.kill();
  });

  it('names the process that holds the port', () => {
    const owner = portOwner(held.port);
    // /proc is Linux's; elsewhere there is no hint and the message names the usual suspects.
    if (process.platform === 'linux') assert.equal(owner, `process ${held.child.pid} (node)`);
    assert.equal(portOwner(1), undefined, 'nobody listens on port 1');
  });

  it('editor: the taken protocol is reported with port, owner and remedy; OTLP/HTTP and Zipkin start and take spans', async () => {
    svc = await startTraceService(worker, { httpPort: 0, grpcPort: held.port, zipkinPort: 0, throttleMs: 20 });
    assert.deepEqual(svc.listeners.map((l) => l.name), ['otlpHttp', 'zipkin']);
    assert.equal(svc.failed.length, 1);
    const [f] = svc.failed;
    assert.ok(f instanceof TraceServiceError);
    assert.equal(f.code, 'EADDRINUSE');
    assert.equal(f.port, held.port);
    assert.match(f.message, new RegExp(`^OTLP/gRPC receiver: port ${held.port} on 127\\.0\\.0\\.1 is already in use \\(EADDRINUSE\\)`));
    assert.match(f.message, /choose another port$/);
    if (process.platform === 'linux') assert.match(f.message, new RegExp(`by process ${held.child.pid} \\(node\\); stop it`));

    const http = svc.listeners.find((l) => l.name === 'otlpHttp')!;
    const r = await send(http.port, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(tracesRequest([{ traceId: TRACE_A, spanId: 'b7ad6b7169203331', name: 'GET /cart' }])) });
    assert.equal(r.status, 200);
    assert.equal((await svc.request('stats', {})).store.spans, 1);
  });

  it('editor: when every port is taken the start fails with the first one, nothing left listening', async () => {
    await assert.rejects(startTraceService(worker, { httpPort: held.port }), (e: unknown) => {
      assert.ok(e instanceof TraceServiceError);
      assert.equal(e.code, 'EADDRINUSE');
      assert.equal(e.port, held.port);
      return true;
    });
  });

  it('meshlens serve: exit 2 with the port, its owner and the option that moves it', async () => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', 'src/cli/index.ts', 'serve', '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--zipkin-port', String(held.port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2, stderr);
    assert.match(stderr, new RegExp(`^meshlens: Zipkin receiver: port ${held.port} on 127\\.0\\.0\\.1 is already in use`, 'm'));
    if (process.platform === 'linux') assert.match(stderr, new RegExp(`by process ${held.child.pid} \\(node\\)`));
    assert.match(stderr, /^meshlens: another port: --zipkin-port N \(0 picks a free one, off leaves it out\)$/m);
  });
});
