import { K8sObject, toK8sObject } from '../k8s/object';
import { groupKindOf } from '../analysis/types';
import { checkTextSize, decodeManifestBytes, InputProblem } from '../yaml/decode';
import { InputLimits } from '../yaml/limits';
import { looksLikeManifest as textLooksLikeManifest, parseManifestText, ParsedDocument, ParsedFile, ParseOptions } from '../yaml/parse';

/** What the workspace knows about one file. */
export interface FileEntry {
  uri: string;
  input: InputProblem | undefined;
  file: ParsedFile | undefined;
  objects: K8sObject[];
  looksLikeManifest: boolean;
}

/**
 * A file's content as the caller has it: raw bytes from disk, an editor buffer's text, or only
 * the head of a file the caller did not read in full because its size is above the limit.
 */
export type FileInput = { bytes: Uint8Array } | { text: string } | { head: Uint8Array; size: number };

/** Bytes of a file's head that decide whether an unparsed file looks like a manifest. */
export const HEAD_BYTES = 65536;

const KUSTOMIZATION = /\/(kustomization\.ya?ml|Kustomization)$/;

/** Dependency keys: what an object rule can depend on, and what a file change can alter. */
export const dep = {
  key: (key: string) => `key:${key}`,
  kind: (groupKind: string) => `kind:${groupKind}`,
  units: 'units',
  /** The text of a file as a whole: for what points at offsets outside any object of it. */
  file: (uri: string) => `file:${uri}`,
};

