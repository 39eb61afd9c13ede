import { K8sObject } from '../k8s/object';
import { ParsedFile } from '../yaml/parse';
import { locatePath } from '../yaml/locate';
import { formatPath, FieldPath } from '../yaml/path';
import { LineIndex, Range } from '../yaml/positions';
import { before, dep, FileEntry, FileInput, sortedObjects, WorkspaceIndex } from '../workspace/index';
import { AnalysisConfig, DEFAULT_CONFIG } from './config';
import { isSuppressed } from './suppress';
import {
  FileRule,
  fillTemplate,
  Finding,
  Fix,
  groupKindOf,
  ObjectContext,
  ObjectReport,
  ObjectRule,
  RelatedLocation,
  Rule,
  RuleMeta,
  SEVERITY_RANK,
  TextEdit,
  upstreamCodes,
  WorkspaceView,
} from './types';

export interface RuleError {
  ruleId: string;
  uri: string;
  object?: string;
  message: string;
}

export interface EngineOptions {
  /** Rethrow rule exceptions (tests); otherwise they are collected in `ruleErrors`. */
  strict?: boolean;
  /** Parse through the `yaml` package's Document path only (the reference for the fast path's tests). */
  documentPathOnly?: boolean;
}

const MAX_RULE_ERRORS = 100;

/**
 * The manifest engine: a workspace index plus incremental analysis. An object is re-checked when
 * its file changes or when anything it read through the workspace view changes, so an edit to one
 * file costs that file and its dependents, not the workspace.
 */
export class ManifestEngine {
  readonly index: WorkspaceIndex;
  private config: AnalysisConfig;
  private readonly objectRules: ObjectRule[];
  /** The object rules that apply to a group/kind, in registry order (`?` before it: an unknown kind). */
  private readonly rulesByKind = new Map<string, ObjectRule[]>();
  private readonly fileRules: FileRule[];
  private readonly metaByKey = new Map<string, RuleMeta>();

  /** Object findings without positions: those are looked up when a file's findings are assembled, so a kept object that moved needs no re-check. */
  private readonly objectFindings = new Map<string, StoredFinding[]>();
  private readonly fileFindings = new Map<string, Finding[]>();
  /** What each object read through the workspace view, and who read each key. */
  private readonly deps = new Links();
  /** Objects whose findings point into another file (related locations, fix edits), by that file: they move with it. */
  private readonly pointers = new Links();
  private readonly objects = new Map<string, K8sObject>();
  private readonly assembled = new Map<string, Finding[]>();
  /** Values built by `WorkspaceView.derived`, with the kind generations they were built from. */
  private readonly derivedCache = new Map<string, { stamp: string; version: number; value: unknown }>();
  /** Keyed indexes of `WorkspaceView.lookup`, with a fingerprint per key to tell which entries an edit changed. */
  private readonly lookups = new Map<string, LookupView>();
  /** Indexes of `WorkspaceView.keyed`, kept object by object. */
  private readonly keyedViews = new Map<string, KeyedView>();
  /** Objects that came or went since the keyed indexes were last brought up to date (at analyze). */
  private readonly journal: Array<{ o: K8sObject; added: boolean }> = [];

  private readonly dirtyFiles = new Set<string>();
  /** New objects of the dirty files; the kept ones have not changed. */
  private readonly dirtyObjects = new Map<string, K8sObject>();
  /** Files whose findings need assembling again without any rule re-run (what they point at moved). */
  private readonly moved = new Set<string>();
  private readonly changedKeys = new Set<string>();
  private readonly ruleErrorLog: RuleError[] = [];
  private ruleErrorsDropped = 0;

  constructor(
    rules: readonly Rule[],
    config: AnalysisConfig = DEFAULT_CONFIG,
    private readonly options: EngineOptions = {},
  ) {
    this.config = config;
    this.index = new WorkspaceIndex(config.limits, { documentPathOnly: options.documentPathOnly });
    this.objectRules = rules.filter((r): r is ObjectRule => r.meta.scope === 'object');
    this.fileRules = rules.filter((r): r is FileRule => r.meta.scope === 'file');
    for (const r of rules) {
      this.metaByKey.set(r.meta.code, r.meta);
      this.metaByKey.set(r.meta.id, r.meta);
    }
  }

