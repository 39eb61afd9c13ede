import { isRecord } from '../k8s/object';
import type { PathSegment } from '../yaml/path';

/**
 * A field pattern in the notation of CRD schema paths: `spec.http[].timeout`, where `[]` stands for
 * every item of a list and `{}` for every value of a map (`spec.ports{}`). The same strings name the
 * fields of `crd-all.gen.yaml` in the conformance tests, so a table of patterns can be compared with
 * the upstream CRD field by field.
 */
export type FieldPattern = string;

export interface FieldMatch {
  /** Concrete path of the value in the object, for `report({ path })`. */
  path: PathSegment[];
  value: unknown;
}

type Step = { field: string } | { each: 'item' | 'entry' };

interface Compiled {
  steps: Step[];
  /** The pattern up to and including each step: results of shared prefixes are shared. */
  prefixes: string[];
}

const compiled = new Map<FieldPattern, Compiled>();

function compile(pattern: FieldPattern): Compiled {
  let out = compiled.get(pattern);
  if (out) return out;
  out = { steps: [], prefixes: [] };
  let prefix = '';
  for (const part of pattern.split('.')) {
    const m = /^([^[{]+)((?:\[\]|\{\})*)$/.exec(part);
    if (!m) throw new Error(`bad field pattern ${pattern}`);
    prefix += (prefix ? '.' : '') + m[1];
    out.steps.push({ field: m[1] });
    out.prefixes.push(prefix);
    for (const s of m[2].match(/\[\]|\{\}/g) ?? []) {
      prefix += s;
      out.steps.push({ each: s === '[]' ? 'item' : 'entry' });
      out.prefixes.push(prefix);
    }
  }
  compiled.set(pattern, out);
  return out;
}

/**
 * Matches by body and pattern prefix. Dozens of field tables (ports, durations, hosts, conflicts)
 * walk the same `spec.http[].route[]` of the same object; the body does not change while its
 * document does not, so each prefix is walked once.
 */
const matchCache = new WeakMap<object, Map<string, FieldMatch[]>>();

/**
 * Every value the pattern reaches in `body` (absent fields and values of the wrong shape are
 * skipped). The result and its paths are shared between callers: do not change them.
 */
export function resolvePattern(body: unknown, pattern: FieldPattern): FieldMatch[] {
  const { steps, prefixes } = compile(pattern);
  let cache: Map<string, FieldMatch[]> | undefined;
  if (typeof body === 'object' && body !== null) {
    cache = matchCache.get(body);
    if (!cache) matchCache.set(body, (cache = new Map()));
  }
  let from = steps.length;
  let current: FieldMatch[] | undefined;
  while (from > 0 && !(current = cache?.get(prefixes[from - 1]))) from--;
  if (!current) current = [{ path: [], value: body }];
  for (let i = from; i < steps.length; i++) {
    if (current.length === 0) break;
    const step = steps[i];
    const next: FieldMatch[] = [];
    for (const { path, value } of current) {
      if ('field' in step) {
        if (isRecord(value) && step.field in value) next.push({ path: [...path, step.field], value: value[step.field] });
      } else if (step.each === 'item') {
        if (Array.isArray(value)) value.forEach((v, j) => next.push({ path: [...path, j], value: v }));
      } else if (isRecord(value)) {
        for (const [k, v] of Object.entries(value)) next.push({ path: [...path, k], value: v });
      }
    }
    current = next;
    cache?.set(prefixes[i], current);
  }
  return current.length === 0 ? EMPTY : current;
}

const EMPTY: FieldMatch[] = [];

/** `prefixes × suffixes`, for fields that repeat under several parents (traffic policies, connection pools). */
export function expand(prefixes: readonly string[], suffixes: readonly string[]): string[] {
  return prefixes.flatMap((p) => suffixes.map((s) => `${p}.${s}`));
}

export function has(o: unknown, field: string): boolean {
  return isRecord(o) && o[field] !== undefined && o[field] !== null;
}

/** The value at a concrete path, or undefined. */
export function valueAt(body: unknown, path: readonly PathSegment[]): unknown {
  let node: unknown = body;
  for (const seg of path) {
    if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
    else if (isRecord(node) && typeof seg === 'string') node = node[seg];
    else return undefined;
  }
  return node;
}

/** The fields of `o` among `fields` that are set, in the order the document wrote them. */
export function presentFields(o: unknown, fields: readonly string[]): string[] {
  return isRecord(o) ? Object.keys(o).filter((k) => fields.includes(k) && o[k] !== undefined && o[k] !== null) : [];
}
