// A stand-in for the `vscode` module, enough to run src/vscode/code-links.ts and the receiver
// settings of src/vscode/traces.ts in plain mocha: a workspace on the real file system, settings by
// scope, and a record of everything that could run something or show something (commands,
// external opens, dialogs, opened documents). Installed before those modules are first required.
import * as fs from 'node:fs';
import Module from 'node:module';
import { URI, Utils } from 'vscode-uri';

export interface Recorded {
  commands: string[];
  external: string[];
  opened: string[];
  warnings: string[];
  infos: string[];
}

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}

export const fake = {
  trusted: true,
  folders: [] as string[],
  /** `meshlens.receiver` settings by scope. */
  settings: { global: {} as Record<string, unknown>, workspace: {} as Record<string, unknown> },
  /** The answer of the next modal "Open file outside the workspace?" question. */
  answer: undefined as string | undefined,
  recorded: { commands: [], external: [], opened: [], warnings: [], infos: [] } as Recorded,
  panels: [] as { createdWith: Record<string, unknown>; webview: { options: unknown; html: string } }[],
  reset(): void {
    this.panels = [];
    this.trusted = true;
    this.folders = [];
    this.settings = { global: {}, workspace: {} };
    this.answer = undefined;
    this.recorded = { commands: [], external: [], opened: [], warnings: [], infos: [] };
  },
};

const Uri = {
  file: (p: string) => URI.file(p),
  parse: (s: string) => URI.parse(s),
  joinPath: (u: URI, ...parts: string[]) => Utils.joinPath(u, ...parts),
};

const vscode = {
  Uri,
  Position,
  Range,
  FileType: { File: 1, Directory: 2 },
  TextEditorRevealType: { InCenter: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ViewColumn: { Active: -1 },
  ConfigurationTarget: { Global: 1, Workspace: 2 },
  workspace: {
    get isTrusted() {
      return fake.trusted;
    },
    get workspaceFolders() {
      return fake.folders.map((f, index) => ({ uri: URI.file(f), name: f, index }));
    },
    getConfiguration(section: string) {
      if (section !== 'meshlens.receiver') throw new Error(`fake vscode: no settings for ${section}`);
      return {
        get<T>(key: string, fallback: T): T {
          const s = fake.settings;
          return (key in s.workspace ? s.workspace[key] : key in s.global ? s.global[key] : fallback) as T;
        },
        inspect(key: string) {
          const s = fake.settings;
          return { key, globalValue: s.global[key], workspaceValue: s.workspace[key] };
        },
      };
    },
    fs: {
      async stat(u: URI) {
        if (u.scheme !== 'file') throw new Error(`fake vscode: no file system for ${u.scheme}:`);
        const st = fs.statSync(u.fsPath);
        return { type: st.isFile() ? 1 : st.isDirectory() ? 2 : 0, size: st.size };
      },
      async readFile(u: URI) {
        return fs.readFileSync(u.fsPath);
      },
    },
    async findFiles(glob: string): Promise<URI[]> {
      // `**/<name>` with `?` for special characters: walk the folders (the test trees are small).
      const name = new RegExp(`^${glob.slice(3).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\?/g, '.')}$`);
      const out: URI[] = [];
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = `${dir}/${e.name}`;
          if (e.isDirectory()) walk(p);
          else if (name.test(e.name)) out.push(URI.file(p));
        }
      };
      for (const f of fake.folders) walk(f);
      return out;
    },
    async openTextDocument(u: URI) {
      fake.recorded.opened.push(u.fsPath);
      return { uri: u, lineCount: fs.readFileSync(u.fsPath, 'utf8').split('\n').length };
    },
    onDidGrantWorkspaceTrust: () => ({ dispose: () => undefined }),
  },
  window: {
    async showWarningMessage(message: string, ...items: unknown[]) {
      fake.recorded.warnings.push(message);
      return typeof items[0] === 'object' ? fake.answer : undefined;
    },
    async showInformationMessage(message: string) {
      fake.recorded.infos.push(message);
      return undefined;
    },
    async showErrorMessage(message: string) {
      fake.recorded.warnings.push(message);
      return undefined;
    },
    async showTextDocument() {
      return { revealRange: () => undefined };
    },
    registerWebviewPanelSerializer: () => ({ dispose: () => undefined }),
    /** Records the options and the page of each panel (fake.panels). */
    createWebviewPanel(viewType: string, title: string, _column: unknown, options: Record<string, unknown>) {
      const panel = {
        viewType,
        title,
        createdWith: options,
        visible: true,
        webview: {
          options: undefined as unknown,
          html: '',
          cspSource: 'https://*.vscode-cdn.net',
          asWebviewUri: (u: URI) => URI.from({ scheme: 'https', authority: 'file+.vscode-resource.vscode-cdn.net', path: u.path }),
          onDidReceiveMessage: () => ({ dispose: () => undefined }),
          postMessage: async () => true,
        },
        onDidDispose: () => ({ dispose: () => undefined }),
        reveal: () => undefined,
        dispose: () => undefined,
      };
      fake.panels.push(panel);
      return panel;
    },
  },
  commands: {
    async executeCommand(id: string) {
      fake.recorded.commands.push(id);
    },
    registerCommand: () => ({ dispose: () => undefined }),
  },
  env: {
    async openExternal(u: URI) {
      fake.recorded.external.push(u.toString());
      return true;
    },
  },
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const M = Module as unknown as { _resolveFilename: Resolve };
const original = M._resolveFilename;
const ID = 'fake-vscode-for-security-tests';
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? ID : original.call(this, request, ...rest);
};
require.cache[ID] = { id: ID, filename: ID, loaded: true, exports: vscode } as unknown as NodeJS.Module;

export const log = {
  lines: [] as string[],
  info(s: string) {
    this.lines.push(s);
  },
  warn(s: string) {
    this.lines.push(s);
  },
  error(s: string) {
    this.lines.push(s);
  },
};
