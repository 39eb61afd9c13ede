// What the fault tests of the manifest side share: a WorkspaceSync over a real directory, read the
// way the extension reads `file:` URIs (readManifest), publishing into a map that stands for the
// editor's diagnostic collection (set when a file has findings, deleted when it has none).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readManifest } from '../../../src/cli/files';
import { DEFAULT_CONFIG, ManifestEngine, RULES, type FileInput } from '../../../src/core';
import { WorkspaceSync, type DiskJob } from '../../../src/core/workspace/sync';

/** A finding as a diagnostic shows it: what a stale or missing one would differ in. */
export function shown(engine: ManifestEngine, uri: string): string[] {
  return engine.findings(uri).map((f) => `${f.code} ${f.severity} ${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.message}`);
}

export class Workspace {
  readonly engine = new ManifestEngine(RULES, DEFAULT_CONFIG);
  readonly diagnostics = new Map<string, string[]>();
  /** The uris of each publish, in order. */
  readonly publishes: string[][] = [];
  readonly errors: string[] = [];
  readonly sync: WorkspaceSync<DiskJob>;
  private waiters: (() => void)[] = [];

  constructor(
    readonly root: string,
    read?: (uri: string) => Promise<FileInput | undefined>,
  ) {
    this.sync = new WorkspaceSync<DiskJob>({
      engine: () => this.engine,
      read: read ?? ((uri) => readManifest(fileURLToPath(uri), DEFAULT_CONFIG.limits.maxFileBytes)),
      publish: (affected) => {
        this.publishes.push([...affected]);
        for (const uri of affected) {
          const d = shown(this.engine, uri);
          if (d.length) this.diagnostics.set(uri, d);
          else this.diagnostics.delete(uri);
        }
      },
      nextTurn: () => new Promise((r) => setImmediate(r)),
      onError: (uri, e) => this.errors.push(`${uri}: ${(e as Error).message}`),
      onIdle: () => {
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      },
    });
  }

  uri(rel: string): string {
    return pathToFileURL(path.join(this.root, rel)).href;
  }

  /** Resolves once everything queued is applied, analysed and published. */
  idle(): Promise<void> {
    if (this.sync.idle) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** The startup scan: every YAML file under the root (outside .git) queued for reading. */
  scan(): void {
    for (const rel of yamlFiles(this.root)) this.sync.enqueue(this.uri(rel), { kind: 'read' });
  }
}

export function yamlFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git') walk(rel);
      } else if (/\.ya?ml$/.test(e.name)) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/** `meshlens lint` of the directory as it is now: a fresh engine, every file read, one analysis. */
export async function freshLint(root: string): Promise<Map<string, string[]>> {
  const engine = new ManifestEngine(RULES, DEFAULT_CONFIG);
  for (const rel of yamlFiles(root)) {
    const file = path.join(root, rel);
    engine.setFile(pathToFileURL(file).href, await readManifest(file, DEFAULT_CONFIG.limits.maxFileBytes));
  }
  engine.analyze();
  const out = new Map<string, string[]>();
  for (const uri of engine.index.uris()) {
    const d = shown(engine, uri);
    if (d.length) out.set(uri, d);
  }
  return out;
}

export function sorted(m: Map<string, string[]>): [string, string[]][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
