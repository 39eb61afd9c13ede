import { FieldPath } from './path';
import { DocTree, TreeNode } from './tree';

export interface Located {
  start: number;
  end: number;
  /** False when the path does not exist and the range is that of its nearest existing parent. */
  exact: boolean;
  /** How many leading path segments were found. */
  depth: number;
}

interface Span {
  start: number;
  end: number;
}

/**
 * Resolves a field path to the offsets of its value (`target: 'value'`) or of its key
 * (`target: 'key'`; for sequence items the item itself). A path that goes through an alias stops
 * at the alias: the place in this object where the value comes from.
 */
export function locatePath(doc: DocTree, path: FieldPath, target: 'key' | 'value' = 'value'): Located {
  const found = locateRelative(doc.root, path, target);
  found.start += doc.base;
  found.end += doc.base;
  return found;
}

function locateRelative(root: TreeNode | null, path: FieldPath, target: 'key' | 'value'): Located {
  if (!root) return { start: 0, end: 0, exact: path.length === 0, depth: 0 };

  let node: TreeNode = root;
  let last: Span = spanOf(root) ?? { start: 0, end: 0 };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (node.kind === 'alias') return { ...last, exact: false, depth: i };
    let next: TreeNode | null = null;
    let keySpan: Span | undefined;
    if (node.kind === 'map' && typeof seg === 'string') {
      // The last duplicate wins in Kubernetes' decoders; keep that meaning.
      const k = node.keys.lastIndexOf(seg);
      if (k >= 0) {
        next = node.values[k];
        keySpan = spanOf(node.keyNodes[k]);
        if (!next) {
          // `key:` with no value: the key is the best place to point at.
          return { ...keySpan!, exact: i === path.length - 1, depth: i + 1 };
        }
      }
    } else if (node.kind === 'seq' && typeof seg === 'number') {
      next = node.items[seg] ?? null;
    }
    if (!next) {
      // Missing: point at the key of the nearest existing parent rather than its whole body.
      return { ...last, exact: false, depth: i };
    }
    node = next;
    let span = spanOf(node);
    // `key:` with nothing after it parses as an empty scalar; the key is what a person sees.
    if (span && span.end === span.start && keySpan) span = keySpan;
    // Collections are long: a fallback to one points at its key. An alias is the value's origin here.
    last = (keySpan && node.kind !== 'scalar' && node.kind !== 'alias' ? keySpan : span) ?? last;
    if (i === path.length - 1) {
      if (target === 'key' && keySpan) return { ...keySpan, exact: true, depth: i + 1 };
      return { ...(span ?? last), exact: true, depth: i + 1 };
    }
  }
  return { ...(spanOf(node) ?? last), exact: true, depth: path.length };
}

function spanOf(node: TreeNode | null): Span | undefined {
  if (!node || Number.isNaN(node.start)) return undefined;
  return { start: node.start, end: node.end };
}
