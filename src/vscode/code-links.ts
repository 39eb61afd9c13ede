// Jump to code from the trace viewer: a span's code.file.path or a stack frame's file, as the app
// recorded it, opened in an editor at the line. The path is rarely this machine's: apps run in
// containers (/app/services/cart/src/handlers.ts), on CI, or from the workspace under another
// root. Tried in order (the pure rules are src/core/trace/code-path.ts):
//   1. the path as it is, when it exists (outside the workspace: ask first);
//   2. relative to each workspace folder, the whole path and then with leading segments dropped
//      (/app/services/cart/src/x.ts as services/cart/src/x.ts);
//   3. the workspace file whose trailing segments match the most (findFiles on the file name,
//      bounded), so two `handlers.ts` are told apart by their folders.
import * as vscode from 'vscode';
import { bestSuffixMatch, clampLine, codeBasename, fileNameGlob, isAbsoluteCodePath, isInsideFolder, normalizeCodePath, relativeCandidates } from '../core/trace/code-path';

/** Files a name search returns at most: a monorepo's `index.ts` count is bounded, the time with it. */
const MAX_FIND_RESULTS = 2000;
/** Folders whose files are not code of the workspace's own (they are still reached by rule 2). */
const FIND_EXCLUDE = '**/{node_modules,.git}/**';

export interface ResolvedCode {
  readonly uri: vscode.Uri;
  /** In a workspace folder: opened without asking. */
  readonly inWorkspace: boolean;
}

export interface OpenCodeResult {
  readonly opened: boolean;
  readonly message?: string;
}

export class CodeLinks {
  /**
   * Asks whether to open a file outside the workspace (a modal with an Open button). Replaceable
   * so the end-to-end tests can answer it.
   */
  confirmOutside: (fsPath: string) => Promise<boolean> = async (fsPath) => {
    const pick = await vscode.window.showWarningMessage(`Open ${fsPath}? It is outside the workspace.`, { modal: true }, 'Open');
    return pick === 'Open';
  };

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Where `file` is on this machine, or undefined. Never asks anything. */
  async resolve(file: string): Promise<ResolvedCode | undefined> {
    return this.resolveWith(file, new Map());
  }

  /** For each file, whether it resolves; name searches are shared between files with one name. */
  async resolveMany(files: readonly string[]): Promise<boolean[]> {
    const searches = new Map<string, Promise<readonly string[]>>();
    const seen = new Map<string, Promise<boolean>>();
    return Promise.all(
      files.map((f) => {
        let r = seen.get(f);
        if (!r) {
          r = this.resolveWith(f, searches).then((x) => x !== undefined, () => false);
          seen.set(f, r);
        }
        return r;
      }),
    );
  }

  /** Opens `file` at `line` (clamped), the cursor there and the line revealed in the centre. */
  async open(file: string, line: number): Promise<OpenCodeResult> {
    const found = await this.resolve(file);
    if (!found) {
      const message = `${file} is not in the workspace or on this machine.`;
      void vscode.window.showInformationMessage(`MeshLens: ${message}`);
      return { opened: false, message };
    }
    if (!found.inWorkspace && !(await this.confirmOutside(found.uri.fsPath))) {
      return { opened: false, message: `${found.uri.fsPath} was not opened: it is outside the workspace.` };
    }
    const doc = await vscode.workspace.openTextDocument(found.uri);
    const at = new vscode.Position(clampLine(line, doc.lineCount) - 1, 0);
    const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preview: true });
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    this.log.info(`Trace viewer: opened ${found.uri.fsPath}:${at.line + 1} for ${file}:${line}`);
    return { opened: true };
  }

  private async resolveWith(raw: string, searches: Map<string, Promise<readonly string[]>>): Promise<ResolvedCode | undefined> {
    const p = normalizeCodePath(raw);
    if (p === '') return undefined;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const inWorkspace = (uri: vscode.Uri) => folders.some((f) => f.uri.scheme === uri.scheme && isInsideFolder(uri.path, f.uri.path));

    if (isAbsoluteCodePath(p)) {
      // `..` resolved first: /ws/../elsewhere/x.ts starts with the folder's path but is not in it.
      const uri = vscode.Uri.file(withoutDotSegments(p));
      if (await isFile(uri)) return { uri, inWorkspace: inWorkspace(uri) };
    }
    // Longest relative form first, across all folders: it is the most specific match.
    for (const rel of relativeCandidates(p)) {
      for (const f of folders) {
        const uri = vscode.Uri.joinPath(f.uri, ...rel.split('/'));
        // `..` may climb out of the folder; such a file is not the workspace's.
        if ((await isFile(uri)) && isInsideFolder(uri.path, f.uri.path)) return { uri, inWorkspace: true };
      }
    }
    const name = codeBasename(p);
    if (name === '' || name === '..' || folders.length === 0) return undefined;
    let search = searches.get(name);
    if (!search) {
      search = Promise.resolve(vscode.workspace.findFiles(fileNameGlob(name), FIND_EXCLUDE, MAX_FIND_RESULTS)).then(
        (uris) => uris.filter((u) => u.scheme === 'file').map((u) => u.path),
        (e: unknown) => {
          this.log.warn(`Trace viewer: searching the workspace for ${name} failed: ${(e as Error).message}`);
          return [];
        },
      );
      searches.set(name, search);
    }
    const best = bestSuffixMatch(p, await search);
    return best ? { uri: vscode.Uri.file(best.path), inWorkspace: true } : undefined;
  }
}

async function isFile(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

/** An absolute path with `.` and `..` resolved (never above its root), as the file system reads it. */
export function withoutDotSegments(p: string): string {
  const drive = /^[A-Za-z]:\//.exec(p)?.[0] ?? (p.startsWith('//') ? '//' : '/');
  const out: string[] = [];
  for (const s of p.slice(drive.length).split('/')) {
    if (s === '..') out.pop();
    else if (s !== '' && s !== '.') out.push(s);
  }
  return drive + out.join('/');
}
