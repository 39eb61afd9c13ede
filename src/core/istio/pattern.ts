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

const compiled = new Map<FieldPattern, Step[]>();

function steps(pattern: FieldPattern): Step[] {
  let out = compiled.get(pattern);
  if (out) return out;
  out = [];
  for (const part of pattern.split('.')) {
    const m = /^([^[{]+)((?:\[\]|\{\})*)$/.exec(part);
    if (!m) throw new Error(`bad field pattern ${pattern}`);
    out.push({ field: m[1] });
    for (const s of m[2].match(/\[\]|\{\}/g) ?? []) out.push({ each: s === '[]' ? 'item' : 'entry' });
  }
  compiled.set(pattern, out);
  return out;
}

/** Every value the pattern reaches in `body` (absent fields and values of the wrong shape are skipped). */
export function resolvePattern(body: unknown, pattern: FieldPattern): FieldMatch[] {
  let current: FieldMatch[] = [{ path: [], value: body }];
  for (const step of steps(pattern)) {
    const next: FieldMatch[] = [];
    for (const { path, value } of current) {
      if ('field' in step) {
        if (isRecord(value) && step.field in value) next.push({ path: [...path, step.field], value: value[step.field] });
      } else if (step.each === 'item') {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ path: [...path, i], value: v }));
      } else if (isRecord(value)) {
        for (const [k, v] of Object.entries(value)) next.push({ path: [...path, k], value: v });
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

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
