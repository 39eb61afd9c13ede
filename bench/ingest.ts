// OTLP/HTTP ingest throughput: loopback clients post 1,000-span protobuf requests to the receiver
// as fast as it takes them, and the receiver process, pinned to one core, does all its work there
// (HTTP, decode, store with the default budget, ingest hooks). Baseline, measured in the same
// run, in the same process, on the same core, on the same payloads: bare protobuf decoding
// (protobufjs' ExportTraceServiceRequest.decode, nothing else), and our full decode (ids to hex,
// the normalised model). The receiver ships bundled and minified, so it is bundled so here.
//
//   npm run bench:ingest            (INGEST_SPANS=<n> to send another total; default 2,000,000)
//
// Two runs: the receiver with no ingest hook (the store keeps packed heads and decodes a span in
// full when it is shown), and the receiver as the trace worker runs it, with the service graph's
// hook (Ingest.onSpanHeads: span heads plus the few attributes the graph reads). The targets apply
// to the first; the second gives the graph's overhead behind a real receiver (bench:graph runs the
// same two, in turns, for its target).
//
// The payloads are what the OpenTelemetry JS SDK sends (bench/otel-payloads.ts: spans recorded by
// real tracer providers, serialised by @opentelemetry/otlp-transformer). The client gives every
// request fresh trace ids (the store must grow and evict, not overwrite the same 20,000 spans).
//
// The last line of output is one JSON object for machines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { makePayloads, markerOffsets, withFreshIds } from './otel-payloads';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const BUNDLE = path.join(WORK, 'dist', 'meshlens-ingest.js');
const PAYLOADS = path.join(WORK, 'ingest-payloads.json');
const SPANS_PER_REQUEST = 1000;
const DISTINCT_REQUESTS = 20;
const TOTAL_SPANS = Number(process.env.INGEST_SPANS ?? 2_000_000);
const IN_FLIGHT = 8;
const DECODE_ROUNDS = 5;
const TARGET_SPANS_PER_SEC = 150_000;
const TARGET_RATIO = 0.5;
const TARGET_RSS_MB = 400;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---------------------------------------------------------------------------------------------
// Roles. The receiver and the client run as separate processes, each pinned to its own core.

type Core = typeof import('../src/core/trace') & typeof import('../src/receiver/http') & typeof import('../src/receiver/ingest') & typeof import('../src/core/graph');

/** What the receiver runs at ingest: nothing but the store, or the service graph's hook as the trace worker adds it. */
export type ReceiverMode = 'none' | 'graph';

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

async function receiverRole(mode: ReceiverMode): Promise<void> {
  const m = createRequire(__filename)(BUNDLE) as Core;
  const payloads = (JSON.parse(fs.readFileSync(PAYLOADS, 'utf8')) as string[]).map((b) => Buffer.from(b, 'base64'));
  measureDecode(m, payloads); // warm-up: JIT and protobufjs' generated decoders
  const before = measureDecode(m, payloads);
  const store = new m.TraceStore();
  const ingest = new m.Ingest(store);
  if (mode === 'graph') {
    // As src/receiver/trace-worker.ts wires it.
    const graph = new m.ServiceGraph();
    ingest.onSpanHeads(m.GRAPH_ATTRIBUTE_KEYS, (spans) => graph.add(spans));
  }
  const rx = process.env.INGEST_NOOP ? await noopServer() : await m.startHttpReceiver({ port: 0, ingest });
  const send = (msg: unknown) => process.send!(msg);
  // The highest RSS seen while ingesting, not only at the end: the heap grows and shrinks with GC.
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  send({ type: 'ready', port: rx.port });
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'done') return;
    clearInterval(sampler);
    const mem = process.memoryUsage();
    const peakRssMb = Math.max(peakRss, mem.rss) / 2 ** 20;
    const rssMb = mem.rss / 2 ** 20;
    const heapMb = mem.heapUsed / 2 ** 20;
    const buffersMb = mem.arrayBuffers / 2 ** 20;
    const heapTotalMb = mem.heapTotal / 2 ** 20;
    const stats = store.stats();
    void rx.close().then(() => {
      const after = measureDecode(m, payloads);
      send({ type: 'figures', rssMb, peakRssMb, heapMb, heapTotalMb, buffersMb, stats, counters: ingest.counters, rx: rx.stats, decode: [before, after] });
      // Exit on our own (not killed), so that a --cpu-prof profile gets written.
      process.disconnect();
    });
  });
}

