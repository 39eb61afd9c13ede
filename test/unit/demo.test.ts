// Demo traffic end to end: the simulated Bookinfo mesh (src/demo) records with the real
// OpenTelemetry SDK and exports over OTLP (http/protobuf and gRPC) to our real receiver, in this
// process; the service graph derived from what arrived must be exactly the mesh, with the reviews
// split the options ask for. The waits are on the receiver's own hook (spans counted as they are
// ingested), never on the clock.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { main } from '../../src/cli/main';
import { answerFromGraph, GRAPH_ATTRIBUTE_KEYS, ServiceGraph } from '../../src/core/graph';
import { TraceStore, type Span } from '../../src/core/trace';
import { CODE, DEFAULT_CODE_ROOT, FRAMES, planRequest, seeded, startDemo, type DemoOptions, type PlannedSpan } from '../../src/demo';
import { startReceivers, type Receivers } from '../../src/receiver';
import { Ingest } from '../../src/receiver/ingest';
import type { GraphDto } from '../../src/shared/graph';
import { send } from './receiver/client';
import { SseClient } from './server/sse';

const ROOT = path.resolve(__dirname, '../..');

/** The graph of the whole mesh, versioned: every node and every edge with its connection type. */
const VERSIONED_NODES = [
  'database:mongodb/ratings',
  'service:details',
  'service:notifications',
  'service:productpage',
  'service:ratings',
  'service:reviews',
  'user',
  'version:details@v1',
  'version:notifications@v1',
  'version:productpage@v1',
  'version:ratings@v1',
  'version:reviews@v1',
  'version:reviews@v2',
  'version:reviews@v3',
];
const VERSIONED_EDGES = [
  ['user->version:productpage@v1', 'virtual'],
  ['version:productpage@v1->version:details@v1', 'request'],
  ['version:productpage@v1->version:reviews@v1', 'request'],
  ['version:productpage@v1->version:reviews@v2', 'request'],
  ['version:productpage@v1->version:reviews@v3', 'request'],
  ['version:ratings@v1->database:mongodb/ratings', 'database'],
  ['version:reviews@v1->version:notifications@v1#messaging', 'messaging'],
  ['version:reviews@v2->version:notifications@v1#messaging', 'messaging'],
  ['version:reviews@v2->version:ratings@v1', 'request'],
  ['version:reviews@v3->version:notifications@v1#messaging', 'messaging'],
  ['version:reviews@v3->version:ratings@v1', 'request'],
];
const SERVICE_EDGES = [
  ['service:productpage->service:details', 'request'],
  ['service:productpage->service:reviews', 'request'],
  ['service:ratings->database:mongodb/ratings', 'database'],
  ['service:reviews->service:notifications#messaging', 'messaging'],
  ['service:reviews->service:ratings', 'request'],
  ['user->service:productpage', 'virtual'],
];