  get ruleErrors(): readonly RuleError[] {
    return this.ruleErrorLog;
  }

  /** Hands over the collected rule errors (for a log) and starts a new collection. */
  takeRuleErrors(): RuleError[] {
    return this.ruleErrorLog.splice(0);
  }

  get droppedRuleErrors(): number {
    return this.ruleErrorsDropped;
  }

  setFile(uri: string, input: FileInput): void {
    const starts = new Map<K8sObject, number>();
    for (const o of this.index.get(uri)?.objects ?? []) starts.set(o, o.doc.start);
    const { old, entry, changed, kept } = this.index.set(uri, input);
    this.forget(old, kept);
    if (this.keyedViews.size) {
      for (const o of old?.objects ?? []) if (!kept.has(o)) this.journal.push({ o, added: false });
      for (const o of entry.objects) if (!kept.has(o)) this.journal.push({ o, added: true });
    }
    let moved = false;
    for (const o of entry.objects) {
      if (kept.has(o)) {
        moved ||= starts.get(o) !== o.doc.start;
        continue;
      }
      this.objects.set(o.id, o);
      this.dirtyObjects.set(o.id, o);
    }
    if (moved) for (const id of this.pointers.ids(uri)) this.moved.add(this.objects.get(id)?.uri ?? '');
    this.markDirty(uri, changed);
  }

  deleteFile(uri: string): void {
    const { old, changed } = this.index.delete(uri);
    if (!old) return;
    this.forget(old, new Set());
    if (this.keyedViews.size) for (const o of old.objects) this.journal.push({ o, added: false });
    this.fileFindings.delete(uri);
    this.markDirty(uri, changed);
  }

  /** Returns the URIs whose findings may have changed (deleted files included: they now have none). */
  /**
   * Rule settings apply at once (nothing is re-analysed). New input limits apply to files set from
   * now on: the engine holds parses, not bytes, so the caller hands the files in again.
   */
  setConfig(config: AnalysisConfig): string[] {
    this.config = config;
    this.index.setLimits(config.limits);
    this.assembled.clear();
    return [...this.index.uris()];
  }

  get pending(): boolean {
    return this.dirtyFiles.size > 0;
  }

  /** Runs the rules on everything that changed since the last call. */
  analyze(): Set<string> {
    this.diffLookups();
    const affected = new Set<string>(this.dirtyFiles);
    for (const uri of this.moved) if (this.index.get(uri)) affected.add(uri);
    this.moved.clear();
    const toCheck = new Map<string, K8sObject>(this.dirtyObjects);
    this.dirtyObjects.clear();
    for (const uri of this.dirtyFiles) {
      const entry = this.index.get(uri);
      if (entry) this.runFileRules(entry);
    }
    for (const key of this.changedKeys) {
      for (const id of this.deps.ids(key)) {
        const o = this.objects.get(id);
        if (o) toCheck.set(id, o);
      }
    }
    this.dirtyFiles.clear();
    this.changedKeys.clear();
    for (const o of toCheck.values()) {
      this.runObjectRules(o);
      affected.add(o.uri);
    }
    for (const uri of affected) this.assembled.delete(uri);
    return affected;
  }

  /** Findings of one file after suppressions and severity settings, sorted by position. */
  findings(uri: string): Finding[] {
    const cached = this.assembled.get(uri);
    if (cached) return cached;
    const entry = this.index.get(uri);
    if (!entry) return [];
    const out: Finding[] = [];
    const consider = (f: Finding, object: K8sObject | undefined) => {
      const setting = this.config.rules[f.code] ?? this.config.rules[f.ruleId] ?? (f.unresolved ? (this.config.unresolvedReferences ?? 'warning') : undefined);
      if (setting === 'off') return;
      if (isSuppressed(f, entry.file, object)) return;
      out.push(setting ? { ...f, severity: setting } : f);
    };
    for (const f of this.fileFindings.get(uri) ?? []) consider(f, undefined);
    for (const o of entry.objects) for (const s of this.objectFindings.get(o.id) ?? []) consider(this.place(s), o);
    out.sort(
      (a, b) =>
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character ||
        a.code.localeCompare(b.code),
    );
    this.assembled.set(uri, out);
    return out;
  }

