import type { K8sObject } from '../k8s/object';
import type { PathSegment } from '../yaml/path';
import type { LineIndex } from '../yaml/positions';
import type { DocTree } from '../yaml/tree';
import { lookupKind } from '../k8s/kinds';
import { schemaNode, schemaRoot } from './catalog';
import type { SchemaNode } from './types';
import { closest } from './suggest';
import { goYamlString } from './go-yaml';

export type SchemaIssue =
  | { kind: 'unknownField'; path: PathSegment[]; field: string; suggestion?: string; belongsUnder?: string; parentPath: PathSegment[] }
  | { kind: 'wrongType'; path: PathSegment[]; expected: string; actual: string }
  | { kind: 'enum'; path: PathSegment[]; value: string; allowed: Array<string | number>; suggestion?: string }
  | { kind: 'required'; path: PathSegment[]; field: string }
  | { kind: 'deprecated'; path: PathSegment[]; field: string; detail: string };

const cache = new WeakMap<object, SchemaIssue[]>();

/**
 * Every schema issue of an object, computed once per parsed body and shared by the schema rules.
 * `lines` is the text of the object's file: a few values read differently in Kubernetes (go-yaml.ts).
 */
export function schemaIssues(o: K8sObject, lines: Pick<LineIndex, 'slice'>): SchemaIssue[] {
  let issues = cache.get(o.body);
  if (!issues) {
    issues = [];
    const root = schemaRoot(o.group, o.version, o.kind);
    if (root) walk(o.body, root, [], issues, isCustomResource(o.group, o.kind), { tree: o.doc.node, lines });
    cache.set(o.body, issues);
  }
  return issues;
}

// Kubernetes decodes YAML with YAML 1.1 booleans; these plain words are booleans there.
const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}

const EXPECTED_NAME: Record<SchemaNode['t'], string> = {
  object: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  intOrString: 'a number or a string',
  any: 'anything',
};

/**
 * The API server checks custom resources against their CRD's OpenAPI schema, which rejects `null`
 * for a field that is not nullable ("spec in body must be of type object: \"null\""); built-in
 * kinds are decoded by Go, where null is the zero value. Object metadata is always Go-decoded.
 */
function isCustomResource(group: string, kind: string): boolean {
  const family = lookupKind(group, kind)?.family;
  return family === 'istio' || family === 'argo' || family === 'gateway-api';
}

/** Where the values come from: what go-yaml.ts reads to see them as Kubernetes does. */
interface Source {
  tree: DocTree;
  lines: Pick<LineIndex, 'slice'>;
}

function walk(value: unknown, node: SchemaNode, path: PathSegment[], out: SchemaIssue[], nullIsError: boolean, src: Source): void {
  if (value === undefined || node.t === 'any') return;
  if (value === null) {
    // An empty value (`spec:` with nothing under it) is how YAML writes null.
    if (nullIsError) out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME[node.t], actual: 'null' });
    return;
  }
  let actual = typeOf(value);
  if (actual === 'mapping' && node.t !== 'object' && node.t !== 'map') {
    // Where no mapping belongs, check what Kubernetes reads: for `[a:b::]` a string, not a mapping.
    const text = goYamlString(src.tree, src.lines, path, value);
    if (text !== undefined) {
      value = text;
      actual = 'string';
    }
  }
  switch (node.t) {
    case 'string':
      if (actual !== 'string') return void out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME.string, actual });
      if (node.e && !node.e.includes(value as string)) pushEnum(value as string, node.e, path, out);
      return;
    case 'number':
      if (actual !== 'number') return void out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME.number, actual });
      if (node.e && !node.e.includes(value as number)) pushEnum(String(value), node.e, path, out);
      return;
    case 'boolean':
      if (actual !== 'boolean' && !(actual === 'string' && YAML11_BOOL.test(value as string))) {
        out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME.boolean, actual });
      }
      return;
    case 'intOrString':
      if (actual !== 'number' && actual !== 'string') out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME.intOrString, actual });
      return;
    case 'array': {
      if (actual !== 'list') return void out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME.array, actual });
      const item = schemaNode(node.i!);
      (value as unknown[]).forEach((v, i) => walk(v, item, [...path, i], out, nullIsError, src));
      return;
    }
    case 'map': {
      if (actual !== 'mapping') return void out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME.map, actual });
      const item = schemaNode(node.i!);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, item, [...path, k], out, nullIsError, src);
      return;
    }
    case 'object': {
      if (actual !== 'mapping') return void out.push({ kind: 'wrongType', path, expected: EXPECTED_NAME.object, actual });
      const obj = value as Record<string, unknown>;
      const props = node.p ?? {};
      for (const [k, v] of Object.entries(obj)) {
        const child = props[k];
        if (child !== undefined) {
          const node = schemaNode(child);
          if (node.dep && v !== null && v !== undefined) out.push({ kind: 'deprecated', path: [...path, k], field: k, detail: node.dep });
          walk(v, node, [...path, k], out, nullIsError && !(path.length === 0 && k === 'metadata'), src);
        }
        else if (!node.open) out.push(unknownField(k, node, obj, path));
      }
      for (const r of node.r ?? []) if (obj[r] === undefined) out.push({ kind: 'required', path: [...path, r], field: r });
      return;
    }
  }
}

function pushEnum(value: string, allowed: Array<string | number>, path: PathSegment[], out: SchemaIssue[]): void {
  out.push({ kind: 'enum', path, value, allowed, suggestion: closest(value, allowed.map(String)) });
}

/**
 * An unknown field, with the likeliest intent: a misspelling of a sibling, or a field that exists
 * one level down (it belongs under one of this object's fields, e.g. `subset` under `destination`).
 */
function unknownField(field: string, node: SchemaNode, obj: Record<string, unknown>, path: PathSegment[]): SchemaIssue {
  const props = node.p ?? {};
  const suggestion = closest(field, Object.keys(props).filter((p) => obj[p] === undefined || p.toLowerCase() === field.toLowerCase()));
  let belongsUnder: string | undefined;
  if (!suggestion) {
    for (const [name, id] of Object.entries(props)) {
      let child = schemaNode(id);
      if (child.t === 'array') child = schemaNode(child.i!);
      if (child.t === 'object' && child.p && field in child.p) {
        belongsUnder = name;
        break;
      }
    }
  }
  return { kind: 'unknownField', path: [...path, field], field, suggestion, belongsUnder, parentPath: path };
}
