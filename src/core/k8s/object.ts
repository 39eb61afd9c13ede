import { ParsedDocument } from '../yaml/parse';
import { KindInfo, lookupKind, splitApiVersion } from './kinds';

/** One Kubernetes-style object (a YAML document with apiVersion and kind) in one file. */
export interface K8sObject {
  /** Stable while the file is unchanged: `${uri}#${documentIndex}`. */
  readonly id: string;
  readonly uri: string;
  readonly doc: ParsedDocument;
  readonly apiVersion: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly info: KindInfo | undefined;
  readonly name: string | undefined;
  /** `default` when absent on a namespaced kind; empty for cluster-scoped kinds. */
  readonly namespace: string;
  /** Human form used in messages and tests: `Gateway default/bookinfo-gateway`, `Namespace bookinfo`. */
  readonly ref: string;
  /** Identity in the workspace: group, kind, namespace and name. Undefined without a name. */
  readonly key: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The document as plain values; rules read it, positions come from `doc`. */
  readonly body: Record<string, unknown>;
}

export function formatRef(kind: string, namespace: string, name: string | undefined): string {
  const n = name ?? '<unnamed>';
  return namespace ? `${kind} ${namespace}/${n}` : `${kind} ${n}`;
}

export function objectKey(group: string, kind: string, namespace: string, name: string): string {
  return `${group}/${kind}/${namespace}/${name}`;
}

/** Null when the document is not an object with string apiVersion and kind. */
export function toK8sObject(uri: string, doc: ParsedDocument): K8sObject | null {
  const body = doc.value;
  if (!isRecord(body)) return null;
  const { apiVersion, kind } = body;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) return null;
  const { group, version } = splitApiVersion(apiVersion);
  const info = lookupKind(group, kind);
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const name = typeof metadata.name === 'string' && metadata.name ? metadata.name : undefined;
  const namespaced = info ? info.namespaced : true;
  const ns = typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : 'default';
  const namespace = namespaced ? ns : '';
  return {
    id: `${uri}#${doc.index}`,
    uri,
    doc,
    apiVersion,
    group,
    version,
    kind,
    info,
    name,
    namespace,
    ref: formatRef(kind, namespace, name),
    key: name ? objectKey(group, kind, namespace, name) : undefined,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    body,
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = String(val);
  return out;
}
