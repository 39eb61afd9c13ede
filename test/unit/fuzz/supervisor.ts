// Runs fuzz targets each in a worker thread and watches them. Why a worker: a call that never
// returns cannot be timed from inside its own thread (the timer never fires), so the hang detector
// lives outside it. The worker marks the input it is on in shared memory; when one input holds it
// for `hangMs`, the supervisor terminates the worker, makes that input again from the seed (inputs
// are made from (seed, target, index) alone), records a hang, and starts a new worker after it.
// A worker that dies (out of memory: its heap is capped) is handled the same way. Inputs that
// finish but take over a second are measured in the worker itself (run.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, Job, WorkerData } from './worker';
import { makeInput, type Failure, type TargetResult } from './run';
import { loadSeeds } from './seeds';
import { makeTargets, type FuzzInput, type Target } from './targets';

export const REGRESSIONS = path.join(__dirname, 'regressions');
const WORKER = path.join(__dirname, 'worker.ts');

export interface FuzzOptions {
  readonly targets: readonly string[];
  readonly seed: number;
  /** Inputs per target, or a time per target; one of them. */
  readonly count?: number;
  readonly durationMs?: number;
  /** One input holding a worker this long is a hang. */
  readonly hangMs?: number;
  /** Heap a worker may use; beyond, it dies and the input is a failure. */
  readonly maxHeapMb?: number;
  /** Where failing inputs are written (regressions/<target>/); not written when undefined. */
  readonly saveTo?: string;
  /** Called per target at the end, in order. */
  readonly onResult?: (r: TargetResult, failures: readonly Failure[]) => void;
}

export interface FuzzReport {
  readonly results: TargetResult[];
  readonly failures: Failure[];
}

let mainTargets: Promise<Target[]> | undefined;
async function targetNamed(name: string): Promise<Target> {
  mainTargets ??= loadSeeds().then(makeTargets);
  return (await mainTargets).find((t) => t.name === name)!;
}

interface Stuck {
  readonly job: number;
  readonly index: number;
  readonly kind: 'hang' | 'fatal';
  readonly message: string;
  /** When the worker started that job (performance.now() of this thread). */
  readonly jobStartedAt: number;
}

/** Runs `jobs` in one worker; resolves when all are done, or with the input it got stuck on. */
function runWorker(seed: number, jobs: readonly Job[], hangMs: number, maxHeapMb: number, onFailure: (f: Failure) => void, onDone: (job: number, r: TargetResult) => void): Promise<Stuck | undefined> {
  const heartbeat = new SharedArrayBuffer(12);
  const hb = new Int32Array(heartbeat);
  hb[0] = -1;
  hb[1] = -1;
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, {
    eval: true,
    workerData: { seed, jobs, heartbeat } satisfies WorkerData,
    // The extension host's main thread has V8's default stack (~1 MB); a worker's default is 4 MB,
    // which would hide a recursion that overflows there.
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, stackSizeMb: 1 },
  });
  return new Promise((resolve) => {
    let last = '';
    let since = performance.now();
    let job = -1;
    let jobStartedAt = performance.now();
    let settled = false;
    const finish = (v: Stuck | undefined): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      resolve(v);
    };
    const stuck = (kind: Stuck['kind'], message: string): void => {
      void worker.terminate();
      finish({ job: Atomics.load(hb, 0), index: Atomics.load(hb, 1), kind, message, jobStartedAt });
    };
    const watch = setInterval(() => {
      const j = Atomics.load(hb, 0);
      if (j !== job) {
        job = j;
        jobStartedAt = performance.now();
      }
      const at = `${j}/${Atomics.load(hb, 1)}`;
      if (at !== last || Atomics.load(hb, 2) !== 1) {
        last = at;
        since = performance.now();
        return;
      }
      if (performance.now() - since > hangMs) stuck('hang', `no answer after ${hangMs} ms`);
    }, 100);
    let done = 0;
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'failure') onFailure(m.failure);
      else if (m.type === 'done') {
        onDone(m.job, m.result);
        if (++done === jobs.length) {
          void worker.terminate();
          finish(undefined);
        }
      } else stuck('fatal', m.message);
    });
    worker.on('error', (e) => stuck('fatal', `worker died: ${e.message}`));
    worker.on('exit', (code) => stuck('fatal', `worker exited with code ${code}`));
  });
}