  metaOf(codeOrId: string): RuleMeta | undefined {
    return this.metaByKey.get(codeOrId);
  }

  private markDirty(uri: string, changed: Set<string>): void {
    this.dirtyFiles.add(uri);
    for (const k of changed) this.changedKeys.add(k);
    this.assembled.delete(uri);
  }

  private forget(old: FileEntry | undefined, kept: Set<K8sObject>): void {
    for (const o of old?.objects ?? []) {
      if (kept.has(o)) continue;
      // A kept object may have taken over the id (same document index): it stays.
      if (this.objects.get(o.id) === o) this.objects.delete(o.id);
      this.objectFindings.delete(o.id);
      this.dirtyObjects.delete(o.id);
      this.deps.set(o.id, undefined);
      this.pointers.set(o.id, undefined);
    }
  }

  private runFileRules(entry: FileEntry): void {
    const found: Finding[] = [];
    const lines = entry.file?.lines ?? new LineIndex('');
    for (const rule of this.fileRules) {
      try {
        rule.check({
          uri: entry.uri,
          file: entry.file,
          input: entry.input,
          looksLikeManifest: entry.looksLikeManifest,
          report: (r) => {
            const end = Math.max(r.end, r.start + 1);
            found.push(this.makeFinding(rule.meta, r.messageId, r.data, entry.uri, lines.rangeOf(r.start, end)));
          },
        });
      } catch (e) {
        this.ruleFailed(rule.meta, entry.uri, undefined, e);
      }
    }
    this.fileFindings.set(entry.uri, found);
  }

  private runObjectRules(o: K8sObject): void {
    const deps = new Set<string>();
    const found: StoredFinding[] = [];
    const pointers = new Set<string>();
    const entry = this.index.get(o.uri);
    // A document with syntax errors or over a limit gets only those findings: anything else
    // would be guesswork on a half-parsed value. It stays in the index for other files' sake.
    if (entry?.file && !o.doc.hasErrors && !o.doc.limit) {
      const gk = groupKindOf(o);
      const file = entry.file;
      // One context for all the rules of an object, told whose turn it is: a context and a view
      // per rule cost more than some of the rules that get them.
      let meta: RuleMeta | undefined;
      const current = () => meta!;
      const ctx: ObjectContext = {
        object: o,
        workspace: this.viewFor(current, deps),
        lines: file.lines,
        linesOf: (u) => this.index.get(u)?.file?.lines,
        report: (r) => found.push(this.objectFinding(current(), o, r, deps, pointers)),
      };
      for (const rule of this.rulesFor(gk, !!o.info)) {
        meta = rule.meta;
        try {
          rule.check(ctx);
        } catch (e) {
          this.ruleFailed(rule.meta, o.uri, o.ref, e);
        }
      }
    }
    this.objectFindings.set(o.id, found);
    this.deps.set(o.id, deps);
    this.pointers.set(o.id, pointers);
  }

  /**
   * The rules that read objects of a kind: those that name it, and for kinds MeshLens knows the
   * `*` rules. Asked for every object, so the answer is kept per kind.
   */
  private rulesFor(gk: string, known: boolean): ObjectRule[] {
    const key = known ? gk : `?${gk}`;
    let rules = this.rulesByKind.get(key);
    if (!rules) {
      rules = this.objectRules.filter((r) => r.meta.kinds.includes(gk) || (known && r.meta.kinds.includes('*')));
      this.rulesByKind.set(key, rules);
    }
    return rules;
  }

