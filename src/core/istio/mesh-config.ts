/**
 * The MeshConfig settings the security analyzers depend on, read from the `istio` ConfigMap
 * (`data.mesh`, as istiod reads it) when the workspace has one; Istio's defaults otherwise.
 */
import { parse } from 'yaml';
import type { WorkspaceView } from '../analysis/types';
import { isRecord, K8sObject } from '../k8s/object';

export const CONFIG_MAP = '/ConfigMap';

export interface MeshSettings {
  /** Policies without a selector in this namespace apply to the whole mesh. */
  rootNamespace: string;
  /** Clients pick mTLS on their own for destinations with a sidecar (`enableAutoMtls`, on by default). */
  enableAutoMtls: boolean;
}

export const MESH_DEFAULTS: MeshSettings = { rootNamespace: 'istio-system', enableAutoMtls: true };

function build(of: (gk: string) => readonly K8sObject[]): MeshSettings {
  // istiod reads `istio` (or `istio-<revision>`) in its own namespace; the plain name wins.
  const maps = of(CONFIG_MAP).filter((c) => c.name === 'istio' || c.name?.startsWith('istio-'));
  const chosen = maps.find((c) => c.name === 'istio') ?? maps.find((c) => isRecord(c.body.data) && typeof c.body.data.mesh === 'string');
  if (!chosen || !isRecord(chosen.body.data) || typeof chosen.body.data.mesh !== 'string') return MESH_DEFAULTS;
  let mesh: unknown;
  try {
    mesh = parse(chosen.body.data.mesh);
  } catch {
    return MESH_DEFAULTS;
  }
  if (!isRecord(mesh)) return MESH_DEFAULTS;
  return {
    rootNamespace: typeof mesh.rootNamespace === 'string' && mesh.rootNamespace ? mesh.rootNamespace : chosen.namespace || MESH_DEFAULTS.rootNamespace,
    enableAutoMtls: mesh.enableAutoMtls !== false,
  };
}

/**
 * Rules that call it list `/ConfigMap` in `meta.kinds` (and skip ConfigMaps in `check`). A keyed
 * lookup of plain values: editing an application's ConfigMap leaves the entry, and so its readers, alone.
 */
export function meshSettings(ws: WorkspaceView): MeshSettings {
  const entry = ws.lookup('istio.meshSettings', [CONFIG_MAP], (of) => {
    const { rootNamespace, enableAutoMtls } = build(of);
    return new Map([['settings', { rootNamespace, enableAutoMtls }]]);
  }, 'settings');
  return entry ?? MESH_DEFAULTS;
}
