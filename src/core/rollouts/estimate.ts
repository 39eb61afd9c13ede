/**
 * How long a canary takes to reach 100% if nothing fails, from its steps alone: the sum of the
 * timed pauses (and experiment durations), with the weights in between. What cannot be timed from
 * the steps (a pause without duration waits for a person; analysis time depends on its templates)
 * is named, not guessed. For the hover and CodeLens on `steps`:
 * "~3m to 100%: 20% → 1m → 50% → 1m → 80% → 1m → 100%".
 */
import { NANOS_PER_MS, parseGoDuration } from '../istio/duration';
import type { K8sObject } from '../k8s/object';
import type { FieldPath } from '../yaml/path';
import { int, list, rec, rolloutView } from './model';

export interface RolloutEstimate {
  /** Seconds of timed waiting; a lower bound when `manual` or `analysis` is set. */
  seconds: number;
  /** A pause without duration: the rollout waits for `kubectl argo rollouts promote`. */
  manual: boolean;
  /** Step analyses run for as long as their metrics take (not known from the steps). */
  analysis: boolean;
  /** The plan in the hover's words, e.g. `20% → 1m → 50% → manual → 100%`. */
  plan: string;
  /** The one-line summary, e.g. `~3m to 100%: 20% → 1m → 100%`. */
  text: string;
}

/** Seconds of an Argo pause or experiment duration: a number of seconds or a Go duration. Undefined when unreadable or negative. */
export function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const d = parseGoDuration(v);
  if (!d.ok || d.nanos < 0n) return undefined;
  return Number(d.nanos / NANOS_PER_MS) / 1000;
}

/** `90` -> `1m30s`, `3600` -> `1h`, `0.5` -> `0.5s`. */
export function formatSeconds(total: number): string {
  if (total < 60) return `${Math.round(total * 1000) / 1000}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Math.round(total % 60);
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

export function estimateRollout(steps: readonly unknown[]): RolloutEstimate {
  const parts: string[] = [];
  let seconds = 0;
  let manual = false;
  let analysis = false;
  let lastWeight: number | undefined;
  for (const raw of steps) {
    const step = rec(raw);
    if (!step) continue;
    const weight = int(step.setWeight);
    if (weight !== undefined) {
      lastWeight = weight;
      parts.push(`${weight}%`);
    }
    if ('pause' in step) {
      const pause = rec(step.pause);
      const d = pause && 'duration' in pause ? durationSeconds(pause.duration) : undefined;
      if (d === undefined) {
        manual = true;
        parts.push('manual');
      } else {
        seconds += d;
        parts.push(formatSeconds(d));
      }
    }
    if (rec(step.analysis)) {
      analysis = true;
      parts.push('analysis');
    }
    const experiment = rec(step.experiment);
    if (experiment) {
      const d = durationSeconds(experiment.duration);
      if (d === undefined) {
        analysis = analysis || list(experiment.analyses).length > 0;
        parts.push('experiment');
      } else {
        seconds += d;
        parts.push(`experiment ${formatSeconds(d)}`);
      }
    }
  }
  if (lastWeight !== 100) parts.push('100%');
  const plan = parts.join(' → ');
  const qualifiers = [manual ? 'plus manual promotion' : '', analysis ? 'plus analysis' : ''].filter(Boolean).join(', ');
  const text = `~${formatSeconds(seconds)}${qualifiers ? ` ${qualifiers}` : ''} to 100%: ${plan}`;
  return { seconds, manual, analysis, plan, text };
}

/** Where the editor shows the estimate (the `steps` key of a canary) and the estimate itself; undefined without steps. */
export function rolloutEstimateOf(o: K8sObject): { path: FieldPath; estimate: RolloutEstimate } | undefined {
  const { canary, steps } = rolloutView(o);
  if (!canary || steps.length === 0) return undefined;
  return { path: ['spec', 'strategy', 'canary', 'steps'], estimate: estimateRollout(steps) };
}
