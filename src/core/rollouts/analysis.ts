/**
 * What the Argo analysis controller checks when it builds an AnalysisRun from templates
 * (utils/analysis/factory.go, utils/template): shared by the rule on templates alone and the rule
 * on the analyses a Rollout runs.
 */
import type { FieldPath } from '../yaml/path';
import { int, list, rec, Rec, str } from './model';

export interface ArgDecl {
  name: string;
  /** `value` or `valueFrom` is set: the template supplies it itself. */
  hasValue: boolean;
  value?: string;
  index: number;
}

export function argDecls(spec: Rec | undefined): ArgDecl[] {
  return list(spec?.args).flatMap((a, index) => {
    const r = rec(a);
    const name = str(r?.name);
    if (!r || !name) return [];
    const value = typeof r.value === 'string' || typeof r.value === 'number' ? String(r.value) : undefined;
    return [{ name, hasValue: 'value' in r || 'valueFrom' in r, value, index }];
  });
}

const PLACEHOLDER = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;

/** Every `{{args.x}}` placeholder in a value (strings anywhere inside it), in document order, with the path of its string. */
export function argPlaceholders(v: unknown, path: FieldPath = [], out: Array<{ arg: string; path: FieldPath }> = []): Array<{ arg: string; path: FieldPath }> {
  if (typeof v === 'string') {
    for (const m of v.matchAll(PLACEHOLDER)) out.push({ arg: m[1], path });
  } else if (Array.isArray(v)) v.forEach((x, i) => argPlaceholders(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) argPlaceholders(x, [...path, k], out);
  return out;
}

/** A count or limit (an int or a string that may be a placeholder) resolved with the args that have values. */
export function intOrArg(v: unknown, args: readonly ArgDecl[]): number | undefined {
  const n = int(v);
  if (n !== undefined) return n;
  if (typeof v !== 'string') return undefined;
  const m = /^\{\{\s*args\.([^}\s]+)\s*\}\}$/.exec(v);
  const raw = m ? args.find((a) => a.name === m[1])?.value : v;
  return raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Upstream Metric.EffectiveCount: no count (or 0) with an interval runs until stopped; a metric
 * used as a step, or before or after promotion, must stop by itself. Undefined when unknown (templated).
 */
export function runsIndefinitely(metric: Rec, args: readonly ArgDecl[]): { indefinite: boolean; count: string } | undefined {
  const hasCount = metric.count !== undefined && metric.count !== null;
  const count = hasCount ? intOrArg(metric.count, args) : 0;
  if (count === undefined) return undefined;
  return {
    indefinite: count === 0 && !!str(metric.interval),
    count: hasCount ? String(count) : '<nil>',
  };
}
