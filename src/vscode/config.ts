import * as vscode from 'vscode';
import { AnalysisConfig, DEFAULT_LIMITS, isUnresolvedSetting, readRuleSettings } from '../core';

export type DiagnosticsScope = 'openFiles' | 'workspace';

export interface ExtensionSettings {
  analysis: AnalysisConfig;
  scope: DiagnosticsScope;
  debounceMs: number;
  /** Messages about settings that were ignored because they are invalid. */
  problems: string[];
}

export function readSettings(): ExtensionSettings {
  const c = vscode.workspace.getConfiguration('meshlens');
  const { rules, problems } = readRuleSettings(c.get('rules'));
  const scope = c.get<string>('diagnostics.scope') === 'openFiles' ? 'openFiles' : 'workspace';
  const debounce = c.get<number>('diagnostics.debounceMs');
  const maxMb = c.get<number>('limits.maxFileSizeMB');
  const maxFileBytes =
    typeof maxMb === 'number' && maxMb > 0 ? Math.round(maxMb * 1024 * 1024) : DEFAULT_LIMITS.maxFileBytes;
  const unresolved = c.get<string>('references.unresolved');
  if (unresolved !== undefined && !isUnresolvedSetting(unresolved)) problems.push(`meshlens.references.unresolved: "${unresolved}" is not one of error, warning, off`);
  return {
    analysis: { rules, limits: { ...DEFAULT_LIMITS, maxFileBytes }, unresolvedReferences: isUnresolvedSetting(unresolved) ? unresolved : 'warning' },
    scope,
    debounceMs: typeof debounce === 'number' && debounce >= 0 ? Math.min(debounce, 5000) : 250,
    problems,
  };
}

/** files.exclude patterns that are switched on, for one workspace folder (or the window). */
export function excludedGlobs(scope?: vscode.Uri): string[] {
  const raw = vscode.workspace.getConfiguration('files', scope).get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(raw)
    .filter(([, v]) => v === true)
    .map(([k]) => k);
}
