// The field-path locator as it was written against the `yaml` package's Document nodes, before
// positions moved to DocTree (src/core/yaml/tree.ts). Kept, unchanged, as the reference the tree
// (from either parse path) must give identical answers to: test/unit/yaml/fast-path.test.ts.
import { Document, isAlias, isMap, isPair, isScalar, isSeq, Node, Pair } from 'yaml';
import { FieldPath } from '../../../src/core/yaml/path';

interface Located {
  start: number;
  end: number;
  /** False when the path does not exist and the range is that of its nearest existing parent. */
  exact: boolean;
  /** How many leading path segments were found. */
  depth: number;
}

/**
 * Resolves a field path to the offsets of its value (`target: 'value'`) or of its key
 * (`target: 'key'`; for sequence items the item itself). A path that goes through an alias stops
 * at the alias: the place in this object where the value comes from.
 */
export function locateInDocument(doc: Document.Parsed, path: FieldPath, target: 'key' | 'value' = 'value'): Located {
  const root = doc.contents;
  const docStart = doc.range[0];
  if (!root) return { start: docStart, end: docStart, exact: path.length === 0, depth: 0 };

  let node: Node | null = root;
  let keyNode: Node | undefined;
  let last: { start: number; end: number } = spanOf(root) ?? { start: docStart, end: docStart };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isAlias(node)) return { ...last, exact: false, depth: i };
    let next: Node | null = null;
    keyNode = undefined;
    if (isMap(node) && typeof seg === 'string') {
      const pair = findPair(node.items, seg);
      if (pair) {
        next = pair.value as Node | null;
        keyNode = pair.key as Node;
        if (!next) {
          // `key:` with no value: the key is the best place to point at.
          const k = spanOf(keyNode)!;
          const exact = i === path.length - 1;
          return { ...k, exact, depth: i + 1 };
        }
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item !== undefined) next = item as Node;
    }
    if (!next) {
      // Missing: point at the key of the nearest existing parent rather than its whole body.
      return { ...last, exact: false, depth: i };
    }
    node = next;
    let span = spanOf(node);
    const keySpan = keyNode ? spanOf(keyNode) : undefined;
    // `key:` with nothing after it parses as an empty scalar; the key is what a person sees.
    if (span && span.end === span.start && keySpan) span = keySpan;
    // Collections are long: a fallback to one points at its key. An alias is the value's origin here.
    last = (keySpan && !isScalar(node) && !isAlias(node) ? keySpan : span) ?? last;
    if (i === path.length - 1) {
      if (target === 'key' && keySpan) return { ...keySpan, exact: true, depth: i + 1 };
      return { ...(span ?? last), exact: true, depth: i + 1 };
    }
  }
  const span = spanOf(node);
  return { ...(span ?? last), exact: true, depth: path.length };
}

function findPair(items: Pair[], key: string): Pair | undefined {
  // The last duplicate wins in Kubernetes' decoders; keep that meaning.
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item;
  }
  return undefined;
}

function spanOf(node: unknown): { start: number; end: number } | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const r = (node as Node).range;
    if (r) return { start: r[0], end: r[1] };
  }
  return undefined;
}
