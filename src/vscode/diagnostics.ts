import * as vscode from 'vscode';
import type { Finding, Range, Severity } from '../core';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'meshlens';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toDiagnostic(f: Finding, docsRoot: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), f.message, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.code, target: vscode.Uri.joinPath(docsRoot, `${f.code}.md`) };
  if (f.related.length) {
    d.relatedInformation = f.related.map(
      (l) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range)), l.message),
    );
  }
  return d;
}
