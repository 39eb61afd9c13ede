import type { Span } from './context';

/** One completion item as plain data: the editor layer maps it to its own type. */
export interface CompletionItem {
  label: string;
  /** A field name from the catalog, a value from it (enum, boolean), or a name of another object. */
  kind: 'field' | 'value' | 'reference';
  /** One line: the field's type, or the object a reference resolves to. */
  detail?: string;
  documentation?: string;
  /** What to insert when it differs from the label (`host: ` for a field). */
  insertText?: string;
  /** Offsets in the file of the text the item replaces (the token under the cursor). */
  replaceRange: Span;
  /** Orders items the way the core lists them; editors sort by it. */
  sortText?: string;
}
