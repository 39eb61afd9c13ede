// A worker thread that fuzzes targets one after another (see supervisor.ts): loads the seeds, runs
// each job's loop, and posts each failure as it happens (so one found before a hang is not lost)
// and each job's result. A job is either generated inputs (from..to, or for a time) or kept files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadSeeds } from './seeds';
import { makeTargets } from './targets';
import { loop, type Failure, type TargetResult } from './run';

export interface Job {
  readonly target: string;
  readonly from: number;
  readonly to?: number;
  readonly durationMs?: number;
  /** Replay these files instead of generating inputs (index i is files[i]). */
  readonly files?: readonly string[];
}

export interface WorkerData {
  readonly seed: number;
  readonly jobs: readonly Job[];
  /** Int32 [job, input index, 1 while an input runs]: the supervisor's hang detector reads it. */
  readonly heartbeat: SharedArrayBuffer;
}

export type FromWorker = { type: 'failure'; failure: Failure } | { type: 'done'; job: number; result: TargetResult } | { type: 'error'; message: string };

async function main(): Promise<void> {
  const data = workerData as WorkerData;
  const post = (m: FromWorker): void => parentPort!.postMessage(m);
  const hb = new Int32Array(data.heartbeat);
  const targets = makeTargets(await loadSeeds());
  for (let j = 0; j < data.jobs.length; j++) {
    const job = data.jobs[j];
    const target = targets.find((t) => t.name === job.target);
    if (!target) throw new Error(`no fuzz target ${job.target}`);
    Atomics.store(hb, 0, j);
    const files = job.files;
    const result = await loop(target, {
      seed: data.seed,
      from: job.from,
      to: files ? files.length : job.to,
      durationMs: job.durationMs,
      heartbeat: hb.subarray(1),
      input: files ? (i) => ({ bytes: new Uint8Array(fs.readFileSync(files[i])), ext: path.extname(files[i]).slice(1) }) : undefined,
      onFailure: (failure) => post({ type: 'failure', failure: files ? { ...failure, message: `${path.basename(files[failure.index])}: ${failure.message}` } : failure }),
    });
    post({ type: 'done', job: j, result });
  }
}

main().catch((e: unknown) => parentPort!.postMessage({ type: 'error', message: (e as Error)?.stack ?? String(e) } satisfies FromWorker));
