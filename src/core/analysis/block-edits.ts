/**
 * Text edits on block-style YAML that keep the file's own indentation: find the whole lines a key
 * and its value take, delete them, insert siblings next to them. Every helper returns undefined when
 * the text is not plain block style (flow mappings, a key sharing its line with something else),
 * so a fix is offered only where it can be applied without guessing.
 */
import type { K8sObject } from '../k8s/object';
import { locatePath } from '../yaml/locate';
import type { FieldPath } from '../yaml/path';
import type { LineIndex } from '../yaml/positions';

export interface Block {
  /** Offset of the key. */
  keyStart: number;
  /** Offset of the start of the key's line. */
  lineStart: number;
  /** Offset just past the line break of the value's last line (or the end of the text). */
  end: number;
  /** Column of the key. */
  indent: number;
  /** The lines from `lineStart` to `end`. */
  text: string;
}

/**
 * The whole lines of `key: value` at `path`, when the key starts its line (after indentation, or
 * after `- ` when `allowDash`) and nothing but a comment follows the value.
 */
export function blockOf(o: K8sObject, lines: LineIndex, path: FieldPath, allowDash = false): Block | undefined {
  const key = locatePath(o.doc.node, path, 'key');
  const value = locatePath(o.doc.node, path, 'value');
  if (!key.exact || !value.exact || typeof path[path.length - 1] !== 'string') return undefined;
  const column = lines.positionAt(key.start).character;
  const lineStart = key.start - column;
  const before = lines.slice(lineStart, key.start);
  if (!(allowDash ? /^[ ]*(?:-[ ]+)*$/ : /^[ ]*$/).test(before)) return undefined;
  const valueEnd = Math.max(key.end, value.end);
  // A block collection's range ends after its last line break; its last line is the one before.
  const lastLine = lines.positionAt(Math.max(key.end, valueEnd - 1)).line;
  const rest = lines.slice(Math.min(valueEnd, lines.lineEnd(lastLine)), lines.lineEnd(lastLine));
  if (rest.replace(/#.*$/, '').trim() !== '') return undefined;
  const end = lastLine + 1 < lines.lineCount ? lines.offsetAt({ line: lastLine + 1, character: 0 }) : lines.lineEnd(lastLine);
  return { keyStart: key.start, lineStart, end, indent: column, text: lines.slice(lineStart, end) };
}

/** True when the mapping at `path` is written in flow style (`{...}`) or is not there at all. */
export function isFlowOrMissing(o: K8sObject, lines: LineIndex, path: FieldPath): boolean {
  const v = locatePath(o.doc.node, path, 'value');
  if (!v.exact) return true;
  return /^[{[]/.test(lines.slice(v.start, v.start + 1));
}

/** Deletes the lines of a block; undefined when they cannot be isolated. */
export function deleteBlock(o: K8sObject, lines: LineIndex, path: FieldPath): { start: number; end: number; newText: string } | undefined {
  const b = blockOf(o, lines, path);
  if (!b) return undefined;
  return { start: b.lineStart, end: b.end, newText: '' };
}

/**
 * Inserts lines after the last field of the block mapping at `mapPath` (a container, a probe),
 * at the indentation of its fields. `body` is given relative to that indentation, one entry per
 * line, nested lines already indented by `step` spaces per level.
 */
export function appendToMapping(o: K8sObject, lines: LineIndex, mapPath: FieldPath, body: string[]): { start: number; end: number; newText: string } | undefined {
  const map = locatePath(o.doc.node, mapPath, 'value');
  if (!map.exact || isFlowOrMissing(o, lines, mapPath)) return undefined;
  // Every field of the mapping: the indentation is that of the fields, the insertion point the
  // end of the last one.
  let last: Block | undefined;
  let indent: number | undefined;
  const fields = fieldsOf(o, mapPath);
  for (const f of fields) {
    const b = blockOf(o, lines, [...mapPath, f], true);
    if (!b) return undefined;
    indent ??= b.indent;
    if (b.indent !== indent) return undefined;
    if (!last || b.end > last.end) last = b;
  }
  if (!last || indent === undefined) return undefined;
  const pad = ' '.repeat(indent);
  const text = body.map((l) => pad + l).join('\n') + '\n';
  const atEndWithoutBreak = last.end === lines.lineEnd(lines.positionAt(last.end).line) && !/\n$/.test(last.text);
  return { start: last.end, end: last.end, newText: atEndWithoutBreak ? '\n' + text.slice(0, -1) : text };
}

function fieldsOf(o: K8sObject, path: FieldPath): string[] {
  let v: unknown = o.body;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
}

/** The indentation step the file uses under `path` (column of its first field minus its own), 2 if unknown. */
export function indentStep(o: K8sObject, lines: LineIndex, path: FieldPath): number {
  const own = blockOf(o, lines, path, true);
  const first = fieldsOf(o, path)[0];
  const child = first === undefined ? undefined : blockOf(o, lines, [...path, first], true);
  if (own && child && child.indent > own.indent) return child.indent - own.indent;
  return 2;
}
