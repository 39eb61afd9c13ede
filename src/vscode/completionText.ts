/**
 * The text decisions of the completion provider, kept apart from `vscode` so they can be tested in
 * plain mocha.
 */
import type { CompletionItem } from '../core/assist';

/**
 * Whether a space just typed (the text of the line up to and including it) starts a value: after
 * `key: ` or a `- ` item marker. Every other space in YAML is indentation or prose, and opening the
 * suggestion widget there would be noise.
 */
export function spaceStartsValue(lineBefore: string): boolean {
  return /^\s*(?:-\s+)*(?:"[^"]*"|'[^']*'|[^\s"'#:-][^#:]*|-[^\s#:][^#:]*):\s$/.test(lineBefore) || /^\s*(?:-\s+)*-\s$/.test(lineBefore);
}

export interface FieldInsert {
  text: string;
  /** Whether to open the suggestions again after the insert: there is something to choose next. */
  retrigger: boolean;
}

/**
 * What a field item inserts. The core leaves the line break of a mapping or list field to the
 * editor, which knows the indentation unit; the child line is indented one unit past the key's
 * column (not the line's, which differs after a `- ` marker), and a list field gets its first `- `.
 */
export function fieldInsert(item: CompletionItem, keyColumn: number, indentUnit: number): FieldInsert {
  const text = item.insertText ?? item.label;
  const detail = item.detail ?? '';
  if (!text.endsWith(':')) {
    // `name` alone (the colon is already there) or `name: ` (a scalar).
    return { text, retrigger: text.endsWith(': ') && /^(enum|boolean)\b/.test(detail) };
  }
  const indent = ' '.repeat(keyColumn + indentUnit);
  return { text: `${text}\n${indent}${/^list of\b/.test(detail) ? '- ' : ''}`, retrigger: true };
}
