// The service graph's cost (issue 9): how fast spans are derived into the graph, and what the
// graph's ingest hook adds to ingest. Same process, same payloads, same run:
//
// - derivation: ServiceGraph.add over span heads with the graph's attributes (what the hook gets),
//   decoded beforehand, so only the derivation is timed;
// - ingest: Ingest.protobufTraces (decode, store with the default budget, hooks) on the same
//   requests without a hook, with the graph's hook (Ingest.onSpanHeads: heads plus the graph's
//   attributes), and, for comparison, with a whole-span hook (Ingest.onSpans, the only kind of
//   hook before). Each mode runs in a process of its own, as in production (a process either has
//   the hook or not: one process running all three makes the decoder and the store see three span
//   shapes, which may slow all of them -- suspected, not shown); the processes take turns, so load on the machine hits the
//   modes alike; medians of per-turn ratios. No HTTP: the denominator is decode + store only,
//   which makes the overhead look larger than behind a receiver (bench:ingest measures that).
//
// The payloads are what the OpenTelemetry JS SDK sends (bench/otel-payloads.ts), with fresh trace
// ids per request, in two orders of time:
// - live: each request holds the traces of the 5 s after the previous one's, as a batch span
//   processor exports what ended since its last export (the 20 distinct requests cover 100 s and
//   then start over, so the graph also sees late data five times a round);
// - scattered: every request's traces start anywhere in the same 50 s, so every span lands in a
//   random second of its edge's series (the worst case for the per-second buckets).
// - behind the receiver: the OTLP/HTTP receiver as it runs in the trace worker (HTTP, decode, store,
//   hooks), in a process pinned to one core and fed by a client pinned to the other (bench/ingest.ts's
//   roles), without a hook and with the graph's hook, in turns; medians of per-turn ratios of the time
//   to take the same spans. This is the ingest time a user's exporter sees.
// Target: the graph hook adds under 20% to ingest time, judged behind the receiver (the figures
// without HTTP are reported too: there the denominator is decode + store only, so the same work is a
// larger share).
//
// Then the map (bench/graph-render.ts): layout and drawing of graphs of 50, 300 and 1,000 services in
// Chromium, and the per-frame work while the 300-service map is updated once a second. Targets: 300
// services under 1 s, updates under 16 ms per frame (p95).
//
//   npm run bench:graph        (builds first; GRAPH_ROUNDS=<n> turns, default 7; GRAPH_REQUESTS=<n> per round, default 100)
//
// The last line of output is one JSON object for machines.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AttributeKeys, decodeTraceHeadsProtobuf, TraceStore, type SpanHeadWithAttributes } from '../src/core/trace';
import { GRAPH_ATTRIBUTE_KEYS, ServiceGraph } from '../src/core/graph';
import { Ingest } from '../src/receiver/ingest';
import { makePayloads, markerOffsets, withFreshIds } from './otel-payloads';

const SPANS_PER_REQUEST = 1000;
const DISTINCT_REQUESTS = 20;
const ROUNDS = Number(process.env.GRAPH_ROUNDS ?? 7);
const REQUESTS_PER_ROUND = Number(process.env.GRAPH_REQUESTS ?? 100);
const TARGET_OVERHEAD_PCT = 20;
/** Turns of the receiver without and with the hook, and the spans each run takes (3x the store's default budget: it evicts as in steady use). */
const RX_TURNS = Number(process.env.GRAPH_RX_TURNS ?? 5);
const RX_SPANS = Number(process.env.GRAPH_RX_SPANS ?? 600_000);

type Mode = 'none' | 'graph' | 'spans';
type Order = 'live' | 'scattered';
/** What a child process measures: the whole-span hook only on live traffic, for comparison. */
const RUNS: readonly { mode: Mode; order: Order }[] = [
  { mode: 'none', order: 'live' },
  { mode: 'graph', order: 'live' },
  { mode: 'spans', order: 'live' },
  { mode: 'none', order: 'scattered' },
  { mode: 'graph', order: 'scattered' },
];
const LIVE_WINDOW_MS = 5000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = (globalThis as { gc?: () => void }).gc;

/** Rounds each ingest process measures (after one warm-up); it reports their median. */
const CHILD_ROUNDS = 5;

