import { Document, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';

/**
 * Where the nodes of one YAML document are: what locating a field path, quick fixes and template
 * detection need from a parse, without the `yaml` package's node classes. The fast path builds it
 * straight from the parser's tokens; documents that go through the full Document path are
 * converted (`treeOfDocument`), so that both give the same tree for the same text.
 *
 * Every document of the workspace keeps its tree, so it is kept lean: a collection is one object
 * with flat arrays, and a scalar is a few numbers in its parent's array, not an object (the
 * garbage collector copies whatever the analysis keeps, and objects per scalar doubled its work).
 *
 * Offsets are relative to `base` (the document's start in the file): a document that did not
 * change is moved to its new offset by changing `base` alone. -1 stands for "no range".
 */
export interface DocTree {
  base: number;
  root: TreeRoot | null;
}

export type TreeNode = TreeMap | TreeSeq;

/** The document's content: a collection, or a scalar (or alias) with its span. */
export type TreeRoot = TreeNode | TreeLeaf;

export interface TreeLeaf {
  kind: 'leaf';
  start: number;
  end: number;
  /** FLAG_* bits of the node (FLAG_STR, FLAG_ALIAS). */
  flags: number;
}

export interface TreeMap {
  kind: 'map';
  /** `range[0]` and `range[1]` in the `yaml` package's terms, relative to the base. */
  start: number;
  end: number;
  flow: boolean;
  /** `String(key.value)` of each pair whose key is a scalar; undefined for other keys. */
  keys: Array<string | undefined>;
  /** PAIR_SLOTS numbers per pair: key start, key end, key flags, value start, value end, value flags. */
  pos: number[];
  /** Collections among the keys (index 2i) and values (2i + 1); absent while there are none. */
  nodes?: Array<TreeNode | undefined>;
}

export interface TreeSeq {
  kind: 'seq';
  start: number;
  end: number;
  flow: boolean;
  /** ITEM_SLOTS numbers per item: start, end, flags. */
  pos: number[];
  /** Collections among the items (index i); absent while there are none. */
  nodes?: Array<TreeNode | undefined>;
}

export const PAIR_SLOTS = 6;
export const ITEM_SLOTS = 3;

/** A quoted or block scalar: text that is data even when it looks like a template action. */
export const FLAG_STR = 1;
/** An alias (`*name`). */
export const FLAG_ALIAS = 2;
/** A collection: the node is in `nodes`. */
export const FLAG_NODE = 4;
/** No node at all: a key without a value (`? key`, `{ key }`), or a hole in a sequence. */
export const FLAG_NONE = 8;
/** An item that a tag turned into a pair (`!!omap`): a node without a range. */
export const FLAG_PAIR = 16;

const STRING_TYPES = new Set(['QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED']);

/** One child as its parent stores it. */
interface Slot {
  start: number;
  end: number;
  flags: number;
  node: TreeNode | undefined;
}

/**
 * The tree of a document from the full parse. Iterative: documents that hit the depth limit are
 * converted too, and their depth is whatever the input had.
 */
export function treeOfDocument(doc: Document.Parsed): DocTree {
  const base = doc.range[0];
  const pending: Array<[unknown, TreeNode]> = [];
  const slot = (node: unknown): Slot => {
    if (node === null || node === undefined) return { start: -1, end: -1, flags: FLAG_NONE, node: undefined };
    if (isPair(node)) return { start: -1, end: -1, flags: FLAG_PAIR, node: undefined };
    const r = (node as { range?: [number, number, number] | null }).range;
    const start = r ? r[0] - base : -1;
    const end = r ? r[1] - base : -1;
    if (isMap(node) || isSeq(node)) {
      const tree: TreeNode = isMap(node)
        ? { kind: 'map', start, end, flow: !!node.flow, keys: [], pos: [] }
        : { kind: 'seq', start, end, flow: !!node.flow, pos: [] };
      pending.push([node, tree]);
      return { start, end, flags: FLAG_NODE, node: tree };
    }
    if (isAlias(node)) return { start, end, flags: FLAG_ALIAS, node: undefined };
    const str = isScalar(node) && !!node.type && STRING_TYPES.has(node.type);
    return { start, end, flags: str ? FLAG_STR : 0, node: undefined };
  };
  const top = slot(doc.contents);
  const root: TreeRoot | null = top.flags & FLAG_NONE ? null : (top.node ?? { kind: 'leaf', start: top.start, end: top.end, flags: top.flags });
  while (pending.length) {
    const [node, tree] = pending.pop()!;
    const items = (node as { items: unknown[] }).items;
    if (tree.kind === 'map') {
      items.forEach((item, i) => {
        const pair = isPair(item) ? item : undefined;
        tree.keys.push(pair && isScalar(pair.key) ? String(pair.key.value) : undefined);
        const k = slot(pair ? pair.key : item);
        const v = pair ? slot(pair.value) : slot(null);
        tree.pos.push(k.start, k.end, k.flags, v.start, v.end, v.flags);
        if (k.node) (tree.nodes ??= [])[2 * i] = k.node;
        if (v.node) (tree.nodes ??= [])[2 * i + 1] = v.node;
      });
    } else {
      items.forEach((item, i) => {
        const s = slot(item);
        tree.pos.push(s.start, s.end, s.flags);
        if (s.node) (tree.nodes ??= [])[i] = s.node;
      });
    }
  }
  return { base, root };
}

/** The [start, end) offsets in the file of every quoted or block scalar, keys included. */
export function stringSpans(tree: DocTree): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const add = (start: number, end: number, flags: number) => {
    if (flags & FLAG_STR) out.push([tree.base + start, tree.base + end]);
  };
  const root = tree.root;
  if (!root) return out;
  if (root.kind === 'leaf') {
    add(root.start, root.end, root.flags);
    return out;
  }
  const stack: TreeNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    const pos = node.pos;
    if (node.kind === 'map') for (let i = 0; i < pos.length; i += 3) add(pos[i], pos[i + 1], pos[i + 2]);
    else for (let i = 0; i < pos.length; i += ITEM_SLOTS) add(pos[i], pos[i + 1], pos[i + 2]);
    for (const child of node.nodes ?? []) if (child) stack.push(child);
  }
  return out;
}
