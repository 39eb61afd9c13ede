// yaml-language-server set up as its VS Code users (the Red Hat YAML extension) have it for
// multi-kind Kubernetes files, offline: JSON Schemas built from the corpus CRDs the way the CRD
// catalog builds them, served at the catalog's and the Kubernetes schema's URLs. Shared by
// bench/lint.ts (the peer) and the test that MeshLens's completion adds to the extension's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type * as YlsService from 'yaml-language-server/lib/umd/languageservice/yamlLanguageService';
import type * as YlsSettings from 'yaml-language-server/lib/umd/yamlSettings';

export const K8S_SCHEMA_URL = 'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.34.1-standalone-strict/all.json';
export const CRD_CATALOG_URL = 'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** kubeconform's openapi2jsonschema: strict objects below the root, int-or-string as oneOf. */
function toJsonSchema(node: Json, root: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, false));
  if (!isObject(node)) return node;
  if (node.format === 'int-or-string') return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && isObject(v)) {
      const props: JsonObject = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = toJsonSchema(pv, false);
      out[k] = props;
    } else out[k] = toJsonSchema(v, false);
  }
  if (!root && isObject(out.properties) && !('additionalProperties' in out) && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** The corpus CRD files (Istio's crd-all.gen.yaml and Argo Rollouts'), or undefined without the corpus. */
export const corpusCrds = (corpus: string): string[] | undefined => {
  const istio = path.join(corpus, 'istio', 'crds', 'crd-all.gen.yaml');
  const rolloutsDir = path.join(corpus, 'rollouts', 'crds');
  if (!fs.existsSync(istio) || !fs.existsSync(rolloutsDir)) return undefined;
  return [istio, ...fs.readdirSync(rolloutsDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(rolloutsDir, f))];
};

/** URL (without fragment) -> JSON text. */
export function buildPeerSchemas(sources: string[]): { byUrl: Map<string, string>; crd: number } {
  const byUrl = new Map<string, string>();
  let crd = 0;
  for (const file of sources) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const def = doc.toJS({ maxAliasCount: -1 }) as JsonObject | null;
      if (!def || def.kind !== 'CustomResourceDefinition' || !isObject(def.spec)) continue;
      const group = String(def.spec.group);
      const kind = String(isObject(def.spec.names) ? def.spec.names.kind : '');
      for (const v of Array.isArray(def.spec.versions) ? def.spec.versions : []) {
        if (!isObject(v) || v.served !== true || !isObject(v.schema) || !isObject(v.schema.openAPIV3Schema)) continue;
        const version = String(v.name);
        const schema = toJsonSchema(v.schema.openAPIV3Schema, true) as JsonObject;
        const props = isObject(schema.properties) ? schema.properties : (schema.properties = {});
        props.apiVersion = { type: 'string', enum: [`${group}/${version}`] };
        props.kind = { type: 'string', enum: [kind] };
        if (!isObject(props.metadata) || !props.metadata.type) props.metadata = { type: 'object' };
        byUrl.set(`${CRD_CATALOG_URL}/${group.toLowerCase()}/${kind.toLowerCase()}_${version.toLowerCase()}.json`, JSON.stringify(schema));
        crd++;
      }
    }
  }
  // The built-in kinds: a minimal Kubernetes schema (identity and metadata; spec is any mapping).
  const builtin = (apiVersion: string, kind: string): JsonObject => ({
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata'],
    properties: {
      apiVersion: { type: 'string', enum: [apiVersion] },
      kind: { type: 'string', enum: [kind] },
      metadata: {
        type: 'object',
        properties: { name: { type: 'string' }, namespace: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
      },
      spec: { type: 'object' },
    },
  });
  const defs = { 'io.k8s.api.apps.v1.Deployment': builtin('apps/v1', 'Deployment'), 'io.k8s.api.core.v1.Service': builtin('v1', 'Service') };
  const base = K8S_SCHEMA_URL.slice(0, K8S_SCHEMA_URL.lastIndexOf('/') + 1);
  byUrl.set(K8S_SCHEMA_URL, JSON.stringify({ oneOf: Object.keys(defs).map((d) => ({ $ref: `_definitions.json#/definitions/${d}` })) }));
  byUrl.set(`${base}_definitions.json`, JSON.stringify({ definitions: defs }));
  byUrl.set('_definitions.json', JSON.stringify({ definitions: defs }));
  return { byUrl, crd };
}

/**
 * A language service with `yaml.schemas: {kubernetes: "*.yaml"}` and the Kubernetes CRD store on
 * (the extension's defaults for these files); `schema` answers its schema requests (undefined: the
 * bench has no such schema, an error as offline).
 */
export function newYamlService(
  modules: { service: typeof YlsService; settings: typeof YlsSettings },
  schema: (uri: string) => string | undefined,
  features: { completion?: boolean } = {},
): YlsService.LanguageService {
  const yamlSettings = new modules.settings.SettingsState();
  yamlSettings.kubernetesCRDStoreEnabled = true;
  const s = modules.service.getLanguageService({
    schemaRequestService: async (uri: string) => {
      const text = schema(uri);
      if (text === undefined) throw new Error(`no schema for ${uri} (offline)`);
      return text;
    },
    workspaceContext: { resolveRelativePath: (relativePath: string, resource: string) => new URL(relativePath, resource).toString() },
    yamlSettings,
  });
  s.configure({
    validate: true,
    hover: false,
    completion: features.completion ?? false,
    format: false,
    isKubernetes: true,
    customTags: [],
    yamlVersion: '1.2',
    schemas: [{ uri: K8S_SCHEMA_URL, fileMatch: ['*.yaml', '*.yml'], priority: modules.service.SchemaPriority.Settings }],
  });
  return s;
}
