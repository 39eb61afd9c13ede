import type { K8sObject } from '../k8s/object';
import type { PathSegment } from '../yaml/path';
import type { SchemaValidator } from './types';
import type * as Generated from './validators.generated';

export interface ConstraintIssue {
  path: PathSegment[];
  keyword: string;
  limit?: number | string;
  /** For `oneOf`: the fields that exclude each other (each one's removal alone resolves it). */
  conflicting?: string[];
}

/**
 * Keywords this check reports. Types, enums and required fields are left to the catalog rules,
 * which explain them better; oneOf/anyOf/not say nothing a person can act on without the
 * alternatives, which the compiled validators do not carry.
 */
const REPORTED = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'pattern', 'format', 'uniqueItems']);

const cache = new WeakMap<object, ConstraintIssue[]>();

let loaded: typeof Generated.VALIDATORS | undefined;

/**
 * The compiled validators are 2 MB of code; they are loaded on the first object that needs them,
 * so that `meshlens --version`, `meshlens rules` and the extension's activation do not pay for it.
 */
function validators(): typeof Generated.VALIDATORS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred loading is the point
  loaded ??= (require('./validators.generated') as typeof Generated).VALIDATORS;
  return loaded;
}

/**
 * Lists are cut to this many items before the compiled validators see them: those concatenate their
 * error list once per failing item (quadratic: a `ports:` flow list of 32,000 strings took 39 s, found
 * by the fuzzer) and compare items pairwise for `uniqueItems`. One more than the largest `maxItems`
 * of any model (4096), so that every such limit is still seen; paths to the kept items are unchanged.
 */
export const MAX_VALIDATED_ITEMS = 4097;

function cutLists(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.length > MAX_VALIDATED_ITEMS ? v.slice(0, MAX_VALIDATED_ITEMS) : v;
    let changed = items !== v;
    const out = items.map((x) => {
      const c = cutLists(x);
      if (c !== x) changed = true;
      return c;
    });
    return changed ? out : v;
  }
  if (v !== null && typeof v === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      const c = cutLists(x);
      if (c !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = c;
    }
    return out ?? v;
  }
  return v;
}

/** Constraint violations found by the upstream validator of the object's kind and version. */
export function constraintIssues(o: K8sObject): ConstraintIssue[] {
  let issues = cache.get(o.body);
  if (issues) return issues;
  issues = [];
  const validate = validators()[`${o.group}/${o.version}/${o.kind}`];
  const body = cutLists(o.body);
  if (validate && !validate(body)) {
    const seen = new Set<string>();
    for (const err of validate.errors ?? []) {
      if (err.keyword === 'oneOf' && Array.isArray(err.params.passingSchemas)) {
        const conflicting = exclusiveFields(validate, body, err.instancePath);
        if (conflicting.length > 1) issues.push({ path: pointerToPath(o.body, err.instancePath), keyword: 'oneOf', conflicting });
        continue;
      }
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

/**
 * More than one alternative of a `oneOf` matched (`exact` and `prefix` both set). The compiled
 * validator does not say which fields the alternatives are about (and stops at the second match),
 * so pairs of the object's fields are tried alone: two fields that still match two alternatives
 * exclude each other. Objects have a handful of fields, and this runs only on such a conflict.
 */
function exclusiveFields(validate: SchemaValidator, body: unknown, pointer: string): string[] {
  const target = resolvePointer(body, pointer);
  if (!target || typeof target !== 'object' || Array.isArray(target)) return [];
  const entries = Object.entries(target as Record<string, unknown>);
  const found = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const copy = structuredClone(body);
      const obj = resolvePointer(copy, pointer) as Record<string, unknown>;
      for (const k of Object.keys(obj)) if (k !== entries[i][0] && k !== entries[j][0]) delete obj[k];
      validate(copy);
      const conflict = (validate.errors ?? []).some((e) => e.keyword === 'oneOf' && e.instancePath === pointer && Array.isArray(e.params.passingSchemas));
      if (conflict) found.add(entries[i][0]).add(entries[j][0]);
    }
  }
  return entries.map(([k]) => k).filter((k) => found.has(k));
}

function resolvePointer(body: unknown, pointer: string): unknown {
  let node = body;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return node;
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
