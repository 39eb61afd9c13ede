import { InputLimits } from './limits';
import { LimitProblem, ParsedDocument, ParsedFile, Segment, SyntaxProblem } from './parse';
import { LineIndex } from './positions';
import { DocTree, TreeNode, TreeRoot } from './tree';

/**
 * A parsed file in the form that crosses from a worker thread to the main thread cheaply. The
 * structured clone of a parse (values, position trees) costs half as much as parsing again: per
 * object and per number. Here values travel as one JSON text (JSON.parse is native and fast) and
 * every tree of the file as one Int32Array (moved, not copied); the receiver builds the same
 * ParsedFile that parseManifestText gives, shared nodes and values included.
 */
export interface PackedFile {
  text: string;
  isManifest: boolean;
  templateOffset?: number;
  syntax: SyntaxProblem[];
  segments?: PackedSegment[];
  /** `[value of each document]` as JSON, or the values themselves when JSON cannot carry them. */
  values: string | unknown[];
  /** Every document's tree, in document order (see `packTree`). */
  trees: Int32Array;
  /** Map keys in the order the trees meet them; null for a key that is not a scalar. */
  keys: string;
}

interface PackedSegment {
  start: number;
  end: number;
  via: Segment['via'];
  syntax: SyntaxProblem[];
  docs: Array<{ start: number; end: number; hasErrors: boolean; limit: LimitProblem | undefined; noValue: boolean }>;
}

const NOT_JSON = new Error('not JSON-safe');

/** JSON would turn these into something else: NaN, Infinity and -0 into null or 0, class instances into records. */
function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) throw NOT_JSON;
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
  } else if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') {
    throw NOT_JSON;
  }
  return v;
}

export function packFile(file: ParsedFile): { packed: PackedFile; transfer: ArrayBuffer[] } {
  const ints: number[] = [];
  const keys: Array<string | undefined> = [];
  const docs = file.segments && file.templateOffset === undefined ? file.segments.flatMap((s) => s.docs) : [];
  for (const d of docs) packTree(d.node, ints, keys);
  const raw = docs.map((d) => (d.value === undefined ? null : d.value));
  let values: string | unknown[];
  try {
    values = JSON.stringify(raw, jsonSafe);
  } catch (e) {
    if (e !== NOT_JSON) throw e;
    values = raw;
  }
  const trees = Int32Array.from(ints);
  return {
    packed: {
      text: file.text,
      isManifest: file.isManifest,
      templateOffset: file.templateOffset,
      syntax: file.syntax,
      segments: file.segments?.map((s) => ({
        start: s.start,
        end: s.start + s.text.length,
        via: s.via,
        syntax: s.syntax,
        docs: s.docs.map((d) => ({ start: d.start, end: d.end, hasErrors: d.hasErrors, limit: d.limit, noValue: d.value === undefined })),
      })),
      values,
      trees,
      keys: JSON.stringify(keys.map((k) => k ?? null)),
    },
    transfer: [trees.buffer as ArrayBuffer],
  };
}

export function unpackFile(p: PackedFile, limits: InputLimits): ParsedFile {
  const lines = new LineIndex(p.text);
  if (p.templateOffset !== undefined) {
    return { text: p.text, lines, documents: [], syntax: p.syntax, templateOffset: p.templateOffset, isManifest: p.isManifest };
  }
  const values = typeof p.values === 'string' ? (JSON.parse(p.values) as unknown[]) : p.values;
  const keys = (JSON.parse(p.keys) as Array<string | null>).map((k) => k ?? undefined);
  const reader = { ints: p.trees, at: 0, keys, key: 0 };
  let n = 0;
  const segments: Segment[] = (p.segments ?? []).map((s) => ({
    start: s.start,
    text: p.text.slice(s.start, s.end),
    via: s.via,
    syntax: s.syntax,
    limits,
    docs: s.docs.map((d): ParsedDocument => {
      const value = values[n++];
      return { index: -1, node: unpackTree(reader), start: d.start, end: d.end, hasErrors: d.hasErrors, value: d.noValue ? undefined : value, limit: d.limit };
    }),
  }));
  const documents: ParsedDocument[] = [];
  for (const s of segments) for (const d of s.docs) documents.push({ ...d, index: documents.length });
  return { text: p.text, lines, documents, syntax: p.syntax, isManifest: p.isManifest, segments };
}

// Tree layout: base, then the root: 0 (none) | 1 start end flags (leaf) | node. A node is
// 2 (map) or 3 (seq), start, end, flow, the length of `pos` and its numbers, the number of child
// collections, and for each its slot in `nodes` followed by the child node. A map's keys go to
// `keys`, one per pair.

function packTree(tree: DocTree, out: number[], keys: Array<string | undefined>): void {
  out.push(tree.base);
  const root = tree.root;
  if (!root) out.push(0);
  else if (root.kind === 'leaf') out.push(1, root.start, root.end, root.flags);
  else packNode(root, out, keys);
}

function packNode(node: TreeNode, out: number[], keys: Array<string | undefined>): void {
  out.push(node.kind === 'map' ? 2 : 3, node.start, node.end, node.flow ? 1 : 0, node.pos.length);
  for (const v of node.pos) out.push(v);
  if (node.kind === 'map') for (const k of node.keys) keys.push(k);
  const nodes = node.nodes;
  if (!nodes) {
    out.push(-1);
    return;
  }
  let count = 0;
  for (const c of nodes) if (c) count++;
  out.push(count);
  nodes.forEach((c, i) => {
    if (!c) return;
    out.push(i);
    packNode(c, out, keys);
  });
}

interface Reader {
  ints: Int32Array;
  at: number;
  keys: Array<string | undefined>;
  key: number;
}

function unpackTree(r: Reader): DocTree {
  const base = r.ints[r.at++];
  const tag = r.ints[r.at++];
  let root: TreeRoot | null = null;
  if (tag === 1) {
    root = { kind: 'leaf', start: r.ints[r.at], end: r.ints[r.at + 1], flags: r.ints[r.at + 2] };
    r.at += 3;
  } else if (tag !== 0) {
    r.at--;
    root = unpackNode(r);
  }
  return { base, root };
}

function unpackNode(r: Reader): TreeNode {
  const ints = r.ints;
  const kind = ints[r.at];
  const start = ints[r.at + 1];
  const end = ints[r.at + 2];
  const flow = ints[r.at + 3] === 1;
  const length = ints[r.at + 4];
  r.at += 5;
  const pos = Array.from(ints.subarray(r.at, r.at + length));
  r.at += length;
  const node: TreeNode =
    kind === 2 ? { kind: 'map', start, end, flow, keys: r.keys.slice(r.key, (r.key += length / 6)), pos } : { kind: 'seq', start, end, flow, pos };
  const count = ints[r.at++];
  if (count >= 0) {
    // Holes stay holes: the parsers leave `nodes[i]` unset for scalars.
    const nodes: Array<TreeNode | undefined> = [];
    for (let c = 0; c < count; c++) {
      const slot = ints[r.at++];
      nodes[slot] = unpackNode(r);
    }
    node.nodes = nodes;
  }
  return node;
}
