// OTLP/HTTP ingest throughput: loopback clients post 1,000-span protobuf requests to the receiver
// as fast as it takes them, and the receiver process, pinned to one core, does all its work there
// (HTTP, decode, store with the default budget, ingest hooks). Baseline, measured in the same
// run, in the same process, on the same core, on the same payloads: bare protobuf decoding
// (protobufjs' ExportTraceServiceRequest.decode, nothing else), and our full decode (ids to hex,
// the normalised model). The receiver ships bundled and minified, so it is bundled so here.
//
//   npm run bench:ingest            (INGEST_SPANS=<n> to send another total; default 2,000,000)
//
// The payloads are what the OpenTelemetry JS SDK sends: spans recorded by real tracer providers
// (five services of a sample mesh, each with its own resource) and serialised by
// @opentelemetry/otlp-transformer, as exporter-trace-otlp-proto does. Trace ids carry a marker so
// that the client can give every request fresh trace ids (the store must grow and evict, not
// overwrite the same 20,000 spans).
//
// The last line of output is one JSON object for machines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const BUNDLE = path.join(WORK, 'dist', 'meshlens-ingest.js');
const PAYLOADS = path.join(WORK, 'ingest-payloads.json');
const SPANS_PER_REQUEST = 1000;
const DISTINCT_REQUESTS = 20;
const TOTAL_SPANS = Number(process.env.INGEST_SPANS ?? 2_000_000);
const IN_FLIGHT = 8;
const DECODE_ROUNDS = 5;
/** The first 4 bytes of every generated trace id; the client overwrites the next 4 with a counter. */
const MARKER = [0x6d, 0x65, 0x73, 0x68];
const TARGET_SPANS_PER_SEC = 150_000;
const TARGET_RATIO = 0.5;
const TARGET_RSS_MB = 400;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---------------------------------------------------------------------------------------------
// Payloads: a sample mesh recorded by the real SDK.