async function clientRole(port: number, totalSpans: number): Promise<void> {
  const payloads = (JSON.parse(fs.readFileSync(PAYLOADS, 'utf8')) as string[]).map((b) => Buffer.from(b, 'base64'));
  const offsets = payloads.map(markerOffsets);
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const requests = Math.ceil(totalSpans / SPANS_PER_REQUEST);
  let next = 0;
  let failed = 0;
  const post = (n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const i = n % payloads.length;
      // A copy with fresh trace ids: this request's number written after the marker.
      const body = withFreshIds(payloads[i], offsets[i], n);
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

/**
 * Bundles the receiver as it ships (minified) and writes the payloads the roles read; returns the
 * median request size in KB. bench:graph calls it too.
 */
export async function prepareIngest(): Promise<number> {
  fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    stdin: { contents: "export * from './src/core/trace';\nexport * from './src/receiver/http';\nexport * from './src/receiver/ingest';\nexport { GRAPH_ATTRIBUTE_KEYS, ServiceGraph } from './src/core/graph';\n", resolveDir: ROOT, loader: 'ts' },
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
  const payloads = await makePayloads(SPANS_PER_REQUEST, DISTINCT_REQUESTS);
  fs.writeFileSync(PAYLOADS, JSON.stringify(payloads.map((p) => p.toString('base64'))));
  if (os.cpus().length < 2) throw new Error('the ingest bench pins the receiver and the client to two different cores; this machine has one');
  return median(payloads.map((p) => p.length)) / 1024;
}

async function main(): Promise<void> {
  const role = process.argv[2];
  if (role === 'receiver') return receiverRole(process.argv[3] as ReceiverMode);
  if (role === 'client') return clientRole(Number(process.argv[3]), Number(process.argv[4]));

  const load0 = os.loadavg()[0];
  const kb = await prepareIngest();

  const { sent, f } = await runIngestOnce('none', TOTAL_SPANS);
  const hooked = await runIngestOnce('graph', TOTAL_SPANS);
  const load1 = os.loadavg()[0];

  const spansPerSec = sent.spans / sent.seconds;
  const hookedPerSec = hooked.sent.spans / hooked.sent.seconds;
  const wire = median([...f.decode, ...hooked.f.decode].map((d) => d.wireSpansPerSec));
  const full = median([...f.decode, ...hooked.f.decode].map((d) => d.fullSpansPerSec));
  const ratio = spansPerSec / wire;
  const ok = (b: boolean) => (b ? 'yes' : 'NO');
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`bench:ingest  ${sent.requests.toLocaleString('en-US')} requests of ${SPANS_PER_REQUEST} spans (${kb.toFixed(0)} KB protobuf each), ${IN_FLIGHT} in flight; receiver on cpu 0, client on cpu 1; load avg ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  console.log('');
  console.log('| measure | value | target | met |');
  console.log('|---|---|---|---|');
  console.log(`| end to end (HTTP, decode, store), no hook | ${n(spansPerSec)} spans/s | >= ${n(TARGET_SPANS_PER_SEC)} | ${ok(spansPerSec >= TARGET_SPANS_PER_SEC)} |`);
  console.log(`| the same with the service graph's hook, as the trace worker runs (one run: bench:graph measures the overhead in turns) | ${n(hookedPerSec)} spans/s, +${((spansPerSec / hookedPerSec - 1) * 100).toFixed(1)}% time | | |`);
  console.log(`| baseline: bare protobuf decode (protobufjs) | ${n(wire)} spans/s | | |`);
  console.log(`| our full decode (hex ids, model) | ${n(full)} spans/s | | |`);
  console.log(`| ratio end to end / bare decode | ${ratio.toFixed(2)} | >= ${TARGET_RATIO} | ${ok(ratio >= TARGET_RATIO)} |`);
  console.log(`| receiver RSS after ${n(sent.spans)} spans | ${f.rssMb.toFixed(0)} MB (JS heap ${f.heapMb.toFixed(0)} of ${f.heapTotalMb.toFixed(0)} MB, request buffers ${f.buffersMb.toFixed(0)} MB) | < ${TARGET_RSS_MB} MB | ${ok(f.rssMb < TARGET_RSS_MB)} |`);
  console.log(`| receiver peak RSS while ingesting | ${f.peakRssMb.toFixed(0)} MB | < ${TARGET_RSS_MB} MB | ${ok(f.peakRssMb < TARGET_RSS_MB)} |`);
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
      spansPerSecWithGraph: Math.round(hookedPerSec),
      ratioWithGraph: Math.round((hookedPerSec / wire) * 100) / 100,
      rssMb: Math.round(f.rssMb),
      peakRssMb: Math.round(f.peakRssMb),
      spans: sent.spans,
      kept: f.stats.spans,
      evicted: f.stats.evictedSpans,
      failed: sent.failed,
      loadAvg: Math.round(load0 * 10) / 10,
    }),
  );
}

export interface Sent {
  spans: number;
  seconds: number;
  failed: number;
  requests: number;
}
export interface Figures {
  rssMb: number;
  peakRssMb: number;
  heapMb: number;
  heapTotalMb: number;
  buffersMb: number;
  stats: { spans: number; traces: number; evictedSpans: number };
  decode: DecodeFigures[];
}

/** One receiver process in this mode, fed `totalSpans` by one client process (prepareIngest first). */
export async function runIngestOnce(mode: ReceiverMode, totalSpans: number): Promise<{ sent: Sent; f: Figures }> {
  const rx = child('receiver', 0, mode);
  const { port } = await next<{ port: number }>(rx, 'ready');
  const cl = child('client', 1, String(port), String(totalSpans));
  const sent = await next<Sent>(cl, 'sent');
  const figures = next<Figures>(rx, 'figures');
  rx.send({ type: 'done' });
  const f = await figures;
  if (rx.exitCode === null) await new Promise((resolve) => rx.once('exit', resolve));
  cl.kill();
  return { sent, f };
}

// bench:graph imports this file for prepareIngest and runIngestOnce; the roles run it as a script.
if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
