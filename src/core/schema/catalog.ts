import catalogJson from './catalog.generated.json';
import type { Catalog, SchemaNode } from './types';

const catalog = catalogJson as unknown as Catalog;

export const CATALOG_SOURCES: Readonly<Record<string, string>> = catalog.sources;

export function schemaNode(id: number): SchemaNode {
  return catalog.nodes[id];
}

/** The root node of a kind's schema in one API version, when a model exists for it. */
export function schemaRoot(group: string, version: string, kind: string): SchemaNode | undefined {
  const id = catalog.kinds[`${group}/${version}/${kind}`];
  return id === undefined ? undefined : catalog.nodes[id];
}

export function catalogKinds(): string[] {
  return Object.keys(catalog.kinds);
}

export function catalogMissing(): readonly string[] {
  return catalog.missing;
}
