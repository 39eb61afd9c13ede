import { Document, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';

/**
 * Where the nodes of one YAML document are: what locating a field path, quick fixes and template
 * detection need from a parse, without the `yaml` package's node classes. The fast path builds it
 * straight from the parser's tokens; documents that go through the full `Document` path are
 * converted (`treeOfDocument`), so that both give the same tree for the same text.
 *
 * Offsets are relative to `base` (the document's start in the file): a document that did not
 * change is moved to its new offset by changing `base` alone.
 */
export interface DocTree {
  base: number;
  root: TreeNode | null;
}

export type TreeNode = TreeMap | TreeSeq | TreeLeaf;

interface Span {
  /** The node's range in the `yaml` package's terms: `range[0]` and `range[1]`, relative to the base. */
  start: number;
  end: number;
}

export interface TreeMap extends Span {
  kind: 'map';
  flow: boolean;
  /** `String(key.value)` of each pair whose key is a scalar; undefined for other keys. */
  keys: Array<string | undefined>;
  keyNodes: Array<TreeNode | null>;
  /** Null for a key without a value node (`? key` or `{ key }`). */
  values: Array<TreeNode | null>;
}

export interface TreeSeq extends Span {
  kind: 'seq';
  flow: boolean;
  /** Null only where the `yaml` package had no node (never from its composer). */
  items: Array<TreeNode | null>;
}

export interface TreeLeaf extends Span {
  /** `pair`: an item of a sequence that a tag turned into a pair (`!!omap`); it has no range. */
  kind: 'scalar' | 'alias' | 'pair';
  /** A quoted or block scalar: text that is data even when it looks like a template action. */
  str: boolean;
}

const STRING_TYPES = new Set(['QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED']);

/**
 * The tree of a document from the full parse. Iterative: documents that hit the depth limit are
 * converted too, and their depth is whatever the input had.
 */
export function treeOfDocument(doc: Document.Parsed): DocTree {
  const base = doc.range[0];
  const convert = (node: unknown, attach: (t: TreeNode | null) => void) => stack.push({ node, attach });
  const stack: Array<{ node: unknown; attach: (t: TreeNode | null) => void }> = [];
  let root: TreeNode | null = null;
  convert(doc.contents, (t) => (root = t));
  while (stack.length) {
    const { node, attach } = stack.pop()!;
    if (node === null || node === undefined) {
      attach(null);
      continue;
    }
    const r = (node as { range?: [number, number, number] | null }).range;
    const start = r ? r[0] - base : NaN;
    const end = r ? r[1] - base : NaN;
    if (isMap(node)) {
      const map: TreeMap = { kind: 'map', start, end, flow: !!node.flow, keys: [], keyNodes: [], values: [] };
      attach(map);
      (node.items as unknown[]).forEach((item, i) => {
        const pair = isPair(item) ? item : undefined;
        map.keys.push(pair && isScalar(pair.key) ? String(pair.key.value) : undefined);
        map.keyNodes.push(null);
        map.values.push(null);
        convert(pair ? pair.key : item, (t) => (map.keyNodes[i] = t));
        if (pair) convert(pair.value, (t) => (map.values[i] = t));
      });
    } else if (isSeq(node)) {
      const seq: TreeSeq = { kind: 'seq', start, end, flow: !!node.flow, items: [] };
      attach(seq);
      node.items.forEach((item, i) => {
        seq.items.push(null);
        convert(item, (t) => (seq.items[i] = t));
      });
    } else if (isPair(node)) {
      attach({ kind: 'pair', start: NaN, end: NaN, str: false });
    } else {
      const str = isScalar(node) && !!node.type && STRING_TYPES.has(node.type);
      attach({ kind: isAlias(node) ? 'alias' : 'scalar', start, end, str });
    }
  }
  return { base, root };
}

/**
 * Visits every node (keys before their values) in document order; iterative, like the walks of
 * the `yaml` nodes it replaces.
 */
export function forEachTreeNode(root: TreeNode | null, visit: (node: TreeNode) => void): void {
  const stack: Array<TreeNode | null> = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node) continue;
    visit(node);
    if (node.kind === 'map') {
      for (let i = node.keys.length - 1; i >= 0; i--) stack.push(node.values[i], node.keyNodes[i]);
    } else if (node.kind === 'seq') {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
  }
}
