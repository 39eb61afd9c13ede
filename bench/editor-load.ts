// Does receiving 10,000 spans/s delay the editor? Manifest diagnostics' edit latency with and without
// trace load, with the receivers and the store in a worker thread (as the extension runs them) and,
// for comparison, on the main thread.
//
//   npm run bench:editor-load           (seed 1; BENCH_SEED=<n> for another workspace)
//
// Processes:
// - two hosts, each in the extension host's role: a ManifestEngine on the bench workspace of
//   bench:lint (1,000 files, 5,000 objects; the engine bundled and minified as it ships), doing
//   bench:lint's edit cycle on the 2,000-line file (setFile of the edited text + analyze + findings
//   of the affected files), one edit every EDIT_INTERVAL_MS, each timed. Each host also runs a
//   trace service with all receivers (OTLP/HTTP, OTLP/gRPC, Zipkin) on port 0 and the default store
//   budget, and subscribes to its change messages as the status bar does (that host-side work is in
//   the figures):
//     worker:     startTraceService with the worker bundle (src/receiver/trace-worker.ts built by
//                 esbuild, minified, as scripts/build.mjs --production builds dist/trace-worker.js);
//     in-process: startReceivers + Ingest + TraceStore on the main thread, changes throttled as the
//                 worker throttles them (ChangeCoalescer, 250 ms).
// - a client sending OTLP/HTTP protobuf requests of SPANS_PER_REQUEST spans on a fixed schedule,
//   REQUESTS_PER_SEC a second (10,000 spans/s), with fresh trace ids in every request. The payloads
//   are spans recorded by the OpenTelemetry SDK and serialised by @opentelemetry/otlp-transformer
//   (bench/otel-payloads.ts, shared with bench:ingest).
//
// Before measuring, each store is filled to its budget (200,000 spans, not timed), so that under
// load it evicts as it would after a while of running; then WARMUP_EDITS edits per host.
// Phases are interleaved so that a busy neighbour on this shared machine hits all alike: per round,
// worker host without load, with load, in-process host without load, with load; only one host
// edits at a time (the other waits, its service running). Under load the client starts RAMP_MS
// before the edits. Per phase: edit times, the main thread's event-loop delay
// (perf_hooks.monitorEventLoopDelay, 10 ms resolution; an edit itself blocks the loop, so its own
// time is part of this), the main thread's utilisation and GC pauses, the worker's utilisation, and
// the spans ingested (the service's counters) per second.
//
// Baseline, measured in the same run: each host's own edits without load (for the worker host: the
// extension as it ships, receiver running, nothing arriving). The two hosts are compared each with
// its own baseline, since two processes' heaps and JIT differ by more than the effect measured.
// Target: edit p95 under worker load within TARGET_RATIO of the worker host's p95 without load.
//
// The last line of output is one JSON object for machines.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ChangedMessage } from '../src/shared/protocol';
import { BIG_FILE, buildWorkspace, makeEdits } from './generate-workspace';
import { makePayloads, markerOffsets, withFreshIds } from './otel-payloads';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const HOST_BUNDLE = path.join(WORK, 'dist', 'meshlens-editor-load.js');
const WORKER_BUNDLE = path.join(WORK, 'dist', 'trace-worker.js');
const PAYLOADS = path.join(WORK, 'editor-load-payloads.json');
const SEED = Number(process.env.BENCH_SEED ?? 1);
const SPANS_PER_REQUEST = 100;
const REQUESTS_PER_SEC = 100;
const DISTINCT_REQUESTS = 50;
/** Spans sent before measuring: the default store budget (DEFAULT_MAX_SPANS). */
const FILL_SPANS = 200_000;
const ROUNDS = 8;
const EDITS_PER_PHASE = 50;
const WARMUP_EDITS = 50;
const EDIT_INTERVAL_MS = 25;
const RAMP_MS = 1000;
const TARGET_RATIO = 1.2;
const WATCHDOG_MS = 10 * 60_000;

type Mode = 'worker' | 'inprocess';
type Bundle = typeof import('../src/core') &
  typeof import('../src/core/trace') &
  typeof import('../src/receiver/index') &
  typeof import('../src/receiver/ingest') &
  typeof import('../src/receiver/trace-service');

