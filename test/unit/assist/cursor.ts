/**
 * The cursor-marker notation of the assist tests: `¦` (broken bar, U+00A6) in a fixture marks the
 * cursor. Not `|`, which YAML uses for block scalars; `¦` never appears in a manifest.
 */
export const CURSOR = '¦';

/** The text without its marker and the marker's offset; exactly one marker is required. */
export function withCursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf(CURSOR);
  if (offset < 0 || marked.indexOf(CURSOR, offset + 1) >= 0) throw new Error('a fixture needs exactly one cursor marker ¦');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

/** Drops the common leading indentation of a template literal, so fixtures can be indented in the test. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  if (lines.length && !lines[lines.length - 1].trim()) lines[lines.length - 1] = '';
  return lines.map((l) => l.slice(cut)).join('\n');
}
