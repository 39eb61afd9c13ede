import * as vscode from 'vscode';
import type { Finding } from '../core';
import { DIAGNOSTIC_SOURCE, toRange } from './diagnostics';

/** Quick fixes come from the findings' own fixes; the diagnostic only tells which finding. */
export class FindingCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly findingsOf: (uri: string) => readonly Finding[]) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const findings = this.findingsOf(document.uri.toString());
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      const f = findings.find((x) => x.code === code && toRange(x.range).isEqual(d.range) && x.message === d.message);
      for (const fix of f?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred;
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) edit.replace(vscode.Uri.parse(e.uri), toRange(e.range), e.newText);
        action.edit = edit;
        actions.push(action);
      }
    }
    return actions;
  }
}
