// The worker side of the parallel loader (parallel-load.ts): takes chunks of files from the shared
// queue until it is empty, and sends each chunk's parses back packed (core/yaml/transfer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { loadFile, packFile } from '../core';
import type { WorkerJob, WorkerReply } from './parallel-load';

const job = workerData as WorkerJob;
const claimed = new Int32Array(job.counter);

for (let chunk = Atomics.add(claimed, 0, 1); chunk < job.chunks.length; chunk = Atomics.add(claimed, 0, 1)) {
  const [from, to] = job.chunks[chunk];
  const results: WorkerReply['results'] = [];
  const transfer: ArrayBuffer[] = [];
  for (let i = from; i < to; i++) {
    const loaded = loadFile(job.inputs[i], job.limits, undefined, job.options);
    if (!loaded.file) {
      results.push({ index: i, problem: loaded.problem, looksLikeManifest: loaded.looksLikeManifest });
      continue;
    }
    const { packed, transfer: t } = packFile(loaded.file);
    transfer.push(...t);
    results.push({ index: i, problem: loaded.problem, looksLikeManifest: loaded.looksLikeManifest, packed });
  }
  parentPort!.postMessage({ chunk, results } satisfies WorkerReply, transfer);
}
parentPort!.postMessage({ done: true } satisfies WorkerReply);
