import { FieldPath } from './path';
import { DocTree, FLAG_ALIAS, FLAG_NODE, FLAG_NONE, FLAG_PAIR, ITEM_SLOTS, PAIR_SLOTS, TreeNode, TreeRoot } from './tree';

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

function locateRelative(root: TreeRoot | null, path: FieldPath, target: 'key' | 'value'): Located {
  if (!root) return { start: 0, end: 0, exact: path.length === 0, depth: 0 };

  // The node being looked at: its collection (when it is one), its flags and its span.
  let node: TreeNode | undefined = root.kind === 'leaf' ? undefined : root;
  let flags = root.kind === 'leaf' ? root.flags : FLAG_NODE;
  let span = spanOf(root.start, root.end);
  let last: Span = span ?? { start: 0, end: 0 };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (flags & FLAG_ALIAS) return { ...last, exact: false, depth: i };
    let keySpan: Span | undefined;
    let pos: number[] | undefined;
    let at = -1;
    let next: TreeNode | undefined;
    if (node?.kind === 'map' && typeof seg === 'string') {
      // The last duplicate wins in Kubernetes' decoders; keep that meaning.
      const k = node.keys.lastIndexOf(seg);
      if (k >= 0) {
        pos = node.pos;
        const p = k * PAIR_SLOTS;
        keySpan = spanOf(pos[p], pos[p + 1]);
        if (pos[p + 5] & FLAG_NONE) {
          // `? key` with no value: the key is the best place to point at.
          return { ...keySpan!, exact: i === path.length - 1, depth: i + 1 };
        }
        at = p + 3;
        next = node.nodes?.[2 * k + 1];
      }
    } else if (node?.kind === 'seq' && typeof seg === 'number' && Number.isInteger(seg) && seg >= 0 && seg * ITEM_SLOTS < node.pos.length) {
      pos = node.pos;
      const p = seg * ITEM_SLOTS;
      if (!(pos[p + 2] & FLAG_NONE)) {
        at = p;
        next = node.nodes?.[seg];
      }
    }
    if (!pos || at < 0) {
      // Missing: point at the key of the nearest existing parent rather than its whole body.
      return { ...last, exact: false, depth: i };
    }
    node = next;
    flags = pos[at + 2];
    span = spanOf(pos[at], pos[at + 1]);
    // `key:` with nothing after it parses as an empty scalar; the key is what a person sees.
    if (span && span.end === span.start && keySpan) span = keySpan;
    // Collections are long: a fallback to one points at its key. An alias is the value's origin here.
    last = (keySpan && flags & (FLAG_NODE | FLAG_PAIR) ? keySpan : span) ?? last;
    if (i === path.length - 1) {
      if (target === 'key' && keySpan) return { ...keySpan, exact: true, depth: i + 1 };
      return { ...(span ?? last), exact: true, depth: i + 1 };
    }
  }
  return { ...(span ?? last), exact: true, depth: path.length };
}

function spanOf(start: number, end: number): Span | undefined {
  return start < 0 ? undefined : { start, end };
}
