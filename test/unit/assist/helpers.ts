import { complete, CompletionItem } from '../../../src/core/assist/complete';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { engineWith, uri } from '../helpers/engine';
import { CURSOR, withCursor } from './cursor';

/**
 * Completion on a multi-file fixture (file name -> text): exactly one file holds the cursor
 * marker `¦`. The engine is loaded and analysed as the extension would have it.
 */
export function completeIn(files: Record<string, string>): { items: CompletionItem[]; engine: ManifestEngine; text: string } {
  const marked = Object.entries(files).filter(([, t]) => t.includes(CURSOR));
  if (marked.length !== 1) throw new Error('exactly one fixture file must hold the cursor marker ¦');
  const [name, markedText] = marked[0];
  const { text, offset } = withCursor(markedText);
  const engine = engineWith({ ...files, [name]: text });
  return { items: complete(engine, uri(name), offset), engine, text };
}

export const labels = (files: Record<string, string>): string[] => completeIn(files).items.map((i) => i.label);
