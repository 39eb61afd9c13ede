import * as vscode from 'vscode';
import { readManifest } from '../cli/files';
import { HEAD_BYTES, ManifestEngine, RULES } from '../core';
import type { FileInput, Finding } from '../core';
import { GlobSet } from '../core/workspace/glob';
import { WorkspaceSync } from '../core/workspace/sync';
import { excludedGlobs, ExtensionSettings } from './config';
import { toDiagnostic } from './diagnostics';

/** `version` is the document's: a job queued before a newer text was applied directly must not undo it. */
type Job = { kind: 'read' } | { kind: 'text'; text: string; version?: number } | { kind: 'delete' };

const YAML_PATH = /\.ya?ml$/i;
const ALWAYS_SKIPPED = ['**/node_modules', '**/.git'];
const FIND_EXCLUDE = '**/{node_modules,.git}/**';
/** Files analysed between two yields to the event loop, so a large workspace never blocks the host. */
const BATCH = 200;
type TextJob = Extract<Job, { kind: 'text' }>;
const READ_CONCURRENCY = 8;

export interface IndexSnapshot {
  files: string[];
  objects: { ref: string; uri: string }[];
}

/**
 * Keeps the manifest engine in step with the workspace: every YAML file on disk (files.exclude
 * honoured, node_modules and .git skipped), open editors' unsaved text in place of the disk, and
 * the diagnostics of every file whose findings changed.
 */
export class ManifestService implements vscode.Disposable {
  private engine: ManifestEngine;
  /** File events and editor texts, applied in batches with one publish when they run out (src/core/workspace/sync.ts). */
  private readonly pending: WorkspaceSync<TextJob>;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly open = new Map<string, vscode.TextDocument>();
  /** Version of each open document whose text the engine holds. */
  private readonly applied = new Map<string, number>();
  private readonly uris = new Map<string, vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly updated = new vscode.EventEmitter<string[]>();
  private idleWaiters: Array<() => void> = [];
  private scans = 0;
  private excludes = new Map<string, GlobSet>();
  /** Files shown in editor tabs: what `openFiles` scope means to a person (documents outlive their tabs). */
  private tabs = new Set<string>();

  readonly onDidUpdate = this.updated.event;

