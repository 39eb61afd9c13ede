/**
 * The mesh config, when the workspace has it: the `mesh` key of the `istio` ConfigMap (or a
 * revision's `istio-<rev>`) in the root namespace. Istio's own defaults apply to whatever it does
 * not set; rules that depend on it say so when it is absent instead of assuming the defaults.
 */
import { parse } from 'yaml';
import type { WorkspaceView } from '../analysis/types';
import { isRecord, K8sObject } from '../k8s/object';

export const CONFIG_MAP = '/ConfigMap';

export interface MeshConfig {
  /** The mesh config as plain values. */
  value: Record<string, unknown>;
  /** `ConfigMap istio-system/istio`. */
  ref: string;
}

/**
 * A keyed lookup (one entry, `mesh`): editing an application's ConfigMap leaves the entry, and so
 * its readers, alone.
 */
export function meshConfig(ws: WorkspaceView): MeshConfig | undefined {
  return ws.lookup<MeshConfig>('istio.meshConfig', [CONFIG_MAP], buildMeshConfig, 'mesh');
}

function buildMeshConfig(of: (gk: string) => readonly K8sObject[]): ReadonlyMap<string, MeshConfig> {
  for (const cm of of(CONFIG_MAP)) {
    if (cm.namespace !== 'istio-system' || !cm.name || !(cm.name === 'istio' || cm.name.startsWith('istio-'))) continue;
    const data = isRecord(cm.body.data) ? cm.body.data : {};
    if (typeof data.mesh !== 'string') continue;
    try {
      const value: unknown = parse(data.mesh, { maxAliasCount: 100 });
      if (isRecord(value)) return new Map([['mesh', { value, ref: cm.ref }]]);
    } catch {
      // A mesh config that does not parse tells us nothing; the rules fall back to "unknown".
    }
  }
  return new Map();
}

/** The extension provider of that name and its type (`lightstep`, `zipkin`, ...), from the mesh config. */
export function extensionProvider(mesh: MeshConfig, name: string): string | undefined {
  const list = mesh.value.extensionProviders;
  if (!Array.isArray(list)) return undefined;
  for (const p of list) {
    if (!isRecord(p) || p.name !== name) continue;
    return Object.keys(p).find((k) => k !== 'name');
  }
  return undefined;
}
