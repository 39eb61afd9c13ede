/**
 * Go to definition, find references and reference counts. All three read the reference table of
 * references.ts: definition resolves the value at the cursor; references and counts resolve every
 * reference written in the workspace and keep those that land on the declaration.
 */
import type { ManifestEngine } from '../analysis/engine';
import type { WorkspaceView } from '../analysis/types';
import { DESTINATION_RULE, SERVICE, VIRTUAL_SERVICE } from '../istio/mesh';
import type { K8sObject } from '../k8s/object';
import { ROLLOUT } from '../rollouts/model';
import type { WorkspaceIndex } from '../workspace/index';
import { formatPath, FieldPath } from '../yaml/path';
import { CursorContext, resolveCursor } from './context';
import type { Location, ReferenceCount, ReferencesOptions } from './index';
import { documentRange, locate, targetLocation } from './locations';
import { referencesIn, ReferenceSite, resolveAtCursor, Target } from './references';
import { assistView } from './view';

export { locate, targetLocation };

export function indexOf(source: ManifestEngine | WorkspaceIndex): WorkspaceIndex {
  return 'index' in source ? source.index : source;
}

export interface Cursor {
  index: WorkspaceIndex;
  ws: WorkspaceView;
  ctx: CursorContext;
}

export function cursorAt(source: ManifestEngine | WorkspaceIndex, uri: string, offset: number): Cursor | undefined {
  const index = indexOf(source);
  const entry = index.get(uri);
  if (!entry?.file) return undefined;
  const ctx = resolveCursor(entry.file, offset, entry.objects);
  return ctx ? { index, ws: assistView(index), ctx } : undefined;
}


const targetKey = (object: K8sObject, path: FieldPath) => `${object.id}|${formatPath(path)}`;

/** Target kinds that name a whole object (as opposed to a subset, route, port or argument of it). */
const OBJECT_KINDS: ReadonlySet<Target['kind']> = new Set(['service', 'serviceEntry', 'gateway', 'virtualService', 'destinationRule', 'template', 'workload']);

export function definition(source: ManifestEngine | WorkspaceIndex, uri: string, offset: number): Location[] {
  const c = cursorAt(source, uri, offset);
  if (!c) return [];
  return resolveAtCursor(c.ctx, c.ws)?.targets.map((t) => targetLocation(c.index, t)) ?? [];
}

/** Every reference written in the workspace, resolved; recomputed when the index changes. */
const siteCache = new WeakMap<WorkspaceIndex, { version: number; sites: ReferenceSite[] }>();

export function workspaceSites(index: WorkspaceIndex): ReferenceSite[] {
  const hit = siteCache.get(index);
  if (hit && hit.version === index.version) return hit.sites;
  const ws = assistView(index);
  const sites: ReferenceSite[] = [];
  for (const uri of [...index.uris()].sort()) for (const o of index.get(uri)?.objects ?? []) sites.push(...referencesIn(o, ws));
  siteCache.set(index, { version: index.version, sites });
  return sites;
}

/**
 * What the cursor declares: an object by its `metadata.name`, a DestinationRule subset, a route,
 * a Service or ServiceEntry port, a ServiceEntry host, an AnalysisTemplate argument. Returned as a
 * test on targets; undefined when the cursor is on none of them.
 */
