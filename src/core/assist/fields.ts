/**
 * Completion from the field catalog: the fields of the mapping at the cursor, and the values an
 * enum or a boolean allows. The catalog is what the schema rules validate against, so what is
 * offered here is what they accept.
 */
import { schemaNode, schemaRoot } from '../schema/catalog';
import type { SchemaNode } from '../schema/types';
import type { FieldPath } from '../yaml/path';
import type { CursorContext } from './context';
import type { CompletionItem } from './types';

/** The catalog node at a path of an object of the cursor's kind; undefined past free-form parts. */
export function schemaAt(ctx: Pick<CursorContext, 'header'>, path: FieldPath): SchemaNode | undefined {
  const h = ctx.header;
  let node = h && schemaRoot(h.group, h.version, h.kind);
  for (const seg of path) {
    if (!node) return undefined;
    if (node.t === 'object' && typeof seg === 'string') node = node.p?.[seg] === undefined ? undefined : schemaNode(node.p[seg]);
    else if (node.t === 'array' && typeof seg === 'number') node = schemaNode(node.i!);
    else if (node.t === 'map' && typeof seg === 'string') node = schemaNode(node.i!);
    else return undefined;
  }
  return node;
}

/** A short type for an item's detail: `string`, `enum`, `list of object`, `map of string`. */
export function typeLabel(node: SchemaNode): string {
  if (node.e) return 'enum';
  switch (node.t) {
    case 'array':
      return `list of ${typeLabel(schemaNode(node.i!))}`;
    case 'map':
      return `map of ${typeLabel(schemaNode(node.i!))}`;
    case 'intOrString':
      return 'number or string';
    default:
      return node.t;
  }
}

function documentation(node: SchemaNode): string | undefined {
  const parts = [node.d, node.dep && node.dep !== node.d ? `Deprecated: ${node.dep}` : undefined];
  const text = parts.filter(Boolean).join('\n\n');
  return text || undefined;
}

/** Fields nobody writes in a manifest: the server fills them. */
const SERVER_FIELDS = new Set(['status']);

/**
 * The fields of the mapping at `mapPath` that it does not have yet: required ones first, then the
 * rest by name, deprecated ones last.
 */
export function fieldItems(ctx: CursorContext, mapPath: FieldPath, present: readonly string[], hasColon: boolean): CompletionItem[] {
  const node = schemaAt(ctx, mapPath);
  if (node?.t !== 'object' || !node.p) return [];
  const have = new Set(present);
  const required = new Set(node.r ?? []);
  const rows: Array<{ rank: number; item: CompletionItem }> = [];
  for (const [name, id] of Object.entries(node.p)) {
    if (have.has(name) || (mapPath.length === 0 && SERVER_FIELDS.has(name))) continue;
    const child = schemaNode(id);
    const rank = required.has(name) ? 0 : child.dep ? 2 : 1;
    const scalar = child.t !== 'object' && child.t !== 'array' && child.t !== 'map';
    rows.push({
      rank,
      item: {
        label: name,
        kind: 'field',
        detail: `${typeLabel(child)}${rank === 0 ? ' (required)' : rank === 2 ? ' (deprecated)' : ''}`,
        documentation: documentation(child),
        // Collections get their line break from the editor layer, which knows how it indents.
        insertText: hasColon ? name : scalar ? `${name}: ` : `${name}:`,
        replaceRange: { start: ctx.token.start, end: ctx.token.end },
      },
    });
  }
  rows.sort((a, b) => a.rank - b.rank || (a.item.label < b.item.label ? -1 : a.item.label > b.item.label ? 1 : 0));
  return rows.map((r) => r.item);
}

/** The values an enum or a boolean field allows. */
export function valueItems(ctx: CursorContext, path: FieldPath): CompletionItem[] {
  const node = schemaAt(ctx, path);
  if (!node) return [];
  const range = { start: ctx.token.start, end: ctx.token.end };
  if (node.e) {
    return node.e.map((v) => ({ label: String(v), kind: 'value' as const, detail: typeLabel(node), documentation: node.d, replaceRange: range }));
  }
  if (node.t === 'boolean') return ['true', 'false'].map((v) => ({ label: v, kind: 'value' as const, detail: 'boolean', documentation: node.d, replaceRange: range }));
  return [];
}