  constructor(
    private settings: ExtensionSettings,
    private readonly collection: vscode.DiagnosticCollection,
    private readonly docsRoot: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.engine = new ManifestEngine(RULES, settings.analysis);
    this.disposables.push(this.updated);
    this.pending = new WorkspaceSync<TextJob>({
      engine: () => this.engine,
      read: (key) => this.read(this.uriOf(key)),
      readConcurrency: READ_CONCURRENCY,
      apply: (key, job) => {
        const applied = this.applied.get(key);
        if (job.version !== undefined && applied !== undefined && applied > job.version) return;
        this.engine.setFile(key, { text: job.text });
        if (job.version !== undefined && this.open.has(key)) this.applied.set(key, job.version);
      },
      publish: (affected) => {
        this.publish(affected);
        for (const e of this.engine.takeRuleErrors()) this.log.error(`Rule ${e.ruleId} failed on ${e.uri}: ${e.message}`);
      },
      nextTurn: () => new Promise((r) => setImmediate(r)),
      onError: (key, e) =>
        key !== undefined
          ? this.log.error(`Could not process ${key}: ${e instanceof Error ? e.message : String(e)}`)
          : this.log.error(`Analysis failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
      onIdle: () => this.checkIdle(),
      batch: BATCH,
    });
  }

  start(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => this.onCreated(u)),
      watcher.onDidChange((u) => this.onChanged(u)),
      watcher.onDidDelete((u) => this.onDeleted(u)),
      vscode.workspace.onDidOpenTextDocument((d) => this.onOpened(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdited(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClosed(d)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan('workspace folders changed')),
      vscode.window.tabGroups.onDidChangeTabs(() => this.onTabsChanged()),
    );
    this.tabs = openTabs();
    for (const d of vscode.workspace.textDocuments) this.onOpened(d);
    void this.rescan('startup');
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
    // The collection is not ours: its owner disposes it (which removes its problems), and may have
    // done so already, when clear() throws.
    this.resolveIdle();
  }

  applySettings(settings: ExtensionSettings): void {
    const limitsChanged = JSON.stringify(settings.analysis.limits) !== JSON.stringify(this.settings.analysis.limits);
    this.settings = settings;
    this.publish(this.engine.setConfig(settings.analysis));
    // A severity change only republishes; new limits need every file parsed again.
    if (limitsChanged) {
      for (const d of this.open.values()) this.enqueue(d.uri, { kind: 'text', text: d.getText(), version: d.version });
      void this.rescan('limits changed');
    }
  }

  findings(uri: string): readonly Finding[] {
    return this.engine.findings(uri);
  }

  /**
   * The engine, holding the current text of `document` when it is an open manifest: completion and
   * hover cannot wait for the debounce, and answering from the text of a few keystrokes ago would
   * offer items for a token that is no longer there. Undefined when the document is not one of the
   * workspace's manifests (excluded, outside the folders, not YAML).
   */
  engineFor(document: vscode.TextDocument): ManifestEngine | undefined {
    const key = document.uri.toString();
    if (this.open.get(key) !== document) {
      // Asked before the open event reached us: the document is what counts either way.
      if (!this.isCandidate(document) || this.isExcluded(document.uri)) return undefined;
      this.open.set(key, document);
      this.uris.set(key, document.uri);
    }
    if (this.applied.get(key) !== document.version) {
      const t = this.timers.get(key);
      if (t) clearTimeout(t);
      this.timers.delete(key);
      if (this.pending.get(key)?.kind === 'text') this.pending.remove(key);
      try {
        this.engine.setFile(key, { text: document.getText() });
        this.applied.set(key, document.version);
      } catch (e) {
        this.log.error(`Could not process ${key}: ${e instanceof Error ? e.message : String(e)}`);
      }
      // The analysis (and the diagnostics) follow on the next turn, as after any edit.
      this.kick();
    }
    return this.engine;
  }

  /** The engine as it is, for requests that do not start from one document (workspace symbols). */
  get current(): ManifestEngine {
    return this.engine;
  }

  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  snapshot(): IndexSnapshot {
    const files = [...this.engine.index.uris()].sort();
    const objects = [...this.engine.index.allObjects()].map((o) => ({ ref: o.ref, uri: o.uri }));
    return { files, objects };
  }

  /** Finds every YAML file again: at startup, and when folders or files.exclude change. */
  async rescan(reason: string): Promise<void> {
    this.scans++;
    const started = Date.now();
    try {
      this.excludes.clear();
      const found = new Set<string>();
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{yaml,yml}'), FIND_EXCLUDE);
        for (const uri of files) {
          if (this.isExcluded(uri)) continue;
          const key = uri.toString();
          found.add(key);
          if (!this.open.has(key)) this.enqueue(uri, { kind: 'read' });
        }
      }
      for (const key of [...this.engine.index.uris()]) {
        if (!found.has(key) && !this.open.has(key)) this.enqueue(this.uriOf(key), { kind: 'delete' });
      }
      this.log.info(`Scan (${reason}): ${found.size} YAML files found in ${Date.now() - started} ms`);
      if (found.size > BATCH) {
        void vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: `MeshLens: checking ${found.size} YAML files` },
          () => this.whenIdle(),
        );
      }
    } catch (e) {
      this.log.error(`Scan (${reason}) failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.scans--;
      this.kick();
      this.checkIdle();
    }
  }

  private onCreated(uri: vscode.Uri): void {
    if (this.isExcluded(uri)) return;
    if (YAML_PATH.test(uri.path)) {
      if (!this.open.has(uri.toString())) this.enqueue(uri, { kind: 'read' });
      return;
    }
    // A folder that appears (a checkout, a move) brings its files without an event for each.
    this.scans++;
    void Promise.resolve(vscode.workspace.fs.stat(uri))
      .then(async (stat) => {
        if (stat.type & vscode.FileType.Directory) {
          const files = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.{yaml,yml}'), FIND_EXCLUDE);
          for (const f of files) if (!this.isExcluded(f) && !this.open.has(f.toString())) this.enqueue(f, { kind: 'read' });
        }
      })
      .catch(() => undefined)
      .finally(() => {
        this.scans--;
        this.kick();
        this.checkIdle();
      });
  }

  private onChanged(uri: vscode.Uri): void {
    if (YAML_PATH.test(uri.path) && !this.isExcluded(uri) && !this.open.has(uri.toString())) this.enqueue(uri, { kind: 'read' });
  }

  private onDeleted(uri: vscode.Uri): void {
    const key = uri.toString();
    const prefix = key.endsWith('/') ? key : `${key}/`;
    for (const indexed of this.engine.index.uris()) {
      if (indexed === key || indexed.startsWith(prefix)) this.enqueue(this.uriOf(indexed), { kind: 'delete' });
    }
    for (const queued of [...this.pending.keys()]) {
      if (queued.startsWith(prefix)) this.enqueue(this.uriOf(queued), { kind: 'delete' });
    }
  }

  private isCandidate(d: vscode.TextDocument): boolean {
    // Diff views and other virtual documents (git:, output:) would show up as duplicates.
    if (d.uri.scheme !== 'untitled' && !vscode.workspace.getWorkspaceFolder(d.uri)) return false;
    return d.languageId === 'yaml' || YAML_PATH.test(d.uri.path);
  }

  private onOpened(d: vscode.TextDocument): void {
    if (!this.isCandidate(d) || this.isExcluded(d.uri)) return;
    const key = d.uri.toString();
    this.open.set(key, d);
    this.enqueue(d.uri, { kind: 'text', text: d.getText(), version: d.version });
  }

  private onEdited(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    if (!this.open.has(key)) return;
    const previous = this.timers.get(key);
    if (previous) clearTimeout(previous);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (this.open.has(key)) this.enqueue(d.uri, { kind: 'text', text: d.getText(), version: d.version });
        this.checkIdle();
      }, this.settings.debounceMs),
    );
  }

  private onClosed(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    if (!this.open.delete(key)) return;
    this.applied.delete(key);
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    // The unsaved text is gone with the editor; the disk is the truth again (or nothing, if untitled).
    this.enqueue(d.uri, d.uri.scheme === 'untitled' ? { kind: 'delete' } : { kind: 'read' });
    this.checkIdle();
  }

  private isExcluded(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return false;
    const key = folder.uri.toString();
    let set = this.excludes.get(key);
    if (!set) this.excludes.set(key, (set = new GlobSet([...ALWAYS_SKIPPED, ...excludedGlobs(folder.uri)])));
    const rel = uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
    return set.matches(rel);
  }

  private enqueue(uri: vscode.Uri, job: Job): void {
    const key = uri.toString();
    this.uris.set(key, uri);
    this.pending.enqueue(key, job);
  }

  private kick(): void {
    this.pending.kick();
  }

  /** The file as the engine takes it; undefined when it is not a file (any more). */
  private async read(uri: vscode.Uri): Promise<FileInput | undefined> {
    const limit = this.settings.analysis.limits.maxFileBytes;
    const stat = await vscode.workspace.fs.stat(uri);
    if (!(stat.type & vscode.FileType.File)) return undefined;
    if (uri.scheme === 'file') return readManifest(uri.fsPath, limit);
    const bytes = await vscode.workspace.fs.readFile(uri);
    return bytes.length > limit ? { head: bytes.subarray(0, HEAD_BYTES), size: bytes.length } : { bytes };
  }

  private publish(uris: Iterable<string>): void {
    const list = [...uris];
    for (const key of list) {
      const uri = this.uriOf(key);
      const visible = this.settings.scope === 'workspace' || this.tabs.has(key);
      const findings = visible ? this.engine.findings(key) : [];
      if (findings.length) this.collection.set(uri, findings.map((f) => toDiagnostic(f, this.docsRoot)));
      else this.collection.delete(uri);
      if (!this.engine.index.get(key) && !this.pending.has(key)) this.uris.delete(key);
    }
    if (list.length) this.updated.fire(list);
  }

  private onTabsChanged(): void {
    const now = openTabs();
    const changed = [...now, ...this.tabs].filter((k) => now.has(k) !== this.tabs.has(k));
    this.tabs = now;
    if (this.settings.scope === 'openFiles' && changed.length) this.publish(changed.filter((k) => this.engine.index.get(k)));
  }

  private uriOf(key: string): vscode.Uri {
    return this.uris.get(key) ?? vscode.Uri.parse(key);
  }

  private isIdle(): boolean {
    return this.pending.idle && this.timers.size === 0 && this.scans === 0;
  }

  private checkIdle(): void {
    if (this.isIdle()) this.resolveIdle();
  }

  private resolveIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}


function openTabs(): Set<string> {
  const out = new Set<string>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputText) out.add(tab.input.uri.toString());
  }
  return out;
}
