/**
 * Outline and workspace symbols. Offsets come from the parsed tree (locate.ts), so they point at
 * what is written even when a document holds flow-style collections.
 */
import { DESTINATION_RULE, VIRTUAL_SERVICE } from '../istio/mesh';
import type { K8sObject } from '../k8s/object';
import { list, rec, ROLLOUT, str } from '../rollouts/model';
import type { WorkspaceIndex } from '../workspace/index';
import { locatePath } from '../yaml/locate';
import type { ParsedFile } from '../yaml/parse';
import type { FieldPath } from '../yaml/path';
import type { DocumentSymbol, WorkspaceSymbol } from './index';
import { documentRange, locate } from './locations';

/** Where a path is written, without the line break a block collection's range ends with. */
function span(text: string, o: K8sObject, path: FieldPath): { start: number; end: number } {
  const { start, end: written } = locatePath(o.doc.node, path, 'value');
  let end = written;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

/** An entry of a list: named by its `name` when it has one, else by its place. */
function entries(text: string, o: K8sObject, path: FieldPath, kind: 'route' | 'subset', unnamed: (i: number) => string, detail?: string): DocumentSymbol[] {
  let node: unknown = o.body;
  for (const seg of path) node = rec(node)?.[seg as string];
  return list(node).map((item, i) => {
    const name = str(rec(item)?.name);
    const range = span(text, o, [...path, i]);
    return { name: name ?? unnamed(i), kind, detail, range, selectionRange: name ? span(text, o, [...path, i, 'name']) : range, children: [] };
  });
}

/** `setWeight 20`, `pause 10m`, `pause`, `analysis`: the step's action and its main value. */
function stepName(step: unknown, i: number): string {
  const r = rec(step) ?? {};
  const action = Object.keys(r)[0];
  if (!action) return `step ${i + 1}`;
  const v = r[action];
  const arg = action === 'setWeight' ? String(v) : action === 'pause' ? (rec(v)?.duration !== undefined ? String(rec(v)?.duration) : undefined) : undefined;
  return `step ${i + 1}: ${action}${arg !== undefined ? ` ${arg}` : ''}`;
}

function childrenOf(text: string, o: K8sObject): DocumentSymbol[] {
  const gk = `${o.group}/${o.kind}`;
  if (gk === VIRTUAL_SERVICE) {
    return (['http', 'tcp', 'tls'] as const).flatMap((p) => entries(text, o, ['spec', p], 'route', (i) => `${p}[${i}]`, p));
  }
  if (gk === DESTINATION_RULE) return entries(text, o, ['spec', 'subsets'], 'subset', (i) => `subsets[${i}]`);
  if (gk === ROLLOUT) {
    const path: FieldPath = ['spec', 'strategy', 'canary', 'steps'];
    return list(rec(rec(rec(o.body.spec)?.strategy)?.canary)?.steps).map((step, i) => {
      const range = span(text, o, [...path, i]);
      return { name: stepName(step, i), kind: 'step' as const, detail: String(i), range, selectionRange: range, children: [] };
    });
  }
  return [];
}

/** One entry per document that holds an object: `Kind name`, with routes, subsets or steps under it. */
export function documentSymbols(file: ParsedFile, objects: readonly K8sObject[]): DocumentSymbol[] {
  const byDoc = new Map(objects.map((o) => [o.doc.index, o]));
  return file.documents.flatMap((doc) => {
    const o = byDoc.get(doc.index);
    if (!o) return [];
    const range = documentRange(file.text, doc);
    const name = o.name ? span(file.text, o, ['metadata', 'name']) : span(file.text, o, ['kind']);
    return [{ name: `${o.kind} ${o.name ?? '<unnamed>'}`, kind: 'object' as const, detail: o.namespace || undefined, range, selectionRange: name, children: childrenOf(file.text, o) }];
  });
}

/** Whether the query's characters appear in the text in order, ignoring case. */
function subsequence(query: string, text: string): boolean {
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  let j = 0;
  for (let i = 0; i < t.length && j < q.length; i++) if (t[i] === q[j]) j++;
  return j === q.length;
}

/** `Kind ns/name` for every named object of the index whose name the query matches. */
export function workspaceSymbols(index: WorkspaceIndex, query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  const q = query.replace(/\s+/g, '');
  for (const uri of [...index.uris()].sort()) {
    for (const o of index.get(uri)?.objects ?? []) {
      if (!o.name || !subsequence(q, o.ref.replace(/\s+/g, ''))) continue;
      out.push({ name: o.ref, groupKind: `${o.group}/${o.kind}`, location: locate(index, o, ['metadata', 'name']) });
    }
  }
  return out;
}