  /** The workspace as the rule `current()` may read it; what it reads goes into `deps`. */
  private viewFor(current: () => RuleMeta, deps: Set<string>): WorkspaceView {
    const index = this.index;
    const declared = (gk: string) => {
      const meta = current();
      if (!meta.kinds.includes('*') && !meta.kinds.includes(gk)) {
        throw new Error(`rule ${meta.id} reads ${gk}, which its meta.kinds does not declare`);
      }
    };
    return {
      objectsWithKey(key) {
        const parts = key.split('/');
        declared(`${parts[0]}/${parts[1]}`);
        deps.add(dep.key(key));
        return index.objectsWithKey(key);
      },
      objectsOfKind(gk) {
        declared(gk);
        deps.add(dep.kind(gk));
        return index.objectsOfKind(gk);
      },
      renderUnitOf(uri) {
        deps.add(dep.units);
        return index.renderUnitOf(uri);
      },
      derived: <T>(name: string, kinds: readonly string[], build: (objectsOfKind: (gk: string) => readonly K8sObject[]) => T): T => {
        for (const gk of kinds) {
          declared(gk);
          deps.add(dep.kind(gk));
        }
        const hit = this.derivedCache.get(name);
        // Asked once per reading object: while nothing at all changed, no stamp is built.
        if (hit && hit.version === index.version) return hit.value as T;
        const stamp = kinds.map((k) => `${k}@${index.generation(k)}`).join(',');
        if (hit && hit.stamp === stamp) {
          hit.version = index.version;
          return hit.value as T;
        }
        const value = build((gk) => {
          if (!kinds.includes(gk)) throw new Error(`derived view ${name} reads ${gk}, which it does not list`);
          return index.objectsOfKind(gk);
        });
        this.derivedCache.set(name, { stamp, version: index.version, value });
        return value;
      },
      lookup: <T>(name: string, kinds: readonly string[], build: LookupView['build'], key: string): T | undefined => {
        for (const gk of kinds) declared(gk);
        deps.add(lookupDep(name, key));
        let view = this.lookups.get(name);
        if (!view) this.lookups.set(name, (view = { kinds, build, stamp: '', version: -1, entries: new Map() }));
        this.refreshLookup(name, view);
        return view.entries.get(key) as T | undefined;
      },
      keyed: <T>(name: string, kinds: readonly string[], entriesOf: (o: K8sObject) => ReadonlyArray<readonly [string, T]>, key: string): readonly T[] => {
        for (const gk of kinds) declared(gk);
        deps.add(lookupDep(name, key));
        let view = this.keyedViews.get(name);
        if (!view) this.keyedViews.set(name, (view = buildKeyed(kinds, entriesOf as KeyedView['entriesOf'], (gk) => index.objectsOfKind(gk))));
        return (view.byKey.get(key)?.values as T[] | undefined) ?? [];
      },
    };
  }

  /**
   * Rebuilds a keyed index when its kinds changed; returns the keys whose entries differ. Entries
   * are compared by print, and printed only here (the first build, in a cold analysis, prints
   * nothing); a record keeps its print, so an edit prints what it rebuilt.
   */
  private refreshLookup(name: string, view: LookupView): string[] {
    if (view.version === this.index.version) return [];
    const stamp = view.kinds.map((k) => `${k}@${this.index.generation(k)}`).join(',');
    view.version = this.index.version;
    if (stamp === view.stamp) return [];
    const entries = view.build((gk) => {
      if (!view.kinds.includes(gk)) throw new Error(`lookup view ${name} reads ${gk}, which it does not list`);
      return this.index.objectsOfKind(gk);
    });
    const changed: string[] = [];
    if (view.stamp) {
      const old = view.entries;
      for (const [k, v] of entries) {
        const was = old.get(k);
        if (was !== v && (was === undefined || !sameItems(was, v)) && (was === undefined || fingerprint(was) !== fingerprint(v))) changed.push(k);
      }
      for (const k of old.keys()) if (!entries.has(k)) changed.push(k);
    }
    view.stamp = stamp;
    view.entries = entries;
    return changed;
  }

