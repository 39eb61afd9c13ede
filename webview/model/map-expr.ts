// The map's "find" and "hide" expressions, as Kiali's graph find/hide: terms separated by spaces,
// all of which must hold (AND). A term is `<field><op><value>`:
//   name=reviews  name!=ratings  name~rev (contains)   kind=database
//   errors>1%  (error rate; `1%` or `0.01`)   p95>200ms  p50<1s  p99>=2s   rate>1  (requests/s)
// Nodes are matched on the requests they served (inbound), or on those they made when they served
// none (a `user` node, a pure client); edges on the caller's view, else the callee's. Pure.
import type { GraphEdgeDto, GraphMetricsDto, GraphNodeDto } from '../../src/shared/graph';

export type MapField = 'name' | 'kind' | 'errors' | 'p50' | 'p95' | 'p99' | 'rate';
export type MapOp = '=' | '!=' | '~' | '>' | '>=' | '<' | '<=';

export interface MapTerm {
  readonly field: MapField;
  readonly op: MapOp;
  /** Lower-cased text for name/kind; a number for metrics (error rate as 0..1, latency in ms, rate per second). */
  readonly value: string | number;
}

export type MapExprResult = { readonly ok: true; readonly terms: readonly MapTerm[] } | { readonly ok: false; readonly error: string };

const TEXT_FIELDS = new Set<MapField>(['name', 'kind']);
const FIELDS: readonly MapField[] = ['name', 'kind', 'errors', 'p50', 'p95', 'p99', 'rate'];
const KINDS = new Set(['service', 'version', 'database', 'messaging', 'external', 'user']);
const TERM = /^([a-z0-9]+)(!=|>=|<=|=|~|>|<)(.*)$/i;

export function parseMapExpr(text: string): MapExprResult {
  const terms: MapTerm[] = [];
  for (const raw of text.trim().split(/\s+/).filter(Boolean)) {
    const m = TERM.exec(raw);
    if (!m) return { ok: false, error: `"${raw}" is not field<op>value (e.g. name=reviews, errors>1%, p95>200ms, rate>1)` };
    const field = m[1].toLowerCase() as MapField;
    const op = m[2] as MapOp;
    const v = m[3];
    if (!FIELDS.includes(field)) return { ok: false, error: `unknown field "${m[1]}" in "${raw}" (fields: ${FIELDS.join(', ')})` };
    if (v === '') return { ok: false, error: `"${raw}" has no value` };
    if (TEXT_FIELDS.has(field)) {
      if (!['=', '!=', '~'].includes(op)) return { ok: false, error: `${field} takes =, != or ~, not ${op} ("${raw}")` };
      const value = v.toLowerCase();
      if (field === 'kind' && op !== '~' && !KINDS.has(value)) return { ok: false, error: `unknown kind "${v}" (kinds: ${[...KINDS].join(', ')})` };
      terms.push({ field, op, value });
      continue;
    }
    if (op === '~') return { ok: false, error: `${field} takes a comparison (>, >=, <, <=, =, !=), not ~ ("${raw}")` };
    const value = parseNumber(field, v);
    if (value === undefined) return { ok: false, error: `"${v}" is not a ${unitHint(field)} ("${raw}")` };
    terms.push({ field, op, value });
  }
  return { ok: true, terms };
}

function unitHint(field: MapField): string {
  if (field === 'errors') return 'percentage such as 1% or 0.5%';
  if (field === 'rate') return 'number of requests per second such as 1 or 0.5';
  return 'duration such as 200ms or 1.5s';
}

function parseNumber(field: MapField, v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%|ms|s|\/s|rps)?$/i.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (field === 'errors') {
    if (unit === '%') return n / 100;
    // A bare number above 1 can only mean a percentage.
    if (unit === '') return n > 1 ? n / 100 : n;
    return undefined;
  }
  if (field === 'rate') return unit === '' || unit === '/s' || unit === 'rps' ? n : undefined;
  if (unit === '' || unit === 'ms') return n;
  if (unit === 's') return n * 1000;
  return undefined;
}

/** The metrics a node is judged by: what it served, else what it asked for. */
export function nodeMetrics(node: GraphNodeDto): GraphMetricsDto {
  return node.inbound.requests > 0 ? node.inbound : node.outbound;
}

/** The metrics an edge is judged by: the caller's view, else the callee's. */
export function edgeMetrics(edge: GraphEdgeDto): GraphMetricsDto | null {
  return edge.client ?? edge.server;
}

function compare(a: number, op: MapOp, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    default:
      return false;
  }
}

function metricValue(m: GraphMetricsDto | null, field: MapField): number | null {
  if (!m) return null;
  switch (field) {
    case 'errors':
      return m.requests > 0 ? m.errorRate : null;
    case 'rate':
      return m.ratePerSec;
    case 'p50':
      return m.p50Ms;
    case 'p95':
      return m.p95Ms;
    case 'p99':
      return m.p99Ms;
    default:
      return null;
  }
}

function matchText(actual: string, term: MapTerm): boolean {
  const a = actual.toLowerCase();
  const v = term.value as string;
  if (term.op === '~') return a.includes(v);
  return term.op === '=' ? a === v : a !== v;
}

function matchMetric(m: GraphMetricsDto | null, term: MapTerm): boolean {
  const a = metricValue(m, term.field);
  // No requests: no latency or error rate to compare (a term about them does not hold).
  return a !== null && compare(a, term.op, term.value as number);
}

/** A version node is also found by its app's name (`name=reviews` finds reviews v1, v2, v3). */
export function matchNode(node: GraphNodeDto, terms: readonly MapTerm[], appName?: string): boolean {
  if (terms.length === 0) return false;
  const m = nodeMetrics(node);
  return terms.every((t) => {
    if (t.field === 'name') {
      const names = appName === undefined ? [node.name] : [node.name, appName];
      return t.op === '!=' ? names.every((n) => matchText(n, t)) : names.some((n) => matchText(n, t));
    }
    if (t.field === 'kind') return matchText(node.kind, t);
    return matchMetric(m, t);
  });
}

/** Edges are found by metric terms only (a name or kind term is about nodes). */
export function matchEdge(edge: GraphEdgeDto, terms: readonly MapTerm[]): boolean {
  if (terms.length === 0 || terms.some((t) => TEXT_FIELDS.has(t.field))) return false;
  const m = edgeMetrics(edge);
  return terms.every((t) => matchMetric(m, t));
}
