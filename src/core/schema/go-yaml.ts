import type { PathSegment } from '../yaml/path';
import type { LineIndex } from '../yaml/positions';
import { DocTree, FLAG_ALIAS, FLAG_NONE, ITEM_SLOTS, PAIR_SLOTS, TreeNode } from '../yaml/tree';

/**
 * The string Kubernetes reads where the `yaml` package reads a one-pair mapping, or undefined.
 *
 * Kubernetes decodes manifests with Go's YAML decoder (gopkg.in/yaml.v2, forked as
 * sigs.k8s.io/yaml/goyaml.v2). Its plain-scalar scanner ends a scalar at `:` only when a blank or
 * the end of input follows, and in a flow collection also at `,` `?` `[` `]` `{` `}`; a colon
 * followed by `]`, `,` or `}` stays part of the text. So `[1.2.3.4, 001:db8::]` holds the string
 * "001:db8::" (Go's resolver turns no text ending in a colon into another type; it leaves out
 * YAML 1.1's base-60 numbers on purpose). YAML 1.2, which the `yaml` package follows, ends the
 * scalar before that last colon and makes it a value indicator: a mapping `{"001:db8:": null}`.
 *
 * The two readings differ exactly when a flow item is one plain key with its colon right after it
 * and a flow indicator right after the colon; with a blank or a line break after the colon
 * (`[a: ]`), Go reads the same mapping. Keys separated from their colon by blanks (`[a :]`, the
 * string "a :" for Go) are left as mappings: rare, and reporting a mapping errs on the side of a
 * finding.
 */
export function goYamlString(tree: DocTree, text: Pick<LineIndex, 'slice'>, path: readonly PathSegment[], value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || (value as Record<string, unknown>)[keys[0]] !== null) return undefined;
  const node = nodeAt(tree, path);
  if (node?.kind !== 'map' || !node.flow || node.keys.length !== 1 || node.keys[0] !== keys[0]) return undefined;
  const [keyStart, keyEnd, keyFlags, valueStart, valueEnd, valueFlags] = node.pos;
  const plainKey = keyFlags === 0;
  const emptyValue = valueFlags === 0 && valueStart === valueEnd;
  // One character between the key and the empty value, the colon, and no blank or break after it
  // (an empty value before a line break sits right after the colon too, so the text decides).
  const colonRightAfterKey = keyStart === node.start && valueStart === keyEnd + 1 && node.end === valueEnd;
  if (!plainKey || !emptyValue || !colonRightAfterKey) return undefined;
  const after = text.slice(tree.base + valueStart, tree.base + valueStart + 1);
  if (after !== ',' && after !== ']' && after !== '}') return undefined;
  // The written key, not its YAML 1.2 value: Go keeps `1.0:` as typed, where the key is the number 1.
  return `${text.slice(tree.base + keyStart, tree.base + keyEnd)}:`;
}

/** The collection at a field path of the document's tree, when the path leads to one. */
function nodeAt(tree: DocTree, path: readonly PathSegment[]): TreeNode | undefined {
  let node: TreeNode | undefined = tree.root?.kind === 'leaf' ? undefined : (tree.root ?? undefined);
  for (const seg of path) {
    if (!node) return undefined;
    let flags: number;
    if (node.kind === 'map' && typeof seg === 'string') {
      // Kubernetes keeps the last of duplicate keys, and so does the plain value.
      const k = node.keys.lastIndexOf(seg);
      if (k < 0) return undefined;
      flags = node.pos[k * PAIR_SLOTS + 5];
      node = node.nodes?.[2 * k + 1];
    } else if (node.kind === 'seq' && typeof seg === 'number' && seg * ITEM_SLOTS < node.pos.length) {
      flags = node.pos[seg * ITEM_SLOTS + 2];
      node = node.nodes?.[seg];
    } else {
      return undefined;
    }
    // Through an alias the value comes from elsewhere; what is written there is not known here.
    if (flags & (FLAG_ALIAS | FLAG_NONE)) return undefined;
  }
  return node;
}