export function saveFailure(dir: string, seed: number, f: Failure): string | undefined {
  if (!f.input) return undefined;
  const folder = path.join(dir, f.target);
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${f.kind}-s${seed}-i${f.index}.${f.input.ext}`);
  fs.writeFileSync(file, f.input.bytes);
  return file;
}

function emptyResult(target: string): TargetResult {
  return { target, tried: 0, accepted: 0, refused: 0, failures: 0, slowestMs: 0, slowestWallMs: 0, slowestIndex: -1, heapStartMb: 0, heapEndMb: 0, held: '' };
}

/**
 * Runs the jobs in workers, one after another in one worker as long as none gets stuck; a stuck
 * input is recorded and the rest goes on in a new worker.
 */
async function supervise(seed: number, initial: Job[], o: { hangMs: number; maxHeapMb: number; record: (f: Failure) => void; inputOf: (job: Job, index: number) => Promise<FuzzInput> }): Promise<TargetResult[]> {
  const totals = initial.map((j) => emptyResult(j.target));
  let jobs = initial.map((job, n) => ({ job, n }));
  while (jobs.length) {
    const current = jobs;
    const stuck = await runWorker(seed, current.map((x) => x.job), o.hangMs, o.maxHeapMb, o.record, (j, r) => {
      const t = totals[current[j].n];
      t.tried += r.tried;
      t.accepted += r.accepted;
      t.refused += r.refused;
      if (r.slowestMs > t.slowestMs) Object.assign(t, { slowestMs: r.slowestMs, slowestWallMs: r.slowestWallMs, slowestIndex: r.slowestIndex });
      t.heapStartMb ||= r.heapStartMb;
      t.heapEndMb = r.heapEndMb;
      t.held = r.held;
    });
    if (!stuck) break;
    if (stuck.job < 0 || stuck.index < 0) throw new Error(`a fuzz worker failed before its first input: ${stuck.message}`);
    const { job, n } = current[stuck.job];
    o.record({ target: job.target, index: stuck.index, kind: stuck.kind, message: stuck.message, input: await o.inputOf(job, stuck.index) });
    totals[n].tried += stuck.index - job.from + 1;
    const left = job.durationMs === undefined ? undefined : job.durationMs - (performance.now() - stuck.jobStartedAt);
    const rest = { ...job, from: stuck.index + 1, ...(left !== undefined && { durationMs: Math.max(0, left) }) };
    jobs = [{ job: rest, n }, ...current.slice(stuck.job + 1)];
  }
  return totals;
}

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const failures: Failure[] = [];
  const byTarget = new Map<string, Failure[]>();
  const record = (f: Failure): void => {
    failures.push(f);
    byTarget.set(f.target, [...(byTarget.get(f.target) ?? []), f]);
    if (o.saveTo) saveFailure(o.saveTo, o.seed, f);
  };
  const jobs: Job[] = o.targets.map((target) => ({ target, from: 0, to: o.count, durationMs: o.durationMs }));
  const results = await supervise(o.seed, jobs, {
    hangMs: o.hangMs ?? 10_000,
    maxHeapMb: o.maxHeapMb ?? 1024,
    record,
    inputOf: async (job, index) => makeInput(await targetNamed(job.target), o.seed, index),
  });
  for (const r of results) {
    r.failures = byTarget.get(r.target)?.length ?? 0;
    o.onResult?.(r, byTarget.get(r.target) ?? []);
  }
  return { results, failures };
}

/** Replays kept inputs (regressionFiles()) in a worker, with the same judge and hang detector. */
export async function replay(files: readonly { target: string; file: string }[], o: { hangMs?: number; maxHeapMb?: number } = {}): Promise<FuzzReport> {
  const failures: Failure[] = [];
  const targets = [...new Set(files.map((f) => f.target))];
  const jobs: Job[] = targets.map((target) => ({ target, from: 0, files: files.filter((f) => f.target === target).map((f) => f.file) }));
  const results = await supervise(0, jobs, {
    hangMs: o.hangMs ?? 10_000,
    maxHeapMb: o.maxHeapMb ?? 1024,
    record: (f) => failures.push(f),
    inputOf: async (job, index) => ({ bytes: new Uint8Array(fs.readFileSync(job.files![index])), ext: path.extname(job.files![index]).slice(1) }),
  });
  return { results, failures };
}

/** The kept inputs that once failed: regressions/<target>/<file>. */
export function regressionFiles(dir = REGRESSIONS): { target: string; file: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(dir, d.name)).filter((f) => !f.startsWith('.')).sort().map((f) => ({ target: d.name, file: path.join(dir, d.name, f) })));
}
