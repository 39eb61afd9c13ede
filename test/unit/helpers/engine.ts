import { ManifestEngine } from '../../../src/core/analysis/engine';
import { AnalysisConfig, DEFAULT_CONFIG } from '../../../src/core/analysis/config';
import { RULES } from '../../../src/core/analysis/registry';
import type { Finding, Rule } from '../../../src/core/analysis/types';
import { LineIndex } from '../../../src/core/yaml/positions';

export const WS = 'file:///ws';

export function uri(name: string): string {
  return `${WS}/${name}`;
}

/** An engine with the given files (name -> text) loaded and analysed, strict so rule bugs throw. */
export function engineWith(files: Record<string, string>, rules: readonly Rule[] = RULES, config: AnalysisConfig = DEFAULT_CONFIG): ManifestEngine {
  const engine = new ManifestEngine(rules, config, { strict: true });
  for (const [name, text] of Object.entries(files)) engine.setFile(uri(name), { text });
  engine.analyze();
  return engine;
}

export function allFindings(engine: ManifestEngine): Finding[] {
  return [...engine.index.uris()].sort().flatMap((u) => engine.findings(u));
}

/** `file:line:col` with 1-based line and column, the way people read positions. */
export function where(f: Pick<Finding, 'uri' | 'range'>): string {
  return `${f.uri.slice(WS.length + 1)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
}

export function span(f: Pick<Finding, 'range'>): string {
  const r = f.range;
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

/** The shape DESIGN.md asks tests to compare: (code, "Kind ns/name", path). */
export function triple(f: Finding): [string, string | null, string | null] {
  return [f.code, f.object ?? null, f.path ?? null];
}

/** The text after applying one fix's edits (positions are line/character, applied back to front). */
export function applyFix(text: string, fix: Finding['fixes'][number]): string {
  const lines = new LineIndex(text);
  const edits = fix.edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start);
  for (let i = 1; i < edits.length; i++) if (edits[i].end > edits[i - 1].start) throw new Error('overlapping edits');
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