interface PhaseReply {
  editMs: number[];
  /** From when the edit was due (its timer) to its findings: includes waiting for the thread. */
  lateMs: number[];
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  /** Main thread's event-loop utilisation over the phase (0..1). */
  elu: number;
  /** Worker thread's, worker mode only. */
  workerElu: number | null;
  gcMs: number;
  gcCount: number;
  gcMaxMs: number;
  seconds: number;
  spans: number;
  changed: number;
  changedHandlerMs: number;
  storeSpans: number;
  evictedSpans: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number) => Math.round(x * 100) / 100;
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Host role: the extension host's main thread.

async function hostRole(mode: Mode): Promise<void> {
  const m = createRequire(__filename)(HOST_BUNDLE) as Bundle;
  const files = buildWorkspace(SEED);
  const uri = (p: string) => `file:///bench/${p}`;
  const engine = new m.ManifestEngine(m.RULES);
  for (const f of files) engine.setFile(uri(f.path), { text: f.text });
  for (const u of engine.analyze()) engine.findings(u);
  const big = files.find((f) => f.path === BIG_FILE)!;
  const edits = makeEdits(big.text, WARMUP_EDITS + ROUNDS * EDITS_PER_PHASE, SEED);
  let nextEdit = 0;

  // What the status bar does with a change message.
  let status = '';
  let changed = 0;
  let changedHandlerMs = 0;
  const onChanged = (msg: ChangedMessage) => {
    const t = performance.now();
    changed++;
    status = `$(pulse) ${msg.stats.spans.toLocaleString('en-US')} ${msg.stats.spans === 1 ? 'span' : 'spans'}`;
    changedHandlerMs += performance.now() - t;
  };

  let port: number;
  let ingested: () => Promise<{ spans: number; storeSpans: number; evictedSpans: number }>;
  let workerElu: ((since?: EventLoopUtilization) => EventLoopUtilization) | undefined;
  if (mode === 'worker') {
    let worker: Worker | undefined;
    const svc = await m.startTraceService(() => (worker = new Worker(WORKER_BUNDLE)), { httpPort: 0, grpcPort: 0, zipkinPort: 0 });
    svc.onChanged(onChanged);
    port = svc.listeners.find((l) => l.name === 'otlpHttp')!.port;
    ingested = async () => {
      const s = await svc.request('stats', {});
      return { spans: s.ingest?.spans ?? 0, storeSpans: s.store.spans, evictedSpans: s.store.evictedSpans };
    };
    workerElu = (since) => worker!.performance.eventLoopUtilization(since);
  } else {
    // What trace-worker.ts does, on this thread.
    const store = new m.TraceStore();
    const ingest = new m.Ingest(store);
    const coalescer = new m.ChangeCoalescer();
    let timer: NodeJS.Timeout | undefined;
    store.subscribe((change) => {
      coalescer.add(change);
      timer ??= setTimeout(() => {
        timer = undefined;
        const message = coalescer.take();
        if (message) onChanged(message);
      }, 250);
    });
    const rx = await m.startReceivers({ httpPort: 0, grpcPort: 0, zipkinPort: 0, ingest });
    port = rx.listeners.find((l) => l.name === 'otlpHttp')!.port;
    ingested = async () => {
      const s = store.stats();
      return { spans: ingest.counters.spans, storeSpans: s.spans, evictedSpans: s.evictedSpans };
    };
  }

  let gcMs: number[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
  const eld = monitorEventLoopDelay({ resolution: 10 });

  const runEdits = async (count: number) => {
    const editMs: number[] = [];
    const lateMs: number[] = [];
    for (let i = 0; i < count; i++) {
      const due = performance.now() + EDIT_INTERVAL_MS;
      await sleep(EDIT_INTERVAL_MS);
      const e = edits[nextEdit++ % edits.length];
      const t0 = performance.now();
      engine.setFile(uri(BIG_FILE), { text: e.text });
      for (const u of engine.analyze()) engine.findings(u);
      const t1 = performance.now();
      editMs.push(t1 - t0);
      lateMs.push(t1 - due);
    }
    return { editMs, lateMs };
  };

  process.on('message', (msg: { cmd: string; count?: number }) => {
    void (async () => {
      if (msg.cmd === 'warmup') {
        await runEdits(msg.count!);
        process.send!({ type: 'warmup' });
      } else if (msg.cmd === 'phase') {
        const s0 = await ingested();
        const c0 = changed;
        const h0 = changedHandlerMs;
        gcMs = [];
        eld.reset();
        eld.enable();
        const elu0 = performance.eventLoopUtilization();
        const welu0 = workerElu?.();
        const t0 = performance.now();
        const { editMs, lateMs } = await runEdits(msg.count!);
        const seconds = (performance.now() - t0) / 1000;
        const elu = performance.eventLoopUtilization(elu0).utilization;
        const wUtil = workerElu && welu0 ? workerElu(welu0).utilization : null;
        eld.disable();
        const s1 = await ingested();
        const reply: PhaseReply = {
          editMs,
          lateMs,
          eldP50Ms: eld.percentile(50) / 1e6,
          eldP99Ms: eld.percentile(99) / 1e6,
          eldMaxMs: eld.max / 1e6,
          elu,
          workerElu: wUtil,
          gcMs: sum(gcMs),
          gcCount: gcMs.length,
          gcMaxMs: gcMs.length ? Math.max(...gcMs) : 0,
          seconds,
          spans: s1.spans - s0.spans,
          changed: changed - c0,
          changedHandlerMs: changedHandlerMs - h0,
          storeSpans: s1.storeSpans,
          evictedSpans: s1.evictedSpans,
        };
        process.send!({ type: 'phase', ...reply });
      } else if (msg.cmd === 'exit') {
        process.exit(0);
      }
    })();
  });
  process.send!({ type: 'ready', port, statusLength: status.length });
}

// ---------------------------------------------------------------------------------------------
// Client role: the traffic.

async function clientRole(): Promise<void> {
  const payloads = (JSON.parse(fs.readFileSync(PAYLOADS, 'utf8')) as string[]).map((b) => Buffer.from(b, 'base64'));
  const offsets = payloads.map(markerOffsets);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let n = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let failed = 0;
  let drained: (() => void) | undefined;
  const post = (port: number): Promise<void> =>
    new Promise((resolve) => {
      const i = n % payloads.length;
      const body = withFreshIds(payloads[i], offsets[i], n++);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = (ok: boolean) => {
        if (!ok) failed++;
        inFlight--;
        if (inFlight === 0) drained?.();
        resolve();
      };
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode === 200));
      });
      req.on('error', () => done(false));
      req.end(body);
    });
  const drain = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve)));

  let timer: NodeJS.Timeout | undefined;
  let sent = 0;
  process.on('message', (msg: { cmd: string; port: number; spans?: number }) => {
    void (async () => {
      if (msg.cmd === 'fill') {
        let left = Math.ceil(msg.spans! / SPANS_PER_REQUEST);
        const lane = async () => {
          while (left-- > 0) await post(msg.port);
        };
        await Promise.all(Array.from({ length: 8 }, lane));
        process.send!({ type: 'filled', failed });
      } else if (msg.cmd === 'start') {
        // A fixed schedule: request k is due at t0 + k / REQUESTS_PER_SEC; late ones go at once.
        sent = 0;
        maxInFlight = 0;
        const t0 = performance.now();
        const tick = () => {
          const now = performance.now();
          while (t0 + (sent * 1000) / REQUESTS_PER_SEC <= now) {
            void post(msg.port);
            sent++;
          }
          timer = setTimeout(tick, Math.max(0, t0 + (sent * 1000) / REQUESTS_PER_SEC - performance.now()));
        };
        tick();
        process.send!({ type: 'started' });
      } else if (msg.cmd === 'stop') {
        clearTimeout(timer);
        await drain();
        process.send!({ type: 'stopped', sent, failed, maxInFlight });
      }
    })();
  });
  process.send!({ type: 'ready' });
}