async function makePayloads(): Promise<Buffer[]> {
  const api = await import('@opentelemetry/api');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  // mulberry32: seeded, so every run sends the same shapes; Math.imul keeps it exact in 32 bits.
  let seed = 7;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('');
  const idGenerator = {
    generateTraceId: () => MARKER.map((b) => b.toString(16)).join('') + hex(12),
    generateSpanId: () => hex(8),
  };
  const exporter = new InMemorySpanExporter();
  const services = ['frontend', 'cart', 'checkout', 'payment', 'inventory'];
  const tracers = new Map(
    services.map((name) => {
      const provider = new BasicTracerProvider({
        idGenerator,
        resource: resourceFromAttributes({
          'service.name': name,
          'service.version': '1.4.2',
          'service.namespace': 'shop',
          'k8s.namespace.name': 'shop',
          'k8s.pod.name': `${name}-7d9f8b6c5-x2x7q`,
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.name': 'opentelemetry',
        }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      return [name, provider.getTracer(`@shop/${name}`, '1.4.2')] as const;
    }),
  );
  const t0 = Date.now() - 60_000;
  const call = (from: string, to: string, route: string, parent: import('@opentelemetry/api').Context, at: number, depth: number): number => {
    const clientSpan = tracers.get(from)!.startSpan(
      `GET ${route}`,
      { kind: api.SpanKind.CLIENT, startTime: at, attributes: { 'http.request.method': 'GET', 'url.full': `http://${to}:8080${route}`, 'server.address': to, 'server.port': 8080, 'network.protocol.version': '1.1' } },
      parent,
    );
    const serverCtx = api.trace.setSpan(parent, clientSpan);
    const server = tracers.get(to)!.startSpan(
      `GET ${route}`,
      { kind: api.SpanKind.SERVER, startTime: at + 1, attributes: { 'http.request.method': 'GET', 'http.route': route, 'url.path': route, 'url.scheme': 'http', 'user_agent.original': 'node-fetch/3', 'client.address': '10.0.3.17' } },
      serverCtx,
    );
    let end = at + 2;
    const inner = api.trace.setSpan(serverCtx, server);
    if (depth < 2) {
      for (const next of services.filter((s) => s !== to && s !== from).slice(0, 2)) {
        if (rand() < 0.6) end = call(to, next, `/api/${next}/${Math.floor(rand() * 100)}`, inner, end + 1, depth + 1);
      }
    }
    const db = tracers.get(to)!.startSpan('SELECT items', { kind: api.SpanKind.CLIENT, startTime: end, attributes: { 'db.system': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT * FROM items WHERE id = $1' } }, inner);
    db.end(end + 3);
    end += 4;
    const failed = rand() < 0.05;
    server.setAttribute('http.response.status_code', failed ? 503 : 200);
    if (failed) {
      server.addEvent('exception', { 'exception.type': 'UpstreamError', 'exception.message': 'connection reset by peer' }, end);
      server.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream failed' });
    }
    server.end(end);
    clientSpan.setAttribute('http.response.status_code', failed ? 503 : 200);
    clientSpan.end(end + 1);
    return end + 1;
  };
  while (exporter.getFinishedSpans().length < SPANS_PER_REQUEST * DISTINCT_REQUESTS) {
    const start = t0 + Math.floor(rand() * 50_000);
    const root = tracers.get('frontend')!.startSpan('GET /checkout', { kind: api.SpanKind.SERVER, startTime: start, attributes: { 'http.request.method': 'GET', 'http.route': '/checkout' } }, api.ROOT_CONTEXT);
    const end = call('frontend', 'checkout', '/api/checkout', api.trace.setSpan(api.ROOT_CONTEXT, root), start + 1, 0);
    root.setAttribute('http.response.status_code', 200);
    root.end(end + 1);
  }
  const all = exporter.getFinishedSpans().slice(0, SPANS_PER_REQUEST * DISTINCT_REQUESTS);
  const out: Buffer[] = [];
  for (let i = 0; i < DISTINCT_REQUESTS; i++) {
    out.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(all.slice(i * SPANS_PER_REQUEST, (i + 1) * SPANS_PER_REQUEST))!));
  }
  return out;
}

function markerOffsets(buf: Buffer): number[] {
  const at: number[] = [];
  const marker = Buffer.from(MARKER);
  for (let i = buf.indexOf(marker); i >= 0; i = buf.indexOf(marker, i + 1)) at.push(i + MARKER.length);
  return at;
}

// ---------------------------------------------------------------------------------------------
// Roles. The receiver and the client run as separate processes, each pinned to its own core.

type Core = typeof import('../src/core/trace') & typeof import('../src/receiver/http') & typeof import('../src/receiver/ingest');

interface DecodeFigures {
  wireSpansPerSec: number;
  fullSpansPerSec: number;
}

function measureDecode(m: Core, payloads: Buffer[]): DecodeFigures {
  const wire: number[] = [];
  const full: number[] = [];
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    let t = performance.now();
    for (const p of payloads) m.ExportTraceServiceRequest.decode(p);
    wire.push((payloads.length * SPANS_PER_REQUEST) / ((performance.now() - t) / 1000));
    t = performance.now();
    for (const p of payloads) m.decodeTracesProtobuf(p);
    full.push((payloads.length * SPANS_PER_REQUEST) / ((performance.now() - t) / 1000));
  }
  return { wireSpansPerSec: median(wire), fullSpansPerSec: median(full) };
}

async function noopServer(): Promise<{ port: number; stats: object; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Buffer.concat(chunks);
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': 0 });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as import('node:net').AddressInfo).port, stats: {}, close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

async function receiverRole(): Promise<void> {
  const m = createRequire(__filename)(BUNDLE) as Core;
  const payloads = (JSON.parse(fs.readFileSync(PAYLOADS, 'utf8')) as string[]).map((b) => Buffer.from(b, 'base64'));
  measureDecode(m, payloads); // warm-up: JIT and protobufjs' generated decoders
  const before = measureDecode(m, payloads);
  const store = new m.TraceStore();
  const ingest = new m.Ingest(store);
  const rx = process.env.INGEST_NOOP ? await noopServer() : await m.startHttpReceiver({ port: 0, ingest });
  const send = (msg: unknown) => process.send!(msg);
  send({ type: 'ready', port: rx.port });
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'done') return;
    const mem = process.memoryUsage();
    const rssMb = mem.rss / 2 ** 20;
    const heapMb = mem.heapUsed / 2 ** 20;
    const buffersMb = mem.arrayBuffers / 2 ** 20;
    const stats = store.stats();
    void rx.close().then(() => {
      const after = measureDecode(m, payloads);
      send({ type: 'figures', rssMb, heapMb, buffersMb, stats, counters: ingest.counters, rx: rx.stats, decode: [before, after] });
      // Exit on our own (not killed), so that a --cpu-prof profile gets written.
      process.disconnect();
    });
  });
}

async function clientRole(port: number): Promise<void> {
  const payloads = (JSON.parse(fs.readFileSync(PAYLOADS, 'utf8')) as string[]).map((b) => Buffer.from(b, 'base64'));
  const offsets = payloads.map(markerOffsets);
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const requests = Math.ceil(TOTAL_SPANS / SPANS_PER_REQUEST);
  let next = 0;
  let failed = 0;
  const post = (n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const i = n % payloads.length;
      // A copy with fresh trace ids: this request's number written after the marker.
      const body = Buffer.from(payloads[i]);
      for (const at of offsets[i]) body.writeUInt32BE(n, at);
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (res) => {
        if (res.statusCode !== 200) failed++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < requests) await post(next++);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  process.send!({ type: 'sent', requests, spans: requests * SPANS_PER_REQUEST, seconds, failed });
}

// ---------------------------------------------------------------------------------------------

function child(role: string, cpu: number, ...args: string[]): ChildProcess {
  // tsx's require hook in this process (its CLI would add a wrapper process of its own).
  const tsx = require.resolve('tsx/cjs');
  // taskset pins the process (and its threads: libuv's pool too) to one core.
  // INGEST_PROF=1 writes a CPU profile of the receiver to bench/.work/prof (for finding where time goes).
  const prof = role === 'receiver' && process.env.INGEST_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(WORK, 'prof')}`] : [];
  if (role === 'receiver' && process.env.INGEST_NODE_FLAGS) prof.push(...process.env.INGEST_NODE_FLAGS.split(' '));
  return spawn('taskset', ['-c', String(cpu), process.execPath, ...prof, '-r', tsx, __filename, role, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function next<T>(proc: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }) => {
      if (m.type === type) {
        proc.off('message', onMsg);
        resolve(m as T);
      }
    };
    proc.on('message', onMsg);
    proc.once('exit', (code) => reject(new Error(`${type}: child exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const role = process.argv[2];
  if (role === 'receiver') return receiverRole();
  if (role === 'client') return clientRole(Number(process.argv[3]));

  const load0 = os.loadavg()[0];
  fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    stdin: { contents: "export * from './src/core/trace';\nexport * from './src/receiver/http';\nexport * from './src/receiver/ingest';\n", resolveDir: ROOT, loader: 'ts' },
    outfile: BUNDLE,
    bundle: true,
    // Not minified under INGEST_PROF, so that the profile names our functions.
    minify: !process.env.INGEST_PROF,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
  });
  const payloads = await makePayloads();
  fs.writeFileSync(PAYLOADS, JSON.stringify(payloads.map((p) => p.toString('base64'))));
  const kb = median(payloads.map((p) => p.length)) / 1024;
  const cpus = os.cpus().length;
  if (cpus < 2) throw new Error('bench:ingest pins the receiver and the client to two different cores; this machine has one');

  const rx = child('receiver', 0);
  const { port } = await next<{ port: number }>(rx, 'ready');
  const cl = child('client', 1, String(port));
  const sent = await next<{ spans: number; seconds: number; failed: number; requests: number }>(cl, 'sent');
  const figures = next<{ rssMb: number; heapMb: number; buffersMb: number; stats: { spans: number; traces: number; evictedSpans: number }; counters: { spans: number }; decode: DecodeFigures[] }>(rx, 'figures');
  rx.send({ type: 'done' });
  const f = await figures;
  if (rx.exitCode === null) await new Promise((resolve) => rx.once('exit', resolve));
  cl.kill();
  const load1 = os.loadavg()[0];

  const spansPerSec = sent.spans / sent.seconds;
  const wire = median(f.decode.map((d) => d.wireSpansPerSec));
  const full = median(f.decode.map((d) => d.fullSpansPerSec));
  const ratio = spansPerSec / wire;
  const ok = (b: boolean) => (b ? 'yes' : 'NO');
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`bench:ingest  ${sent.requests.toLocaleString('en-US')} requests of ${SPANS_PER_REQUEST} spans (${kb.toFixed(0)} KB protobuf each), ${IN_FLIGHT} in flight; receiver on cpu 0, client on cpu 1; load avg ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  console.log('');
  console.log('| measure | value | target | met |');
  console.log('|---|---|---|---|');
  console.log(`| end to end (HTTP, decode, store, hooks) | ${n(spansPerSec)} spans/s | >= ${n(TARGET_SPANS_PER_SEC)} | ${ok(spansPerSec >= TARGET_SPANS_PER_SEC)} |`);
  console.log(`| baseline: bare protobuf decode (protobufjs) | ${n(wire)} spans/s | | |`);
  console.log(`| our full decode (hex ids, model) | ${n(full)} spans/s | | |`);
  console.log(`| ratio end to end / bare decode | ${ratio.toFixed(2)} | >= ${TARGET_RATIO} | ${ok(ratio >= TARGET_RATIO)} |`);
  console.log(`| receiver RSS after ${n(sent.spans)} spans | ${f.rssMb.toFixed(0)} MB (JS heap ${f.heapMb.toFixed(0)} MB, request buffers ${f.buffersMb.toFixed(0)} MB) | < ${TARGET_RSS_MB} MB | ${ok(f.rssMb < TARGET_RSS_MB)} |`);
  console.log(`| spans kept / evicted | ${n(f.stats.spans)} in ${n(f.stats.traces)} traces / ${n(f.stats.evictedSpans)} | | |`);
  console.log(`| requests failed | ${sent.failed} | 0 | ${ok(sent.failed === 0)} |`);
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'ingest',
      spansPerSec: Math.round(spansPerSec),
      decodeSpansPerSec: Math.round(wire),
      fullDecodeSpansPerSec: Math.round(full),
      ratio: Math.round(ratio * 100) / 100,
      rssMb: Math.round(f.rssMb),
      spans: sent.spans,
      kept: f.stats.spans,
      evicted: f.stats.evictedSpans,
      failed: sent.failed,
      loadAvg: Math.round(load0 * 10) / 10,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
