/**
 * The workspace as the analyzers' helpers read it (`WorkspaceView`), over a bare index: assist
 * requests run outside an analysis, so there is no rule whose dependencies to record, only the
 * derived views to keep while their kinds stand still.
 */
import type { WorkspaceView } from '../analysis/types';
import type { K8sObject } from '../k8s/object';
import { sortedObjects } from '../workspace/index';
import type { WorkspaceIndex } from '../workspace/index';

type Build<T> = (objectsOfKind: (groupKind: string) => readonly K8sObject[]) => T;

const views = new WeakMap<WorkspaceIndex, WorkspaceView>();

export function assistView(index: WorkspaceIndex): WorkspaceView {
  let view = views.get(index);
  if (view) return view;
  const cache = new Map<string, { stamp: string; value: unknown }>();
  const get = <T>(name: string, kinds: readonly string[], build: Build<T>): T => {
    const stamp = kinds.map((k) => `${k}@${index.generation(k)}`).join(',');
    const hit = cache.get(name);
    if (hit && hit.stamp === stamp) return hit.value as T;
    const value = build((gk) => index.objectsOfKind(gk));
    cache.set(name, { stamp, value });
    return value;
  };
  view = {
    objectsWithKey: (key) => index.objectsWithKey(key),
    objectsOfKind: (gk) => index.objectsOfKind(gk),
    renderUnitOf: (uri) => index.renderUnitOf(uri),
    derived: (name, kinds, build) => get(`derived:${name}`, kinds, build),
    lookup: <T>(name: string, kinds: readonly string[], build: Build<ReadonlyMap<string, T>>, key: string) => get(`lookup:${name}`, kinds, build).get(key),
    keyed: <T>(name: string, kinds: readonly string[], entriesOf: (o: K8sObject) => ReadonlyArray<readonly [string, T]>, key: string): readonly T[] =>
      get(`keyed:${name}`, kinds, (of) => {
        const out = new Map<string, T[]>();
        for (const o of sortedObjects(kinds, of)) {
          for (const [k, v] of entriesOf(o)) {
            const list = out.get(k);
            if (list) list.push(v);
            else out.set(k, [v]);
          }
        }
        return out;
      }).get(key) ?? [],
  };
  views.set(index, view);
  return view;
}
