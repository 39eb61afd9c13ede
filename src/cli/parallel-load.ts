import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BulkLoader, FileInput, InputLimits, InputProblem, LoadedFile, PackedFile, ParseOptions } from '../core';
import { loadFile, unpackFile } from '../core';

/** What the worker gets: every input, the chunks, and the shared counter both sides take chunks from. */
export interface WorkerJob {
  inputs: FileInput[];
  chunks: Array<[number, number]>;
  counter: SharedArrayBuffer;
  limits: InputLimits;
  options: ParseOptions;
}

export type WorkerReply =
  | { chunk: number; results: Array<{ index: number; problem: InputProblem | undefined; looksLikeManifest: boolean; packed?: PackedFile }>; done?: undefined }
  | { done: true; chunk?: undefined; results?: undefined };

/** Below this, starting a thread costs more than it saves. */
const MIN_PARALLEL_BYTES = 512 * 1024;
/** Small enough that neither side waits long for the other at the end, large enough to keep messages few. */
const CHUNK_BYTES = 64 * 1024;

export interface ParallelStats {
  /** Files parsed on the worker thread (0 when none was started). */
  onWorker: number;
  onMain: number;
}

export interface ParallelOptions {
  /** Leave every chunk to the worker (tests: the worker path, whatever the timing). */
  workerOnly?: boolean;
  /** Start the worker below the size where it pays off (tests). */
  always?: boolean;
}

/**
 * The engine's bulk loader for Node (the CLI and the extension host; the core itself has no
 * threads). Decodes and parses many files on two threads: this one and a worker, taking chunks from one
 * queue, so the split follows whatever each thread manages (the worker needs a moment to start).
 * Results are in input order and the same as `loadFile` gives for each. Without a worker script
 * (a bundle built without it), for small batches, or when the worker fails, the files are parsed
 * here: the worker only ever saves time.
 */
export const parallelLoader =
  (stats?: ParallelStats, how?: ParallelOptions): BulkLoader =>
  (inputs, limits, options) =>
    loadFilesInParallel(inputs, limits, options, stats, how);

export async function loadFilesInParallel(
  inputs: FileInput[],
  limits: InputLimits,
  options: ParseOptions,
  stats?: ParallelStats,
  how: ParallelOptions = {},
): Promise<LoadedFile[]> {
  const out: Array<LoadedFile | undefined> = new Array(inputs.length);
  if (stats) stats.onWorker = 0;
  const sizeOf = (i: FileInput) => ('bytes' in i ? i.bytes.length : 'text' in i ? i.text.length : 0);
  const total = inputs.reduce((n, i) => n + sizeOf(i), 0);
  const script = total >= MIN_PARALLEL_BYTES || how.always ? workerScript() : undefined;
  const local = () => {
    for (let i = 0; i < inputs.length; i++) out[i] ??= loadFile(inputs[i], limits, undefined, options);
    if (stats) stats.onMain = inputs.length - stats.onWorker;
    return out as LoadedFile[];
  };
  if (!script) return local();

  const chunks: Array<[number, number]> = [];
  for (let from = 0, bytes = 0, i = 0; i < inputs.length; i++) {
    bytes += sizeOf(inputs[i]);
    if (bytes >= CHUNK_BYTES || i === inputs.length - 1) {
      chunks.push([from, i + 1]);
      from = i + 1;
      bytes = 0;
    }
  }
  const counter = new SharedArrayBuffer(4);
  const claimed = new Int32Array(counter);
  let worker: Worker;
  try {
    worker = new Worker(script.code, { eval: script.eval, workerData: { inputs, chunks, counter, limits, options } satisfies WorkerJob });
  } catch {
    return local();
  }
  let onWorker = 0;
  const finished = new Promise<void>((resolve) => {
    worker.on('message', (m: WorkerReply) => {
      if (m.done) return resolve();
      for (const r of m.results) {
        out[r.index] = { problem: r.problem, file: r.packed ? unpackFile(r.packed, limits) : undefined, looksLikeManifest: r.looksLikeManifest };
        onWorker++;
      }
    });
    // A worker that fails leaves its chunks without results: they are parsed here below.
    worker.on('error', () => resolve());
    worker.on('exit', () => resolve());
  });
  for (let chunk = how.workerOnly ? chunks.length : Atomics.add(claimed, 0, 1); chunk < chunks.length; chunk = Atomics.add(claimed, 0, 1)) {
    const [from, to] = chunks[chunk];
    for (let i = from; i < to; i++) out[i] = loadFile(inputs[i], limits, undefined, options);
  }
  await finished;
  void worker.terminate();
  if (stats) stats.onWorker = onWorker;
  return local();
}

/**
 * The worker's script: next to the bundle (dist/parse-worker.js), or, when the core runs from
 * its TypeScript sources (tests, benches), the .ts file through tsx's require hook.
 */
function workerScript(): { code: string; eval: boolean } | undefined {
  const bundled = path.join(__dirname, 'parse-worker.js');
  if (existsSync(bundled)) return { code: bundled, eval: false };
  const source = path.join(__dirname, 'parse-worker.ts');
  if (__filename.endsWith('.ts') && existsSync(source)) {
    return { code: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  }
  return undefined;
}
