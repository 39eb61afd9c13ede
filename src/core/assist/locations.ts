/** Offsets of what the assist points at, trimmed to what an editor should select. */
import type { K8sObject } from '../k8s/object';
import type { WorkspaceIndex } from '../workspace/index';
import { locatePath } from '../yaml/locate';
import type { ParsedDocument } from '../yaml/parse';
import type { FieldPath } from '../yaml/path';
import type { Location } from './index';
import type { Target } from './references';

/**
 * Where a path of an object is written: its value, or the whole entry for a list item. A block
 * collection's range runs to the next line; the editor should select the entry, not its line break.
 */
export function locate(index: WorkspaceIndex, object: K8sObject, path: FieldPath): Location {
  const { start, end: written } = locatePath(object.doc.node, path, 'value');
  let end = written;
  const text = index.get(object.uri)?.file?.text;
  if (text) while (end > start && /\s/.test(text[end - 1])) end--;
  return { uri: object.uri, start, end };
}

export const targetLocation = (index: WorkspaceIndex, t: Target): Location => locate(index, t.object, t.path);

/** A document's offsets without its `---` line: that is where the object starts for a reader. */
export function documentRange(text: string, doc: ParsedDocument): { start: number; end: number } {
  let start = doc.start;
  if (text.startsWith('---', start)) {
    const eol = text.indexOf('\n', start);
    if (eol >= 0 && eol < doc.end && text.slice(start + 3, eol).trim() === '') start = eol + 1;
  }
  let end = doc.end;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}
