// The fuzz loop of one target, in the thread that runs it (a worker: see supervisor.ts). Input i of
// a target is made from its own seed (inputSeed), so any input can be made again from the run's
// seed, the target and i alone: by the supervisor when the worker hung on it, or by a person.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { rng } from '../rng';
import { Violation, type FuzzInput, type Target } from './targets';

/** An input slower than this is a failure: the budget for any single input. */
export const SLOW_MS = 1000;

export type FailureKind = 'crash' | 'violation' | 'slow' | 'hang' | 'fatal';

export interface Failure {
  readonly target: string;
  readonly index: number;
  readonly kind: FailureKind;
  readonly message: string;
  readonly ms?: number;
  readonly input?: FuzzInput;
}

export interface TargetResult {
  readonly target: string;
  tried: number;
  accepted: number;
  refused: number;
  failures: number;
  /** The slowest input's CPU time (see judge) and its wall time. */
  slowestMs: number;
  slowestWallMs: number;
  slowestIndex: number;
  /** Used heap after a full GC, once warmed up and at the end (MB). */
  heapStartMb: number;
  heapEndMb: number;
  held: string;
}

export function inputSeed(seed: number, target: string, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function makeInput(target: Target, seed: number, index: number): FuzzInput {
  return target.make(rng(inputSeed(seed, target.name, index)));
}

let gcFn: (() => void) | undefined;
/** A full collection, so heap figures compare what is live, not what is garbage yet. */
export function collect(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

const mb = (): number => Math.round((v8.getHeapStatistics().used_heap_size / 2 ** 20) * 10) / 10;

/**
 * Runs one input and judges it: a throw that is not a refusal is a crash, a Violation is a broken
 * property, over SLOW_MS is slow. Slow means over it in wall time and in CPU time: the run is
 * synchronous work in one thread, so on an idle machine the two are about the same; on a loaded one
 * (this machine's load average reaches 18 on 2 cores) wall time mostly measures the other processes,
 * and CPU time counts the garbage collector's helper threads too. A slow input is run a second time
 * and the faster run counts, so a GC pause left by the previous input is not taken for its cost.
 */
export async function judge(target: Target, input: FuzzInput): Promise<{ outcome?: 'accepted' | 'refused'; failure?: Omit<Failure, 'target' | 'index'>; ms: number; cpuMs: number }> {
  let ms = Infinity;
  let cpuMs = Infinity;
  for (let attempt = 0; attempt < 2; attempt++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let outcome: 'accepted' | 'refused';
    try {
      outcome = await target.run(input);
    } catch (e) {
      const err = e as Error;
      const kind = e instanceof Violation ? 'violation' : 'crash';
      const where = err?.stack?.split('\n').slice(0, 4).join(' | ') ?? String(e);
      return { failure: { kind, message: kind === 'crash' ? where : err.message, input }, ms: performance.now() - t0, cpuMs: 0 };
    }
    const c = process.cpuUsage(c0);
    ms = Math.min(ms, performance.now() - t0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
    if (Math.min(ms, cpuMs) <= SLOW_MS) return { outcome, ms, cpuMs };
  }
  return { failure: { kind: 'slow', message: `took ${Math.round(cpuMs)} ms of CPU and ${Math.round(ms)} ms of wall time, twice over ${SLOW_MS} ms`, ms: cpuMs, input }, ms, cpuMs };
}

export interface LoopOptions {
  readonly seed: number;
  readonly from: number;
  /** Stop after this index (exclusive), or after durationMs, whichever comes first. */
  readonly to?: number;
  readonly durationMs?: number;
  /** [index being run, 1 while an input runs]: the supervisor's hang detector reads it. */
  readonly heartbeat?: Int32Array;
  /** Input i from elsewhere (kept files) instead of made from the seed. */
  readonly input?: (index: number) => FuzzInput;
  onFailure(f: Failure): void;
}

export async function loop(target: Target, o: LoopOptions): Promise<TargetResult> {
  const res: TargetResult = { target: target.name, tried: 0, accepted: 0, refused: 0, failures: 0, slowestMs: 0, slowestWallMs: 0, slowestIndex: -1, heapStartMb: 0, heapEndMb: 0, held: '' };
  const start = performance.now();
  const warm = o.from + 20;
  for (let i = o.from; ; i++) {
    if (o.to !== undefined && i >= o.to) break;
    if (o.durationMs !== undefined && performance.now() - start >= o.durationMs) break;
    if (i === warm || (i === o.from && res.heapStartMb === 0 && o.to !== undefined && o.to - o.from <= 20)) {
      collect();
      res.heapStartMb = mb();
    }
    const input = o.input ? o.input(i) : makeInput(target, o.seed, i);
    if (o.heartbeat) {
      Atomics.store(o.heartbeat, 0, i);
      Atomics.store(o.heartbeat, 1, 1);
    }
    const got = await judge(target, input);
    if (o.heartbeat) Atomics.store(o.heartbeat, 1, 0);
    res.tried++;
    if (got.cpuMs > res.slowestMs) {
      res.slowestMs = got.cpuMs;
      res.slowestWallMs = got.ms;
      res.slowestIndex = i;
    }
    if (got.failure) {
      res.failures++;
      o.onFailure({ target: target.name, index: i, ...got.failure });
    } else if (got.outcome === 'accepted') res.accepted++;
    else res.refused++;
  }
  collect();
  res.heapEndMb = mb();
  if (res.heapStartMb === 0) res.heapStartMb = res.heapEndMb;
  res.slowestMs = Math.round(res.slowestMs * 10) / 10;
  res.slowestWallMs = Math.round(res.slowestWallMs * 10) / 10;
  res.held = target.describe();
  return res;
}