/**
 * Every object of every manifest file, by identity and by kind. Pure: callers hand it file
 * contents; it never reads the disk.
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, FileEntry>();
  private readonly byKey = new Map<string, K8sObject[]>();
  private readonly byKind = new Map<string, K8sObject[]>();
  /** Bumped whenever an object of the group/kind comes or goes: what derived views are keyed by. */
  private readonly kindGeneration = new Map<string, number>();
  private readonly kustomizeDirs = new Set<string>();
  private changes = 0;

  constructor(
    private limits: InputLimits,
    private readonly parseOptions: ParseOptions = {},
  ) {}

  setLimits(limits: InputLimits): void {
    this.limits = limits;
  }

  /**
   * Replaces a file; returns the dependency keys whose answers may have changed. An object whose
   * document text did not change is kept (the same instance, moved to its new offset) and listed
   * in `kept`: nothing it holds changed, so nothing that read it needs to be checked again.
   */
  set(uri: string, input: FileInput): { entry: FileEntry; old: FileEntry | undefined; changed: Set<string>; kept: Set<K8sObject> } {
    const old = this.files.get(uri);
    const entry = this.load(uri, input, old);
    const kept = new Set<K8sObject>();
    if (old) {
      const was = new Set(old.objects);
      for (const o of entry.objects) if (was.has(o)) kept.add(o);
    }
    if (old) this.unlink(old, kept);
    this.files.set(uri, entry);
    this.link(entry, kept);
    return { entry, old, changed: this.changedKeys(uri, old, entry, kept), kept };
  }

  delete(uri: string): { old: FileEntry | undefined; changed: Set<string> } {
    const old = this.files.get(uri);
    if (!old) return { old, changed: new Set() };
    this.unlink(old, new Set());
    this.files.delete(uri);
    return { old, changed: this.changedKeys(uri, old, undefined, new Set()) };
  }

  get(uri: string): FileEntry | undefined {
    return this.files.get(uri);
  }

  uris(): IterableIterator<string> {
    return this.files.keys();
  }

  get size(): number {
    return this.files.size;
  }

  *allObjects(): IterableIterator<K8sObject> {
    for (const f of this.files.values()) yield* f.objects;
  }

  objectsWithKey(key: string): readonly K8sObject[] {
    return this.byKey.get(key) ?? [];
  }

  objectsOfKind(groupKind: string): readonly K8sObject[] {
    return this.byKind.get(groupKind) ?? [];
  }

  /** Bumped with every kind generation: while it stands still, no generation changed. */
  get version(): number {
    return this.changes;
  }

  generation(groupKind: string): number {
    return this.kindGeneration.get(groupKind) ?? 0;
  }

  renderUnitOf(uri: string): string {
    let dir = parentOf(uri);
    while (dir) {
      if (this.kustomizeDirs.has(dir)) return dir;
      const up = parentOf(dir);
      if (up === dir) break;
      dir = up;
    }
    return '';
  }

  private load(uri: string, input: FileInput, old: FileEntry | undefined): FileEntry {
    let text: string | undefined;
    let problem: InputProblem | undefined;
    let looksLikeManifest = false;
    if ('head' in input) {
      problem = { kind: 'tooLarge', bytes: input.size, limit: this.limits.maxFileBytes };
      looksLikeManifest = textLooksLikeManifest(new TextDecoder().decode(input.head.subarray(0, HEAD_BYTES)));
    } else if ('bytes' in input) {
      const decoded = decodeManifestBytes(input.bytes, this.limits);
      text = decoded.text;
      problem = decoded.problem;
      if (text === undefined) {
        looksLikeManifest = textLooksLikeManifest(new TextDecoder().decode(input.bytes.subarray(0, HEAD_BYTES)));
      }
    } else {
      problem = checkTextSize(input.text, this.limits);
      if (problem) {
        looksLikeManifest = textLooksLikeManifest(input.text.slice(0, HEAD_BYTES));
      } else text = input.text;
    }
    if (text === undefined) return { uri, input: problem, file: undefined, objects: [], looksLikeManifest };
    const file = parseManifestText(text, this.limits, old?.file, this.parseOptions);
    // The parser hands back the tree of a document whose text did not change (moved in place to
    // its new offset); its object is kept too, with the document's new offsets.
    const previous = new Map<unknown, K8sObject>();
    for (const o of old?.objects ?? []) previous.set(o.doc.node, o);
    const objects: K8sObject[] = [];
    for (const doc of file.documents) {
      const was = previous.get(doc.node);
      if (was && was.doc.index === doc.index) {
        (was as { doc: ParsedDocument }).doc = doc;
        objects.push(was);
        continue;
      }
      const o = toK8sObject(uri, doc);
      if (o) objects.push(o);
    }
    return { uri, input: problem, file, objects, looksLikeManifest: file.isManifest };
  }

  private link(entry: FileEntry, kept: Set<K8sObject>): void {
    if (KUSTOMIZATION.test(entry.uri)) this.kustomizeDirs.add(parentOf(entry.uri));
    for (const o of entry.objects) {
      if (kept.has(o)) continue;
      if (o.key) insert(this.byKey, o.key, o);
      insert(this.byKind, groupKindOf(o), o);
      this.bump(groupKindOf(o));
    }
  }

  private unlink(entry: FileEntry, kept: Set<K8sObject>): void {
    if (KUSTOMIZATION.test(entry.uri)) this.kustomizeDirs.delete(parentOf(entry.uri));
    for (const o of entry.objects) {
      if (kept.has(o)) continue;
      if (o.key) remove(this.byKey, o.key, o);
      remove(this.byKind, groupKindOf(o), o);
      this.bump(groupKindOf(o));
    }
  }

  private bump(groupKind: string): void {
    this.kindGeneration.set(groupKind, (this.kindGeneration.get(groupKind) ?? 0) + 1);
    this.changes++;
  }

  private changedKeys(uri: string, old: FileEntry | undefined, now: FileEntry | undefined, kept: Set<K8sObject>): Set<string> {
    const keys = new Set<string>([dep.file(uri)]);
    for (const e of [old, now]) {
      for (const o of e?.objects ?? []) {
        if (kept.has(o)) continue;
        if (o.key) keys.add(dep.key(o.key));
        keys.add(dep.kind(groupKindOf(o)));
      }
    }
    if (KUSTOMIZATION.test(uri)) keys.add(dep.units);
    return keys;
  }
}

function parentOf(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i <= 0 ? '' : uri.slice(0, i);
}

/**
 * Objects are listed in file and document order, whatever order the files came in: rules that
 * name "the other definitions" or pick a first one then say the same after any history of edits
 * as after a fresh load.
 */
/** The objects of some kinds, in workspace order. */
export function sortedObjects(kinds: readonly string[], of: (gk: string) => readonly K8sObject[]): K8sObject[] {
  const all = kinds.flatMap((k) => of(k));
  return kinds.length > 1 ? all.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)) : all;
}

export function before(a: K8sObject, b: K8sObject): boolean {
  return a.uri < b.uri || (a.uri === b.uri && a.doc.index < b.doc.index);
}

function insert<K>(m: Map<K, K8sObject[]>, k: K, o: K8sObject): void {
  const list = m.get(k);
  if (!list) {
    m.set(k, [o]);
    return;
  }
  // Files mostly arrive in path order, so the end is checked first.
  if (list.length === 0 || before(list[list.length - 1], o)) {
    list.push(o);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid], o)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, o);
}

function remove<K>(m: Map<K, K8sObject[]>, k: K, o: K8sObject): void {
  const list = m.get(k);
  if (!list) return;
  const i = list.indexOf(o);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) m.delete(k);
}