  /** Before re-checking: readers of index entries that an edit changed count as dependents of the edit. */
  private diffLookups(): void {
    if (!this.dirtyFiles.size) return;
    for (const [name, view] of this.lookups) for (const k of this.refreshLookup(name, view)) this.changedKeys.add(lookupDep(name, k));
    // Keyed indexes: the entries of the objects that went and came, and nothing else.
    for (const [name, view] of this.keyedViews) {
      for (const { o, added } of this.journal) {
        if (!view.kinds.includes(groupKindOf(o))) continue;
        for (const k of added ? addKeyed(view, o) : removeKeyed(view, o)) this.changedKeys.add(lookupDep(name, k));
      }
    }
    this.journal.length = 0;
  }

  /**
   * A report kept without positions: the path of the finding and of each related location, and fix
   * edits as offsets into the object they fall in. An object kept across an edit of its file moves,
   * and so do they.
   */
  private objectFinding(meta: RuleMeta, o: K8sObject, r: ObjectReport, deps: Set<string>, pointers: Set<string>): StoredFinding {
    const path = r.path ?? [];
    const finding = this.makeFinding(meta, r.messageId, r.data, o.uri, NO_RANGE);
    if (r.severity && SEVERITY_RANK[r.severity] > SEVERITY_RANK[meta.severity]) finding.severity = r.severity;
    if (r.upstream) finding.upstream = r.upstream;
    if (r.unresolved) finding.unresolved = true;
    finding.object = o.ref;
    finding.path = formatPath(path);
    const related = (r.related ?? []).map((rel) => {
      if (rel.object.uri !== o.uri) pointers.add(rel.object.uri);
      return { object: rel.object, path: rel.path, target: rel.target, message: rel.message };
    });
    const fixes = (r.fixes ?? []).map((f) => ({
      title: f.title,
      preferred: f.preferred,
      edits: f.edits.map((e) => {
        const uri = e.uri ?? o.uri;
        if (uri !== o.uri) pointers.add(uri);
        const anchor = this.index.get(uri)?.objects.find((a) => a.doc.start <= e.start && e.end <= a.doc.end);
        // An edit outside every object (between documents, past the last one) stays where it is
        // only while its file does.
        if (!anchor) deps.add(dep.file(uri));
        const base = anchor ? anchor.doc.start : 0;
        return { uri, anchor, start: e.start - base, end: e.end - base, newText: e.newText };
      }),
    }));
    return { finding, object: o, path, target: r.target, related, fixes };
  }

  /** A stored finding at the current positions of what it points at. */
  private place(s: StoredFinding): Finding {
    // A file is assembled again after every edit of it; its other objects' findings are where
    // they were unless something they point into moved.
    const stamp = this.positionStamp(s);
    if (stamp !== undefined && s.placed?.stamp === stamp) return s.placed.finding;
    const finding = this.placeNow(s);
    if (stamp !== undefined) s.placed = { stamp, finding };
    return finding;
  }

  /**
   * Where the objects a finding points into are: each one's current instance, the offset of its
   * document and the line it starts on (the text inside a kept document does not change). Undefined
   * when a fix edit is not anchored in an object (it moves with anything in its file).
   */
  private positionStamp(s: StoredFinding): string | undefined {
    let stamp = '';
    const add = (o: K8sObject): boolean => {
      const lines = this.index.get(o.uri)?.file?.lines;
      if (!lines) return false;
      stamp += this.objects.get(o.id) === o ? `${o.doc.start}:${lines.positionAt(o.doc.start).line},` : 'gone,';
      return true;
    };
    if (!add(s.object)) return undefined;
    for (const rel of s.related) if (!add(rel.object)) return undefined;
    for (const f of s.fixes) for (const e of f.edits) if (!e.anchor || !add(e.anchor)) return undefined;
    return stamp;
  }

