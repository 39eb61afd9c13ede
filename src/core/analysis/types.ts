import { K8sObject } from '../k8s/object';
import { InputProblem } from '../yaml/decode';
import { ParsedFile } from '../yaml/parse';
import { FieldPath } from '../yaml/path';
import { LineIndex, Range } from '../yaml/positions';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export interface TextEdit {
  uri: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** True only when applying it cannot change what the manifest means (ESLint's fix vs suggest). */
  preferred: boolean;
}

export interface RelatedLocation {
  uri: string;
  range: Range;
  message: string;
}

export interface Finding {
  ruleId: string;
  code: string;
  severity: Severity;
  message: string;
  uri: string;
  range: Range;
  /** `Kind ns/name` of the object the finding is about, when it is about one. */
  object?: string;
  /** Field path inside that object, e.g. `spec.http[0].route[1].destination.subset`. */
  path?: string;
  related: RelatedLocation[];
  /** Machine-readable facts for quick fixes and tests; never parse `message`. */
  data: Record<string, string | number | boolean>;
  fixes: Fix[];
  /** Codes of the equivalent upstream checks for this finding (`IST0101`, `KIA1107`). */
  upstream: string[];
  /** A reference the workspace may simply not contain: its severity follows `references.unresolved`. */
  unresolved?: true;
}

/** `group/Kind` (core group empty: `/Service`), or `*` for every kind MeshLens knows. */
export type KindSelector = string;

export interface RuleMeta {
  /** Equals the rule's file name (slug). */
  id: string;
  /** `MLnnnn`, forever. */
  code: string;
  severity: Severity;
  /** `file` rules see parsed files; `object` rules see one object at a time and may query others. */
  scope: 'file' | 'object';
  /** Kinds the rule checks and reads through the workspace view (object rules). */
  kinds: readonly KindSelector[];
  title: string;
  description: string;
  remediation: string;
  /** Message templates by id; `{name}` placeholders are filled from the report's data. */
  messages: Readonly<Record<string, string>>;
  /** Equivalent checks elsewhere: `IST0101`, `KIA1107`, or an Argo message. */
  upstream: readonly string[];
  fixable: boolean;
  /** Short YAML snippets for the docs page and the rule's own tests. */
  examples: { invalid: string; valid: string };
}

export interface FixSpec {
  title: string;
  preferred: boolean;
  /** Offsets into the object's file, or into the file `uri` names (a fix that edits the other object). */
  edits: Array<{ start: number; end: number; newText: string; uri?: string }>;
}

export interface ObjectReport {
  messageId: string;
  /** Milder than the rule's default for this one report (never stronger): e.g. a guess, not a certainty. */
  severity?: Severity;
  /** Upstream codes of this report when the rule's meta names several (default: all codes in meta.upstream). */
  upstream?: string[];
  /**
   * The target is missing but the workspace has no object of its kind there either, so it is likely
   * defined elsewhere: the user's `references.unresolved` setting decides the severity.
   */
  unresolved?: boolean;
  data?: Record<string, string | number | boolean>;
  path?: FieldPath;
  target?: 'key' | 'value';
  related?: Array<{ object: K8sObject; path: FieldPath; message: string; target?: 'key' | 'value' }>;
  fixes?: FixSpec[];
}

/** Read access to the workspace; every query is recorded so the engine knows what to re-check. */
export interface WorkspaceView {
  /** Objects with this identity (group, kind, namespace, name), in every file. */
  objectsWithKey(key: string): readonly K8sObject[];
  /** Every object of a `group/Kind`. */
  objectsOfKind(groupKind: string): readonly K8sObject[];
  /** The kustomization root a file belongs to (`` for none): objects in different roots are rendered apart. */
  renderUnitOf(uri: string): string;
  /**
   * A value computed from every object of some kinds (a host registry, a workload index), built
   * once and shared by all rules and objects until an object of one of those kinds changes.
   * `name` identifies the computation; `build` may read only `kinds`.
   */
  derived<T>(name: string, kinds: readonly string[], build: (objectsOfKind: (groupKind: string) => readonly K8sObject[]) => T): T;
  /**
   * One entry of a keyed index computed from every object of some kinds (VirtualServices by host,
   * DestinationRules by host). Unlike `derived`, the caller depends on that entry only: an edit
   * re-checks the objects whose entries changed, not every reader of the kinds. Entries must be
   * plain data (arrays, records, K8sObjects), which is how the engine tells whether one changed, and
   * records in them must not be changed after the build (their print is kept with them).
   */
  lookup<T>(name: string, kinds: readonly string[], build: (objectsOfKind: (groupKind: string) => readonly K8sObject[]) => ReadonlyMap<string, T>, key: string): T | undefined;
  /**
   * The values under one key of an index made of each object's own entries: `entriesOf` reads that
   * object alone. The engine keeps the index object by object (an edit costs the edited objects,
   * not the kind), and the caller depends on its key only. Values are in workspace object order.
   */
  keyed<T>(name: string, kinds: readonly string[], entriesOf: (o: K8sObject) => ReadonlyArray<readonly [string, T]>, key: string): readonly T[];
}

export interface ObjectContext {
  readonly object: K8sObject;
  readonly workspace: WorkspaceView;
  /** Positions of the object's file, for fixes that must match its indentation. */
  readonly lines: LineIndex;
  /** Positions of another file of the workspace, for fixes that edit an object there. */
  linesOf(uri: string): LineIndex | undefined;
  report(r: ObjectReport): void;
}

export interface FileContext {
  readonly uri: string;
  /** Undefined when the input was not parsed (binary, too large). */
  readonly file: ParsedFile | undefined;
  readonly input: InputProblem | undefined;
  /** The first 64 KiB looked like a manifest; used where the file itself was not parsed. */
  readonly looksLikeManifest: boolean;
  report(r: { messageId: string; data?: Record<string, string | number | boolean>; start: number; end: number }): void;
}

export interface ObjectRule {
  meta: RuleMeta & { scope: 'object' };
  check(ctx: ObjectContext): void;
}

export interface FileRule {
  meta: RuleMeta & { scope: 'file' };
  check(ctx: FileContext): void;
}

export type Rule = ObjectRule | FileRule;

/** The `IST0101` / `KIA1107` codes at the start of a rule's `meta.upstream` entries. */
export function upstreamCodes(upstream: readonly string[]): string[] {
  return upstream.flatMap((u) => /^(?:IST|KIA)\d{4}\b/.exec(u)?.[0] ?? []);
}

export function groupKindOf(o: Pick<K8sObject, 'group' | 'kind'>): string {
  return `${o.group}/${o.kind}`;
}

export function fillTemplate(template: string, data: Record<string, string | number | boolean> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}