describe('demo traffic (meshlens demo)', function () {
  this.timeout(120_000);
  let receivers: Receivers;
  let store: TraceStore;
  let graph: ServiceGraph;
  let received = 0;
  let waiting: { spans: number; resolve: () => void } | undefined;

  before(async () => {
    store = new TraceStore({ maxSpans: 1_000_000 });
    const ingest = new Ingest(store);
    ingest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (spans) => {
      graph.add(spans);
      received += spans.length;
      if (waiting && received >= waiting.spans) waiting.resolve();
    });
    receivers = await startReceivers({ httpPort: 0, grpcPort: 0, ingest });
  });
  after(() => receivers.close());
  beforeEach(() => {
    // A fresh graph per run; a TTL far beyond a test, so pairing never depends on timing.
    graph = new ServiceGraph({ ttlMs: 600_000 });
    received = 0;
  });

  const endpoint = (name: 'otlpHttp' | 'otlpGrpc') => `http://127.0.0.1:${receivers.listeners.find((l) => l.name === name)!.port}`;

  /** Until the receiver has ingested `spans` spans since the run began. */
  function arrived(spans: number): Promise<void> {
    if (received >= spans) return Promise.resolve();
    return new Promise((resolve) => (waiting = { spans, resolve }));
  }

  async function run(options: DemoOptions & { count: number }): Promise<{ graph: GraphDto; services: GraphDto; counts: Awaited<ReturnType<typeof startDemo>>['counts'] }> {
    const demo = await startDemo({ endpoint: endpoint('otlpHttp'), realtime: false, ...options });
    const counts = await demo.done;
    assert.equal(counts.requests, options.count);
    assert.equal(counts.exportedSpans, counts.spans, 'the receiver took every span');
    await arrived(counts.spans);
    assert.equal(received, counts.spans);
    return {
      graph: answerFromGraph(graph, 'graph', { window: 'all', versioned: true }),
      services: answerFromGraph(graph, 'graph', { window: 'all', versioned: false }),
      counts,
    };
  }

  function assertMesh(g: GraphDto, s: GraphDto): void {
    assert.deepEqual(g.nodes.map((n) => n.id), VERSIONED_NODES);
    assert.deepEqual(g.edges.map((e) => [e.id, e.connectionType]), VERSIONED_EDGES);
    assert.deepEqual(s.edges.map((e) => [e.id, e.connectionType]), SERVICE_EDGES);
    // Every request paired: nothing waits, nothing expired into a virtual node.
    assert.equal(g.stats.pendingEdges, 0);
    assert.equal(g.stats.expiredEdges, 0);
    assert.equal(g.stats.badSpans, 0);
    const db = g.nodes.find((n) => n.id === 'database:mongodb/ratings')!;
    assert.equal(db.kind, 'database');
    assert.equal(db.system, 'mongodb');
    for (const v of ['v1', 'v2', 'v3']) {
      const n = g.nodes.find((x) => x.id === `version:reviews@${v}`)!;
      assert.deepEqual([n.kind, n.name, n.parent], ['version', v, 'service:reviews']);
    }
    // Calls between services are seen from both sides; the database and the root only from one.
    for (const e of g.edges) {
      assert.equal(e.client !== null, e.connectionType !== 'virtual', `${e.id} client side`);
      assert.equal(e.server !== null, e.connectionType !== 'database', `${e.id} server side`);
    }
  }

  const requestsOn = (g: GraphDto, id: string) => g.edges.find((e) => e.id === id)?.server?.requests ?? 0;

  it('over http/protobuf: the graph is exactly the Bookinfo mesh, with versions', async () => {
    const { graph: g, services: s, counts } = await run({ count: 300, seed: 1 });
    assertMesh(g, s);
    assert.equal(requestsOn(g, 'user->version:productpage@v1'), 300);
    for (const v of ['v1', 'v2', 'v3'] as const) assert.equal(requestsOn(g, `version:productpage@v1->version:reviews@${v}`), counts.reviews[v], `reviews ${v}`);
    assert.equal(requestsOn(g, 'version:reviews@v2->version:ratings@v1') + requestsOn(g, 'version:reviews@v3->version:ratings@v1'), counts.reviews.v2 + counts.reviews.v3, 'v2 and v3 ask ratings, v1 does not');
  });

  it('over gRPC: the same graph', async () => {
    const { graph: g, services: s } = await run({ count: 300, seed: 1, protocol: 'grpc', endpoint: endpoint('otlpGrpc') });
    assertMesh(g, s);
  });

  it('1,000 requests at the default split: reviews v1/v2 is 80/20 within 3 points, jason about 5% on v3', async () => {
    const { graph: g } = await run({ count: 1000, seed: 7 });
    const v1 = requestsOn(g, 'version:productpage@v1->version:reviews@v1');
    const v2 = requestsOn(g, 'version:productpage@v1->version:reviews@v2');
    const v3 = requestsOn(g, 'version:productpage@v1->version:reviews@v3');
    assert.equal(v1 + v2 + v3, 1000);
    const share = (100 * v1) / (v1 + v2);
    assert.ok(Math.abs(share - 80) <= 3, `v1 got ${share.toFixed(1)}% of v1+v2`);
    assert.ok(v3 >= 25 && v3 <= 75, `v3 got ${v3} of 1000`);
  });

  it('1,000 requests with split 50/50: reviews v1/v2 is 50/50 within 3 points', async () => {
    const { graph: g } = await run({ count: 1000, seed: 8, split: [50, 50] });
    const v1 = requestsOn(g, 'version:productpage@v1->version:reviews@v1');
    const v2 = requestsOn(g, 'version:productpage@v1->version:reviews@v2');
    const share = (100 * v1) / (v1 + v2);
    assert.ok(Math.abs(share - 50) <= 3, `v1 got ${share.toFixed(1)}% of v1+v2`);
  });

  it('spans carry the contract: resources per workload, semconv attributes, code.*, errors with exceptions', async () => {
    await run({ count: 400, seed: 3 });
    // A trace where the ratings find timed out (2%; others fail in details instead).
    const failed = store
      .query({ service: 'ratings', error: true, limit: 1000 })
      .map((t) => store.getTrace(t.traceId)!.spans.map((n) => n.span))
      .filter((t) => t.some((x) => x.name === 'find ratings.ratings' && x.status.code === 2));
    assert.ok(failed.length > 0, 'some ratings calls failed');
    const spans: Span[] = failed[0];
    const byName = (name: string, service: string) => spans.find((x) => x.name === name && x.resource.serviceName === service)!;

    const root = byName('GET /productpage', 'productpage');
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.kind, 2, 'SERVER');
    assert.deepEqual(Object.fromEntries([...root.resource.attributes].filter(([k]) => k.startsWith('k8s.') || k.startsWith('service.'))), {
      'service.name': 'productpage',
      'service.version': 'v1',
      'service.namespace': 'bookinfo',
      'service.instance.id': root.resource.attributes.get('k8s.pod.name'),
      'k8s.namespace.name': 'bookinfo',
      'k8s.deployment.name': 'productpage-v1',
      'k8s.pod.name': root.resource.attributes.get('k8s.pod.name'),
      'k8s.container.name': 'productpage',
    });
    assert.match(String(root.resource.attributes.get('k8s.pod.name')), /^productpage-v1-[0-9a-z]+-[0-9a-z]{5}$/);
    for (const [k, v] of Object.entries({ 'http.request.method': 'GET', 'url.path': '/productpage', 'http.route': '/productpage', 'http.response.status_code': 200n })) assert.equal(root.attributes.get(k), v, k);
    assert.equal(root.attributes.get('code.function.name'), 'productPage');
    assert.equal(root.attributes.get('code.file.path'), `${DEFAULT_CODE_ROOT}/productpage.ts`);
    assert.equal(root.attributes.get('code.line.number'), BigInt(CODE.productPage.line));
    assert.equal(root.attributes.get('code.lineno'), BigInt(CODE.productPage.line));

    const grpcServer = byName('ratings.Ratings/GetRating', 'ratings');
    assert.equal(grpcServer.kind, 2);
    assert.equal(grpcServer.attributes.get('rpc.system'), 'grpc');
    assert.equal(grpcServer.attributes.get('rpc.service'), 'ratings.Ratings');
    assert.equal(grpcServer.attributes.get('rpc.method'), 'GetRating');
    const find = byName('find ratings.ratings', 'ratings');
    assert.equal(find.kind, 3, 'CLIENT');
    assert.equal(find.parentSpanId, grpcServer.spanId);
    for (const [k, v] of Object.entries({ 'db.system.name': 'mongodb', 'db.system': 'mongodb', 'db.namespace': 'ratings', 'db.name': 'ratings', 'db.operation.name': 'find', 'server.address': 'mongodb.bookinfo.svc.cluster.local', 'server.port': 27017n })) assert.equal(find.attributes.get(k), v, k);
    assert.equal(spans.filter((x) => x.parentSpanId === find.spanId).length, 0, 'no server span under the database call');
    for (const failed of [find, grpcServer]) {
      assert.equal(failed.status.code, 2, `${failed.name} status ERROR`);
      const ex = failed.events.find((e) => e.name === 'exception');
      assert.ok(ex, `${failed.name} has an exception event`);
      assert.equal(ex.attributes.get('exception.type'), 'MongoServerError');
      assert.equal(ex.attributes.get('exception.message'), 'operation exceeded time limit');
      assert.match(String(ex.attributes.get('exception.stacktrace')), /^MongoServerError: operation exceeded time limit\n {4}at findRatings \(examples\/bookinfo\/app\/ratings\.ts:\d+:\d+\)/);
    }

    const producer = spans.find((x) => x.kind === 4)!;
    const consumer = spans.find((x) => x.kind === 5)!;
    assert.equal(consumer.parentSpanId, producer.spanId, 'the consumer is the producer\'s child, in the same trace');
    assert.equal(producer.resource.serviceName, 'reviews');
    assert.equal(consumer.resource.serviceName, 'notifications');
    assert.equal(producer.attributes.get('messaging.system'), 'kafka');
    assert.equal(producer.attributes.get('messaging.destination.name'), 'review-events');
    assert.equal(producer.attributes.get('messaging.operation.name'), 'publish');
  });

  it('the same seed makes the same requests', () => {
    const o = { v1Share: 0.8, jasonShare: 0.05, codeRoot: 'x' };
    const a = seeded(42);
    const b = seeded(42);
    for (let i = 0; i < 50; i++) assert.deepEqual(planRequest(a, o), planRequest(b, o));
  });

  it('every span ends inside its parent but the Kafka consumer, which runs after the producer', () => {
    const r = seeded(5);
    for (let i = 0; i < 500; i++) {
      const check = (s: PlannedSpan) => {
        assert.ok(s.endMs > s.startMs, s.name);
        for (const c of s.children) {
          assert.ok(c.startMs >= s.startMs, `${c.name} starts inside ${s.name}`);
          if (c.kind === 'consumer') assert.ok(c.startMs >= s.endMs, 'consumed after it was published');
          else assert.ok(c.endMs <= s.endMs, `${c.name} ends inside ${s.name}`);
          check(c);
        }
      };
      check(planRequest(r, { v1Share: 0.8, jasonShare: 0.05, codeRoot: 'x' }).root);
    }
  });

  it('code.* and stack frames name real lines of examples/bookinfo/app', () => {
    const lines = (file: string) => fs.readFileSync(path.join(ROOT, DEFAULT_CODE_ROOT, file), 'utf8').split('\n');
    for (const [key, c] of Object.entries(CODE)) assert.match(lines(c.file)[c.line - 1], new RegExp(`function ${c.fn}\\(`), `${key}: ${c.file}:${c.line}`);
    for (const [key, f] of Object.entries(FRAMES)) {
      const text = lines(f.file);
      assert.equal(text[f.line - 1].slice(f.column - 1, f.column - 1 + f.text.length), f.text, `${key}: ${f.file}:${f.line}:${f.column}`);
      // The frame's line is inside the function it names.
      const start = text.findIndex((l) => l.includes(`function ${f.fn}(`));
      const end = text.findIndex((l, i) => i > start && l.startsWith('}'));
      assert.ok(start >= 0 && start < f.line - 1 && f.line - 1 < end, `${key} inside ${f.fn}`);
    }
  });

  describe('the command line', () => {
    async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
      return { code, out, err };
    }

    for (const [args, message] of [
      [['--rate', '0'], /--rate must be a number of requests per second above 0/],
      [['--rate', 'fast'], /--rate must be/],
      [['--split', '80/30'], /--split takes the percent to reviews v1 and v2 adding up to 100/],
      [['--split', '80'], /--split takes/],
      [['--protocol', 'http/json'], /--protocol must be http\/protobuf or grpc/],
      [['--count', '0'], /--count must be a whole number/],
      [['--seed', '-1'], /--seed must be a whole number/],
      [['--count', '5', '--duration', '2'], /--count and --duration cannot be used together/],
      [['--bogus'], /unknown option --bogus/],
      [['extra'], /meshlens demo takes no arguments, got "extra"/],
    ] as const) {
      it(`demo ${args.join(' ')}: a usage error (exit 2, the reason first)`, async () => {
        const r = await cli('demo', ...args);
        assert.equal(r.code, 2);
        assert.equal(r.out, '');
        assert.match(r.err.split('\n')[0], /^meshlens: /);
        assert.match(r.err.split('\n')[0], message);
      });
    }

    it('serve: demo options need --demo', async () => {
      const r = await cli('serve', '--rate', '3');
      assert.equal(r.code, 2);
      assert.match(r.err.split('\n')[0], /^meshlens: --rate is a demo option: add --demo$/);
    });

    it('no receiver at the endpoint: one line, exit 1', async () => {
      // A port just closed: nothing listens there.
      const spare = await startReceivers({ httpPort: 0, ingest: new Ingest(new TraceStore()) });
      const port = spare.listeners[0].port;
      await spare.close();
      const r = await cli('demo', '--endpoint', `http://127.0.0.1:${port}`, '--count', '3');
      assert.equal(r.code, 1);
      assert.equal(r.out, '');
      assert.equal(r.err, `meshlens: no OTLP receiver at http://127.0.0.1:${port}/v1/traces (ECONNREFUSED); start one (meshlens serve, or the MeshLens extension) or pass --endpoint\n`);
    });

    it('demo --count sends that many requests in real time and exits 0', async () => {
      const r = await cli('demo', '--endpoint', endpoint('otlpHttp'), '--count', '20', '--rate', '200', '--seed', '9');
      assert.equal(r.err, '');
      assert.equal(r.code, 0);
      assert.match(r.out, /^Sending Bookinfo demo traffic to http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(http\/protobuf\) at 200 requests\/s, 20 requests; Ctrl\+C stops\n/);
      const m = /^Sent 20 requests, ([\d,]+) of ([\d,]+) spans taken by the receiver; reviews v1 \d+, v2 \d+, v3 \d+$/m.exec(r.out);
      assert.ok(m, r.out);
      assert.equal(m[1], m[2]);
      await arrived(Number(m[2]));
      const s = answerFromGraph(graph, 'graph', { window: 'all', versioned: false });
      assert.equal(s.edges.find((e) => e.id === 'user->service:productpage')?.server?.requests, 20);
    });
  });

  it('serve --demo: the server feeds its own receiver over OTLP; the map fills in; SIGINT ends both', async () => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', 'src/cli/index.ts', 'serve', '--demo', '--rate', '200', '--seed', '4', '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--zipkin-port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
          if (/^Demo +\S+.*\n/m.test(stdout)) resolve();
        });
        void exit.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
      });
      const lines = Object.fromEntries(stdout.trim().split('\n').map((l) => l.split(/ +/)));
      assert.equal(lines.Demo, lines['OTLP/HTTP'], `the demo sends to the server's own receiver:\n${stdout}`);
      const api = Number(new URL(lines.API).port);
      const sse = await SseClient.connect(api);
      if (!(sse instanceof SseClient)) assert.fail(`refused: ${sse.status} ${sse.body}`);
      const graphNow = async () => {
        const r = await send(api, { path: '/api/rpc', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'request', id: 1, method: 'graph', params: { window: 'all', versioned: false } }) });
        return (JSON.parse(r.body.toString()) as { result: GraphDto }).result;
      };
      // Each store change is a moment to look again; the whole mesh shows up within a few batches.
      let g = await graphNow();
      while (g.edges.length < SERVICE_EDGES.length) {
        await sse.next('changed');
        g = await graphNow();
      }
      sse.req.destroy();
      assert.deepEqual(g.edges.map((e) => [e.id, e.connectionType]), SERVICE_EDGES);
      child.kill('SIGINT');
      assert.equal(await exit, 0, stderr);
      assert.match(stderr, /^meshlens: demo traffic sent [\d,]+ requests, ([\d,]+) of \1 spans taken by the receiver; reviews v1 [\d,]+, v2 [\d,]+, v3 [\d,]+\n$/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  describe('layers: src/demo is node layer', () => {
    const eslint = new ESLint({ cwd: ROOT });
    const errors = async (file: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
      return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').length;
    };
    const use = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;

    it('src/core cannot import it; it cannot import vscode or the viewer', async () => {
      assert.ok((await errors('src/core/x.ts', use('../demo'))) > 0);
      assert.ok((await errors('src/core/graph/x.ts', use('../../demo/run'))) > 0);
      assert.ok((await errors('src/demo/x.ts', use('vscode'))) > 0);
      assert.ok((await errors('src/demo/x.ts', use('../vscode/traces'))) > 0);
      assert.ok((await errors('src/demo/x.ts', use('../../webview/main'))) > 0);
    });

    it('it may use Node, the SDK and the core', async () => {
      assert.equal(await errors('src/demo/x.ts', "import * as net from 'node:net';\nimport { trace } from '@opentelemetry/api';\nimport { TraceStore } from '../core/trace';\nexport const used = [net, trace, TraceStore];\n"), 0);
    });
  });
});
