/**
 * Completion at an offset of a workspace file: field names and enum values from the catalog, and
 * names of other objects from the workspace index. Plain data in and out; the editor layer maps
 * the items to its own types.
 */
import type { ManifestEngine } from '../analysis/engine';
import type { WorkspaceIndex } from '../workspace/index';
import { resolveCursor } from './context';
import { fieldItems, schemaAt, valueItems } from './fields';
import { referenceItems } from './references';
import type { CompletionItem } from './types';
import { assistView } from './view';

export type { CompletionItem } from './types';

export interface CompleteOptions {
  /**
   * Offer field names and the values the catalog allows (enums, booleans). Off next to an extension
   * that completes from the same CRD schemas (the Red Hat YAML extension): MeshLens then adds only
   * what a schema cannot know, the names of other objects.
   */
  catalog?: boolean;
}

export function complete(source: ManifestEngine | WorkspaceIndex, uri: string, offset: number, options: CompleteOptions = {}): CompletionItem[] {
  const index = 'index' in source ? source.index : source;
  const entry = index.get(uri);
  if (!entry?.file) return [];
  const ctx = resolveCursor(entry.file, offset, entry.objects);
  if (!ctx) return [];
  const items = referenceItems(ctx, assistView(index));
  if (options.catalog !== false) {
    if (ctx.target === 'key') items.push(...fieldItems(ctx, ctx.mapPath, ctx.siblingKeys, ctx.hasColon));
    else if (ctx.newItem && schemaAt(ctx, ctx.path)?.t === 'object') items.push(...fieldItems(ctx, ctx.path, ctx.siblingKeys, false));
    else items.push(...valueItems(ctx, ctx.path));
  }
  const seen = new Set<string>();
  const out: CompletionItem[] = [];
  for (const item of items) {
    if (seen.has(item.label)) continue;
    seen.add(item.label);
    out.push({ ...item, sortText: String(out.length).padStart(4, '0') });
  }
  return out;
}