function declarationAt(index: WorkspaceIndex, ctx: CursorContext): { matches: (t: Target) => boolean; location: Location } | undefined {
  const o = ctx.object;
  if (!o || ctx.target !== 'value') return undefined;
  const p = ctx.path;
  if (p.length === 2 && p[0] === 'metadata' && p[1] === 'name') {
    return { matches: (t) => t.object.id === o.id && OBJECT_KINDS.has(t.kind), location: locate(index, o, p) };
  }
  const entry = (kind: string, field: string, targetKind?: Target['kind']) => {
    if (p.length < 4 || p[0] !== 'spec' || p[1] !== kind || typeof p[2] !== 'number' || p[3] !== field) return undefined;
    const key = targetKey(o, p.slice(0, 3));
    return { matches: (t: Target) => (!targetKind || t.kind === targetKind) && targetKey(t.object, t.path) === key, location: locate(index, o, p.slice(0, 3)) };
  };
  const k = `${o.group}/${o.kind}`;
  if (k === DESTINATION_RULE) return entry('subsets', 'name');
  if (k === VIRTUAL_SERVICE) return entry('http', 'name');
  if (k === 'argoproj.io/AnalysisTemplate' || k === 'argoproj.io/ClusterAnalysisTemplate') return entry('args', 'name');
  if (k === SERVICE) return entry('ports', 'port') ?? entry('ports', 'name');
  if (k === 'networking.istio.io/ServiceEntry') {
    if (p.length === 3 && p[0] === 'spec' && p[1] === 'hosts') {
      const key = targetKey(o, p);
      return { matches: (t) => targetKey(t.object, t.path) === key, location: locate(index, o, p) };
    }
    return entry('ports', 'number') ?? entry('ports', 'name');
  }
  return undefined;
}

/** Where a reference is written; a workload reference is its whole selector, not one label of it. */
function siteLocation(index: WorkspaceIndex, s: ReferenceSite, t: Target): Location {
  return locate(index, s.object, t.kind === 'workload' ? s.path.slice(0, -1) : s.path);
}

function uniqueLocations(locations: Location[]): Location[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const key = `${l.uri}|${l.start}|${l.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The references to what the cursor declares, or, on a reference, to what it names. In workspace
 * order (files by URI, then document order).
 */
export function references(source: ManifestEngine | WorkspaceIndex, uri: string, offset: number, options: ReferencesOptions = {}): Location[] {
  const c = cursorAt(source, uri, offset);
  if (!c) return [];
  let matches: (t: Target) => boolean;
  let declarations: Location[];
  const decl = declarationAt(c.index, c.ctx);
  if (decl) {
    matches = decl.matches;
    declarations = [decl.location];
  } else {
    const targets = resolveAtCursor(c.ctx, c.ws)?.targets ?? [];
    if (!targets.length) return [];
    const keys = new Set(targets.map((t) => targetKey(t.object, t.path)));
    matches = (t) => keys.has(targetKey(t.object, t.path));
    declarations = targets.map((t) => targetLocation(c.index, t));
  }
  const found: Location[] = [];
  for (const s of workspaceSites(c.index)) {
    const t = s.targets.find(matches);
    if (t) found.push(siteLocation(c.index, s, t));
  }
  return uniqueLocations(options.includeDeclaration ? [...declarations, ...found] : found);
}

const COUNTED: ReadonlySet<string> = new Set([VIRTUAL_SERVICE, DESTINATION_RULE, SERVICE, ROLLOUT]);

/**
 * "Referenced by N" for the VirtualServices, DestinationRules, Services and Rollouts of a file:
 * references from other objects to the object or to a subset, route or port of it. A selector
 * counts once however many labels it has.
 */
export function referenceCounts(index: WorkspaceIndex, uri: string): ReferenceCount[] {
  const objects = (index.get(uri)?.objects ?? []).filter((o) => COUNTED.has(`${o.group}/${o.kind}`) && o.name);
  if (!objects.length) return [];
  const counted = new Map<string, Location[]>(objects.map((o) => [o.id, []]));
  for (const s of workspaceSites(index)) {
    for (const t of s.targets) {
      const found = counted.get(t.object.id);
      if (found && s.object.id !== t.object.id) found.push(siteLocation(index, s, t));
    }
  }
  const text = index.get(uri)?.file?.text ?? '';
  return objects.map((o) => {
    const name = locate(index, o, ['metadata', 'name']);
    const found = uniqueLocations(counted.get(o.id)!);
    return { object: o.ref, range: documentRange(text, o.doc), nameRange: { start: name.start, end: name.end }, count: found.length, references: found };
  });
}