// ---------------------------------------------------------------------------------------------
// Parent: builds, starts the roles, drives the phases.

function start(...args: string[]): ChildProcess {
  return fork(__filename, args, { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function call<T>(proc: ChildProcess, msg: object | undefined, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }) => {
      if (m.type !== type) return;
      proc.off('message', onMsg);
      proc.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`${type}: a child exited with ${code}`));
    proc.on('message', onMsg);
    proc.once('exit', onExit);
    if (msg) proc.send(msg);
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = os.loadavg()[0];
  fs.mkdirSync(path.dirname(HOST_BUNDLE), { recursive: true });
  const esbuild = await import('esbuild');
  const common = { bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', legalComments: 'none' } as const;
  await esbuild.build({
    ...common,
    stdin: {
      contents: [
        "export { ManifestEngine, RULES } from './src/core';",
        "export { TraceStore, ChangeCoalescer } from './src/core/trace';",
        "export { startReceivers } from './src/receiver/index';",
        "export { Ingest } from './src/receiver/ingest';",
        "export { startTraceService } from './src/receiver/trace-service';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile: HOST_BUNDLE,
  });
  await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src', 'receiver', 'trace-worker.ts')], outfile: WORKER_BUNDLE });
  const payloads = await makePayloads(SPANS_PER_REQUEST, DISTINCT_REQUESTS);
  fs.writeFileSync(PAYLOADS, JSON.stringify(payloads.map((p) => p.toString('base64'))));
  const kb = pct(payloads.map((p) => p.length), 0.5) / 1024;

  const client = start('client');
  const hosts: Record<Mode, ChildProcess> = { worker: start('host', 'worker'), inprocess: start('host', 'inprocess') };
  const ports: Partial<Record<Mode, number>> = {};
  try {
    await call(client, undefined, 'ready');
    for (const mode of ['worker', 'inprocess'] as const) {
      ports[mode] = (await call<{ port: number }>(hosts[mode], undefined, 'ready')).port;
      const fillT = performance.now();
      const filled = await call<{ failed: number }>(client, { cmd: 'fill', port: ports[mode], spans: FILL_SPANS }, 'filled');
      process.stderr.write(`. ${mode} host ready, store filled with ${FILL_SPANS.toLocaleString('en-US')} spans in ${((performance.now() - fillT) / 1000).toFixed(1)} s (${filled.failed} failed so far)\n`);
      await call(hosts[mode], { cmd: 'warmup', count: WARMUP_EDITS }, 'warmup');
    }

    const phases: Record<Mode, Record<'none' | 'load', PhaseReply[]>> = { worker: { none: [], load: [] }, inprocess: { none: [], load: [] } };
    const clientStops: Array<{ sent: number; failed: number; maxInFlight: number }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of ['worker', 'inprocess'] as const) {
        phases[mode].none.push(await call<PhaseReply>(hosts[mode], { cmd: 'phase', count: EDITS_PER_PHASE }, 'phase'));
        await call(client, { cmd: 'start', port: ports[mode] }, 'started');
        await sleep(RAMP_MS);
        phases[mode].load.push(await call<PhaseReply>(hosts[mode], { cmd: 'phase', count: EDITS_PER_PHASE }, 'phase'));
        clientStops.push(await call(client, { cmd: 'stop' }, 'stopped'));
        const last = phases[mode].load[r];
        process.stderr.write(
          `. round ${r + 1}/${ROUNDS} ${mode}: edit p95 ${fmt(pct(phases[mode].none[r].editMs, 0.95))} ms without load, ${fmt(pct(last.editMs, 0.95))} ms with ${Math.round(last.spans / last.seconds).toLocaleString('en-US')} spans/s\n`,
        );
      }
    }
    const load1 = os.loadavg()[0];

    // Figures
    type Agg = {
      p50: number; p95: number; p99: number; max: number; lateP95: number; n: number;
      eldP99: number; eldMax: number; elu: number; workerElu: number | null; gcPerSec: number; gcCountPerSec: number; gcMax: number;
      spansPerSec: number; changedPerSec: number; handlerMs: number; storeSpans: number; evicted: number;
    };
    const agg = (ps: PhaseReply[]): Agg => {
      const edit = ps.flatMap((p) => p.editMs);
      const late = ps.flatMap((p) => p.lateMs);
      const secs = sum(ps.map((p) => p.seconds));
      const welu = ps.map((p) => p.workerElu);
      return {
        p50: pct(edit, 0.5), p95: pct(edit, 0.95), p99: pct(edit, 0.99), max: Math.max(...edit), lateP95: pct(late, 0.95), n: edit.length,
        eldP99: pct(ps.map((p) => p.eldP99Ms), 0.5), eldMax: Math.max(...ps.map((p) => p.eldMaxMs)),
        elu: sum(ps.map((p) => p.elu * p.seconds)) / secs,
        workerElu: welu.every((x) => x !== null) ? sum(ps.map((p) => p.workerElu! * p.seconds)) / secs : null,
        gcPerSec: sum(ps.map((p) => p.gcMs)) / secs, gcCountPerSec: sum(ps.map((p) => p.gcCount)) / secs, gcMax: Math.max(...ps.map((p) => p.gcMaxMs)),
        spansPerSec: sum(ps.map((p) => p.spans)) / secs, changedPerSec: sum(ps.map((p) => p.changed)) / secs,
        handlerMs: sum(ps.map((p) => p.changedHandlerMs)), storeSpans: ps[ps.length - 1].storeSpans, evicted: ps[ps.length - 1].evictedSpans,
      };
    };
    const wNone = agg(phases.worker.none);
    const wLoad = agg(phases.worker.load);
    const pNone = agg(phases.inprocess.none);
    const pLoad = agg(phases.inprocess.load);
    const ratioWorker = wLoad.p95 / wNone.p95;
    // Each configuration against its own host's phases without load (same process, same heap and JIT).
    const ratioInProcess = pLoad.p95 / pNone.p95;
    const holds = ratioWorker <= TARGET_RATIO;
    const sentTotal = sum(clientStops.map((c) => c.sent));
    const failedTotal = clientStops[clientStops.length - 1]?.failed ?? 0;

    console.log(
      `editor-load: bench workspace seed ${SEED} (1,000 files, 5,000 objects), edits of ${BIG_FILE} (bench:lint's cycle), one every ${EDIT_INTERVAL_MS} ms; ` +
        `node ${process.version}, ${os.cpus().length} CPUs, load average ${load0.toFixed(2)} at start, ${load1.toFixed(2)} after the phases; ` +
        `engine and receivers as shipped (bundled and minified; worker ${path.relative(ROOT, WORKER_BUNDLE)})`,
    );
    console.log(
      `load: OTLP/HTTP protobuf, ${REQUESTS_PER_SEC} requests/s of ${SPANS_PER_REQUEST} spans (${kb.toFixed(0)} KB each, OTel SDK + otlp-transformer, fresh trace ids) from a separate process; ` +
        `stores filled to ${FILL_SPANS.toLocaleString('en-US')} spans first (evicting under load); ${ROUNDS} rounds of [worker: no load, load; in-process: no load, load], ${EDITS_PER_PHASE} edits a phase after ${WARMUP_EDITS} warm-up`,
    );
    const rows: string[][] = [
      ['measure', 'worker, no load', 'worker, load', 'in-process, no load', 'in-process, load'],
      ['edit p50 (ms)', ...[wNone, wLoad, pNone, pLoad].map((a) => fmt(a.p50))],
      ['edit p95 (ms)', ...[wNone, wLoad, pNone, pLoad].map((a) => fmt(a.p95))],
      ['edit p99 (ms)', ...[wNone, wLoad, pNone, pLoad].map((a) => fmt(a.p99))],
      ['edit max (ms)', ...[wNone, wLoad, pNone, pLoad].map((a) => fmt(a.max))],
      ['edit p95 / same host without load', '1.00', ratioWorker.toFixed(2), '1.00', ratioInProcess.toFixed(2)],
      ['edit p95, due to done (ms; waits for the thread)', ...[wNone, wLoad, pNone, pLoad].map((a) => fmt(a.lateP95))],
      ['event-loop delay p99, median of phases / max (ms)', ...[wNone, wLoad, pNone, pLoad].map((a) => `${fmt(a.eldP99)} / ${fmt(a.eldMax)}`)],
      ['main thread busy (event-loop utilisation)', ...[wNone, wLoad, pNone, pLoad].map((a) => `${(a.elu * 100).toFixed(1)}%`)],
      ['worker thread busy', ...[wNone, wLoad].map((a) => (a.workerElu === null ? '-' : `${(a.workerElu * 100).toFixed(1)}%`)), '-', '-'],
      ['main-thread GC: ms per s, pauses per s, longest (ms)', ...[wNone, wLoad, pNone, pLoad].map((a) => `${a.gcPerSec.toFixed(1)}, ${a.gcCountPerSec.toFixed(1)}, ${fmt(a.gcMax)}`)],
      ['spans ingested per second', ...[wNone, wLoad, pNone, pLoad].map((a) => Math.round(a.spansPerSec).toLocaleString('en-US'))],
      ['change messages per s / handler total (ms)', ...[wNone, wLoad, pNone, pLoad].map((a) => `${a.changedPerSec.toFixed(1)} / ${a.handlerMs.toFixed(2)}`)],
      ['spans stored / evicted at the end', ...[wNone, wLoad, pNone, pLoad].map((a) => `${a.storeSpans.toLocaleString('en-US')} / ${a.evicted.toLocaleString('en-US')}`)],
      ['edits measured', ...[wNone, wLoad, pNone, pLoad].map((a) => String(a.n))],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    for (const [i, row] of rows.entries()) {
      console.log('| ' + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') + ' |');
      if (i === 0) console.log('|' + widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
    }
    console.log(
      `target: edit p95 under worker load within ${TARGET_RATIO}x of no load: ${holds ? 'yes' : 'NO'} (${ratioWorker.toFixed(2)}x); ` +
        `in-process load: ${ratioInProcess.toFixed(2)}x of its host's no-load p95 (${(pLoad.p95 / wNone.p95).toFixed(2)}x of the worker host's). ` +
        `Client: ${sentTotal.toLocaleString('en-US')} requests in the load phases, ${failedTotal} failed in all, at most ${Math.max(...clientStops.map((c) => c.maxInFlight))} in flight ` +
        `(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    console.log(
      JSON.stringify({
        bench: 'editor-load',
        editP95NoLoadMs: round(wNone.p95),
        editP95WorkerLoadMs: round(wLoad.p95),
        editP95InProcessLoadMs: round(pLoad.p95),
        ratioWorker: round(ratioWorker),
        ratioInProcess: round(ratioInProcess),
        spansPerSec: Math.round(wLoad.spansPerSec),
        target: { ratio: TARGET_RATIO, holds },
        editP50NoLoadMs: round(wNone.p50),
        editP50WorkerLoadMs: round(wLoad.p50),
        editP50InProcessLoadMs: round(pLoad.p50),
        editP99NoLoadMs: round(wNone.p99),
        editP99WorkerLoadMs: round(wLoad.p99),
        editP99InProcessLoadMs: round(pLoad.p99),
        editP95InProcessNoLoadMs: round(pNone.p95),
        inProcessSpansPerSec: Math.round(pLoad.spansPerSec),
        eldP99Ms: { noLoad: round(wNone.eldP99), workerLoad: round(wLoad.eldP99), inProcessNoLoad: round(pNone.eldP99), inProcessLoad: round(pLoad.eldP99) },
        mainElu: { noLoad: round(wNone.elu), workerLoad: round(wLoad.elu), inProcessNoLoad: round(pNone.elu), inProcessLoad: round(pLoad.elu) },
        workerElu: { noLoad: wNone.workerElu === null ? null : round(wNone.workerElu), load: wLoad.workerElu === null ? null : round(wLoad.workerElu) },
        edits: wNone.n,
        failed: failedTotal,
        loadAvg: round(load0),
        cpus: os.cpus().length,
        node: process.version,
      }),
    );
  } finally {
    for (const h of Object.values(hosts)) h.kill();
    client.kill();
  }
}

const role = process.argv[2];
if (role === 'host') {
  void hostRole(process.argv[3] as Mode);
} else if (role === 'client') {
  void clientRole();
} else {
  const watchdog = setTimeout(() => {
    console.error(`bench:editor-load did not finish in ${WATCHDOG_MS / 60000} minutes`);
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  });
}