  private placeNow(s: StoredFinding): Finding {
    const file = this.index.get(s.object.uri)?.file;
    const range = file ? this.rangeOfPath(s.object, file, s.path, s.target) : NO_RANGE;
    const related: RelatedLocation[] = [];
    for (const rel of s.related) {
      const relFile = this.index.get(rel.object.uri)?.file;
      if (!relFile || this.objects.get(rel.object.id) !== rel.object) continue;
      related.push({ uri: rel.object.uri, range: this.rangeOfPath(rel.object, relFile, rel.path, rel.target), message: rel.message });
    }
    const fixes: Fix[] = [];
    for (const f of s.fixes) {
      const edits: TextEdit[] = [];
      for (const e of f.edits) {
        const lines = this.index.get(e.uri)?.file?.lines;
        if (!lines || (e.anchor && this.objects.get(e.anchor.id) !== e.anchor)) break;
        const base = e.anchor ? e.anchor.doc.start : 0;
        edits.push({ uri: e.uri, range: lines.rangeOf(e.start + base, e.end + base), newText: e.newText });
      }
      // No fix when an edit names a place the workspace no longer has.
      if (edits.length === f.edits.length) fixes.push({ title: f.title, preferred: f.preferred, edits });
    }
    return { ...s.finding, range, related, fixes };
  }

  private rangeOfPath(o: K8sObject, file: ParsedFile, path: FieldPath, target: 'key' | 'value' = 'value'): Range {
    const loc = locatePath(o.doc.node, path, target);
    let end = Math.max(loc.end, loc.start);
    if (!loc.exact) {
      // A fallback points at the nearest parent; keep it to one line so the squiggle stays readable.
      const startLine = file.lines.positionAt(loc.start).line;
      end = Math.min(end, file.lines.lineEnd(startLine));
    }
    return file.lines.rangeOf(loc.start, end);
  }

  private makeFinding(
    meta: RuleMeta,
    messageId: string,
    data: Record<string, string | number | boolean> | undefined,
    uri: string,
    range: Range,
  ): Finding {
    const template = meta.messages[messageId];
    if (template === undefined) throw new Error(`rule ${meta.id} has no message "${messageId}"`);
    return {
      ruleId: meta.id,
      code: meta.code,
      severity: meta.severity,
      message: fillTemplate(template, data),
      uri,
      range,
      related: [],
      data: { ...(data ?? {}) },
      fixes: [],
      upstream: upstreamCodes(meta.upstream),
    };
  }

  private ruleFailed(meta: RuleMeta, uri: string, object: string | undefined, e: unknown): void {
    if (this.options.strict) throw e;
    if (this.ruleErrorLog.length >= MAX_RULE_ERRORS) {
      this.ruleErrorsDropped++;
      return;
    }
    this.ruleErrorLog.push({ ruleId: meta.id, uri, object, message: e instanceof Error ? e.message : String(e) });
  }
}

/** Keys per object and objects per key, kept in step. */
class Links {
  private readonly keysOf = new Map<string, Set<string>>();
  private readonly idsOf = new Map<string, Set<string>>();

  set(id: string, keys: Set<string> | undefined): void {
    for (const k of this.keysOf.get(id) ?? []) {
      const ids = this.idsOf.get(k);
      ids?.delete(id);
      if (ids && ids.size === 0) this.idsOf.delete(k);
    }
    if (!keys || keys.size === 0) {
      this.keysOf.delete(id);
      return;
    }
    this.keysOf.set(id, keys);
    for (const k of keys) {
      let ids = this.idsOf.get(k);
      if (!ids) this.idsOf.set(k, (ids = new Set()));
      ids.add(id);
    }
  }

  ids(key: string): Iterable<string> {
    return this.idsOf.get(key) ?? [];
  }
}

interface KeyedView {
  kinds: readonly string[];
  entriesOf: (o: K8sObject) => ReadonlyArray<readonly [string, unknown]>;
  /** Per key, the objects and their values, in workspace object order. */
  byKey: Map<string, { objects: K8sObject[]; values: unknown[] }>;
  /** The keys each object's entries went under. */
  keysOf: Map<K8sObject, string[]>;
}

