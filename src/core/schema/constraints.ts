import type { K8sObject } from '../k8s/object';
import type { PathSegment } from '../yaml/path';
import { VALIDATORS } from './validators.generated';

export interface ConstraintIssue {
  path: PathSegment[];
  keyword: string;
  limit?: number | string;
}

/**
 * Keywords this check reports. Types, enums and required fields are left to the catalog rules,
 * which explain them better; oneOf/anyOf/not say nothing a person can act on without the
 * alternatives, which the compiled validators do not carry.
 */
const REPORTED = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'pattern', 'format', 'uniqueItems']);

const cache = new WeakMap<object, ConstraintIssue[]>();

/** Constraint violations found by the upstream validator of the object's kind and version. */
export function constraintIssues(o: K8sObject): ConstraintIssue[] {
  let issues = cache.get(o.body);
  if (issues) return issues;
  issues = [];
  const validate = VALIDATORS[`${o.group}/${o.version}/${o.kind}`];
  if (validate && !validate(o.body)) {
    const seen = new Set<string>();
    for (const err of validate.errors ?? []) {
      if (!REPORTED.has(err.keyword)) continue;
      const path = pointerToPath(o.body, err.instancePath);
      const key = `${err.instancePath} ${err.keyword}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const p = err.params;
      const limit = (p.limit ?? p.pattern ?? p.format) as number | string | undefined;
      issues.push({ path, keyword: err.keyword, limit });
    }
  }
  cache.set(o.body, issues);
  return issues;
}

/** `/spec/ports/0/number` -> ['spec', 'ports', 0, 'number'], with numbers only where arrays are. */
function pointerToPath(body: unknown, pointer: string): PathSegment[] {
  const out: PathSegment[] = [];
  let node: unknown = body;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      out.push(i);
      node = node[i];
    } else {
      out.push(seg);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