/** One mode's ingest in this process: median ms per round of REQUESTS_PER_ROUND requests. */
function ingestChild(mode: Mode, file: string): void {
  const packed = fs.readFileSync(file);
  const payloads: Buffer[] = [];
  for (let at = 0; at < packed.length; ) {
    const len = packed.readUInt32BE(at);
    payloads.push(packed.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  const offsets = payloads.map(markerOffsets);
  let fresh = 1;
  const times: number[] = [];
  for (let round = 0; round <= CHILD_ROUNDS; round++) {
    const batch = Array.from({ length: REQUESTS_PER_ROUND }, (_, i) => withFreshIds(payloads[i % payloads.length], offsets[i % payloads.length], fresh++));
    const ingest = new Ingest(new TraceStore());
    const g = new ServiceGraph();
    if (mode === 'graph') ingest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (spans) => g.add(spans));
    // The stand-in for a whole-span hook reads what the graph would read.
    if (mode === 'spans') ingest.onSpans((spans) => g.add(spans));
    let reads = 0;
    const t = performance.now();
    for (const b of batch) reads += ingest.protobufTraces(b, { signal: 'traces', encoding: 'protobuf', bytes: b }).spans;
    const took = performance.now() - t;
    if (reads !== REQUESTS_PER_ROUND * SPANS_PER_REQUEST) throw new Error(`ingest took ${reads} spans`);
    if (round > 0) times.push(took);
  }
  console.log(JSON.stringify({ mode, ms: median(times) }));
}

function runChild(mode: Mode, file: string): number {
  const tsx = require.resolve('tsx/cjs');
  const r = spawnSync(process.execPath, ['-r', tsx, __filename, 'ingest-child', mode, file], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`ingest child (${mode}) failed: ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return (JSON.parse(last) as { ms: number }).ms;
}

async function main(): Promise<void> {
  const load0 = os.loadavg()[0];
  const byOrder: Record<Order, Buffer[]> = {
    live: await makePayloads(SPANS_PER_REQUEST, DISTINCT_REQUESTS, LIVE_WINDOW_MS),
    scattered: await makePayloads(SPANS_PER_REQUEST, DISTINCT_REQUESTS),
  };
  const files: Record<Order, string> = {
    live: path.join(os.tmpdir(), `meshlens-bench-graph-${process.pid}-live.bin`),
    scattered: path.join(os.tmpdir(), `meshlens-bench-graph-${process.pid}-scattered.bin`),
  };
  // The ingest processes read the same payloads (made once: the SDK takes seconds), length-prefixed.
  for (const order of ['live', 'scattered'] as const) fs.writeFileSync(files[order], Buffer.concat(byOrder[order].flatMap((p) => [lengthPrefix(p.length), p])));
  const payloads = byOrder.live;
  const offsets = payloads.map(markerOffsets);
  let fresh = 1;
  const bodies = (n: number) => Array.from({ length: n }, (_, i) => withFreshIds(payloads[i % payloads.length], offsets[i % payloads.length], fresh++));
  const keys = new AttributeKeys(GRAPH_ATTRIBUTE_KEYS);

  const derive: number[] = [];
  const ingestMs: Record<Order, Record<Mode, number[]>> = { live: { none: [], graph: [], spans: [] }, scattered: { none: [], graph: [], spans: [] } };
  let graphStats = new ServiceGraph().stats();
  let edges = 0;
  for (let round = 0; round <= Math.min(ROUNDS, 5); round++) {
    const batch = bodies(REQUESTS_PER_ROUND);

    // Derivation alone.
    const heads: SpanHeadWithAttributes[][] = batch.map((b) => decodeTraceHeadsProtobuf(b, keys).heads as SpanHeadWithAttributes[]);
    const spanCount = heads.reduce((n, h) => n + h.length, 0);
    gc?.();
    const graph = new ServiceGraph();
    const t = performance.now();
    for (const h of heads) graph.add(h);
    const ms = performance.now() - t;
    if (round > 0) derive.push(spanCount / (ms / 1000));
    graphStats = graph.stats();
    edges = graph.snapshot({ window: 'all' }).edges.length;
  }
  // Ingest in a process per mode, taking turns (the order rotates per turn).
  try {
    for (let turn = 0; turn < ROUNDS; turn++) {
      for (let k = 0; k < RUNS.length; k++) {
        const { mode, order } = RUNS[(k + turn) % RUNS.length];
        ingestMs[order][mode].push(runChild(mode, files[order]));
      }
    }
  } finally {
    for (const f of Object.values(files)) fs.rmSync(f, { force: true });
  }
  // Behind the receiver: the first mode alternates per turn. Imported here for the same reason as
  // graph-render below: the ingest child processes load only what they run.
  const { prepareIngest, runIngestOnce } = await import('./ingest');
  await prepareIngest();
  const rx: Record<'none' | 'graph', number[]> = { none: [], graph: [] };
  const rxFailed: number[] = [];
  for (let turn = 0; turn < RX_TURNS; turn++) {
    for (const mode of turn % 2 === 0 ? (['none', 'graph'] as const) : (['graph', 'none'] as const)) {
      const { sent } = await runIngestOnce(mode, RX_SPANS);
      rx[mode].push(sent.spans / sent.seconds);
      rxFailed.push(sent.failed);
    }
  }
  // Time is spans / rate: the overhead in time is the rate without over the rate with, minus one.
  const rxOverheads = rx.graph.map((g, i) => (rx.none[i] / g - 1) * 100);
  const rxOverheadPct = median(rxOverheads);

  const deriveSpansPerSec = median(derive);
  const live = ingestMs.live;
  const none = median(live.none);
  const withGraph = median(live.graph);
  const withSpans = median(live.spans);
  // The ratio per turn (both measured in the same turn), then its median: steadier under load than a ratio of medians.
  const overheads = live.graph.map((g, i) => (g / live.none[i] - 1) * 100);
  const ingestOverheadPct = median(overheads);
  const spansOverheadPct = median(live.spans.map((s, i) => (s / live.none[i] - 1) * 100));
  const scatteredOverheads = ingestMs.scattered.graph.map((g, i) => (g / ingestMs.scattered.none[i] - 1) * 100);
  const scatteredOverheadPct = median(scatteredOverheads);
  const spans = REQUESTS_PER_ROUND * SPANS_PER_REQUEST;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const load1 = os.loadavg()[0];
  // The map's layout and drawing in Chromium (bench/graph-render.ts), after the ingest turns so the
  // browser does not share the cores with them.
  // Imported here, not at the top: the ingest child processes must not load playwright (a bigger
  // heap of modules changes their garbage collection, which is most of what the hook costs).
  const { measureGraphRender } = await import('./graph-render');
  const render = await measureGraphRender();

  console.log(`bench:graph  ingest: ${ROUNDS} turns of a process per mode and order of time (live, scattered), each ${CHILD_ROUNDS} rounds (+1 warm-up) of ${REQUESTS_PER_ROUND} requests x ${SPANS_PER_REQUEST} spans (OTel JS SDK payloads, fresh trace ids); load avg ${load0.toFixed(1)} -> ${load1.toFixed(1)}; ${os.cpus().length} cpus`);
  console.log('');
  console.log('| measure | value | target | met |');
  console.log('|---|---|---|---|');
  console.log(`| derivation (ServiceGraph.add on heads + attributes), live traffic | ${n(deriveSpansPerSec)} spans/s | | |`);
  console.log(`| ingest without a hook (decode heads, store), live traffic | ${n(spans / (none / 1000))} spans/s, ${none.toFixed(0)} ms per round | | |`);
  console.log(`| ingest with the graph hook (onSpanHeads), live traffic | ${n(spans / (withGraph / 1000))} spans/s, ${withGraph.toFixed(0)} ms per round | | |`);
  console.log(`| behind the receiver (OTLP/HTTP, decode, store; pinned): without a hook / with the graph's hook | ${n(median(rx.none))} / ${n(median(rx.graph))} spans/s (${rxFailed.reduce((a, b) => a + b, 0)} requests failed) | | |`);
  console.log(`| graph hook overhead on ingest time behind the receiver (median of ${RX_TURNS} per-turn ratios) | ${rxOverheadPct.toFixed(1)}% | < ${TARGET_OVERHEAD_PCT}% | ${rxOverheadPct < TARGET_OVERHEAD_PCT ? 'yes' : 'NO'} |`);
  console.log(`| graph hook overhead on decode + store alone, no HTTP, live traffic (median of per-turn ratios) | ${ingestOverheadPct.toFixed(1)}% | | |`);
  console.log(`| the same, scattered times (every request spans 50 s) | ${scatteredOverheadPct.toFixed(1)}% (ingest ${median(ingestMs.scattered.none).toFixed(0)} -> ${median(ingestMs.scattered.graph).toFixed(0)} ms per round) | | |`);
  // What derivation alone would add at the measured rates (the rest of the measured overhead is the
  // attribute decode, garbage collection of what the hook keeps, and noise on a loaded machine).
  console.log(`| the same as a ratio of the medians (a second estimate: far from the first means the machine was too busy) | ${((withGraph / none - 1) * 100).toFixed(1)}% | | |`);
  console.log(`| derivation alone, as a share of ingest time (ingest rate / derivation rate) | ${((spans / (none / 1000) / deriveSpansPerSec) * 100).toFixed(1)}% | | |`);
  console.log(`| for comparison: the same graph on whole spans (onSpans) | ${n(spans / (withSpans / 1000))} spans/s, +${spansOverheadPct.toFixed(1)}% | | |`);
  console.log(`| graph after a round | ${edges} edges; pending ${graphStats.pendingEdges}, expired ${graphStats.expiredEdges}, dropped ${graphStats.droppedEdges}, bad ${graphStats.badSpans} | | |`);
  console.log(`| map layout + render, 300 services (Chromium) | ${render.figures.render300Ms.toFixed(0)} ms | < 1,000 ms | ${render.figures.render300Ms < 1000 ? 'yes' : 'NO'} |`);
  console.log(`| per-frame work during live updates of the 300-service map, p95 of all frames | ${render.figures.updateP95FrameMs.toFixed(1)} ms | < 16 ms | ${render.figures.updateP95FrameMs < 16 ? 'yes' : 'NO'} |`);
  // The stricter reading: only the frames in which the map did work for an update.
  console.log(`| the same over the frames the map ran in (p95 / max) | ${render.figures.updateFramesP95Ms.toFixed(1)} / ${render.figures.updateFramesMaxMs.toFixed(1)} ms | < 16 ms | ${render.figures.updateFramesP95Ms < 16 ? 'yes' : 'NO'} |`);
  console.log('');
  console.log(`per-turn overheads (%): behind the receiver ${rxOverheads.map((o) => o.toFixed(1)).join(', ')}; live ${overheads.map((o) => o.toFixed(1)).join(', ')}; scattered ${scatteredOverheads.map((o) => o.toFixed(1)).join(', ')}`);
  console.log('');
  console.log(render.table);
  console.log(
    JSON.stringify({
      bench: 'graph',
      deriveSpansPerSec: Math.round(deriveSpansPerSec),
      ingestOverheadPct: Math.round(rxOverheadPct * 10) / 10,
      receiverSpansPerSec: Math.round(median(rx.none)),
      receiverSpansPerSecWithGraph: Math.round(median(rx.graph)),
      decodeStoreOverheadPct: Math.round(ingestOverheadPct * 10) / 10,
      ingestOverheadScatteredPct: Math.round(scatteredOverheadPct * 10) / 10,
      ingestOverheadOfMediansPct: Math.round((withGraph / none - 1) * 1000) / 10,
      ingestSpansPerSec: Math.round(spans / (none / 1000)),
      ingestSpansPerSecWithGraph: Math.round(spans / (withGraph / 1000)),
      wholeSpanHookOverheadPct: Math.round(spansOverheadPct * 10) / 10,
      deriveShareOfIngestPct: Math.round((spans / (none / 1000) / deriveSpansPerSec) * 1000) / 10,
      // The map's figures (bench/graph-render.ts).
      ...render.figures,
      loadAvg: Math.round(load1 * 10) / 10,
    }),
  );
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

if (process.argv[2] === 'ingest-child') ingestChild(process.argv[3] as Mode, process.argv[4]);
else
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