function buildKeyed(kinds: readonly string[], entriesOf: KeyedView['entriesOf'], of: (gk: string) => readonly K8sObject[]): KeyedView {
  const view: KeyedView = { kinds, entriesOf, byKey: new Map(), keysOf: new Map() };
  // Appending in workspace order keeps every entry in order without searching.
  for (const o of sortedObjects(kinds, of)) {
    const keys: string[] = [];
    for (const [k, v] of entriesOf(o)) {
      let e = view.byKey.get(k);
      if (!e) view.byKey.set(k, (e = { objects: [], values: [] }));
      e.objects.push(o);
      e.values.push(v);
      keys.push(k);
    }
    view.keysOf.set(o, keys);
  }
  return view;
}

function addKeyed(view: KeyedView, o: K8sObject): string[] {
  const keys: string[] = [];
  for (const [k, v] of view.entriesOf(o)) {
    let e = view.byKey.get(k);
    if (!e) view.byKey.set(k, (e = { objects: [], values: [] }));
    // After every entry of objects before it (an object may have several under one key).
    let at = e.objects.length;
    while (at > 0 && before(o, e.objects[at - 1])) at--;
    e.objects.splice(at, 0, o);
    e.values.splice(at, 0, v);
    keys.push(k);
  }
  view.keysOf.set(o, keys);
  return keys;
}

function removeKeyed(view: KeyedView, o: K8sObject): string[] {
  const keys = view.keysOf.get(o);
  if (!keys) return [];
  view.keysOf.delete(o);
  for (const k of new Set(keys)) {
    const e = view.byKey.get(k);
    if (!e) continue;
    for (let i = e.objects.length - 1; i >= 0; i--) {
      if (e.objects[i] !== o) continue;
      e.objects.splice(i, 1);
      e.values.splice(i, 1);
    }
    if (e.objects.length === 0) view.byKey.delete(k);
  }
  return keys;
}

interface LookupView {
  kinds: readonly string[];
  build: (objectsOfKind: (gk: string) => readonly K8sObject[]) => ReadonlyMap<string, unknown>;
  /** Kind generations the entries were built from ('' before the first build). */
  stamp: string;
  /** The index version the stamp was last checked at. */
  version: number;
  entries: ReadonlyMap<string, unknown>;
}

const lookupDep = (name: string, key: string) => `lookup:${name}:${key}`;

/** Every parse makes new K8sObjects, so an object's instance stands for its version in a fingerprint. */
const instanceIds = new WeakMap<object, number>();
let nextInstanceId = 0;
/** Entries are not changed after their build, so a record kept from one build to the next keeps its print. */
const prints = new WeakMap<object, string>();

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;
const isK8sObject = (v: object) => 'doc' in v && 'uri' in v && 'body' in v;

function instanceId(v: object): string {
  let id = instanceIds.get(v);
  if (id === undefined) instanceIds.set(v, (id = nextInstanceId++));
  return `@${id}`;
}

/**
 * Entries are mostly lists rebuilt around the same records and objects (kept per object): the
 * same items in the same order need no print.
 */
function sameItems(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (!isObject(value)) return JSON.stringify(value) ?? 'null';
  let p = prints.get(value);
  if (p === undefined) {
    p = isK8sObject(value) ? instanceId(value) : JSON.stringify(value, (_k, v: unknown) => (isObject(v) && !Array.isArray(v) && isK8sObject(v) ? instanceId(v) : v));
    prints.set(value, p);
  }
  return p;
}

const NO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

interface StoredFinding {
  /** Everything but positions; `range`, `related` and `fixes` are filled by `place`. */
  finding: Finding;
  object: K8sObject;
  path: FieldPath;
  target?: 'key' | 'value';
  related: Array<{ object: K8sObject; path: FieldPath; target?: 'key' | 'value'; message: string }>;
  /** Edit offsets relative to the start of `anchor`'s document, or to the file when none. */
  fixes: Array<{ title: string; preferred: boolean; edits: Array<{ uri: string; anchor: K8sObject | undefined; start: number; end: number; newText: string }> }>;
  /** The finding as last placed, and where its objects were then (`positionStamp`). */
  placed?: { stamp: string; finding: Finding };
}
