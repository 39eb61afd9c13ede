/**
 * One node of the field catalog. Children are node ids into `Catalog.nodes`, so that identical
 * subtrees (the same struct in several API versions) are stored once.
 */
export interface SchemaNode {
  t: 'object' | 'array' | 'map' | 'string' | 'number' | 'boolean' | 'intOrString' | 'any';
  /** Description from the CRD or OpenAPI definition. */
  d?: string;
  /** Fields of an object. */
  p?: Record<string, number>;
  /** Required fields of an object. */
  r?: string[];
  /** Allowed values. */
  e?: Array<string | number>;
  /** Item type of an array, value type of a map. */
  i?: number;
  /** Set when the description marks the field deprecated: that sentence (and the replacement). */
  dep?: string;
  /** The description's sentence about the default value, when it states one ("Defaults to 600s."). */
  def?: string;
  /** The object also accepts fields it does not list (preserve-unknown-fields, free-form maps). */
  open?: boolean;
}

export interface Catalog {
  /** Hash of the inputs; the generator skips work when it matches. */
  stamp: string;
  /** The npm packages (and versions) the catalog was derived from. */
  sources: Record<string, string>;
  /** `group/version/Kind` keys known to MeshLens for which no package has a model. */
  missing: string[];
  /** `group/version/Kind` -> root node id. */
  kinds: Record<string, number>;
  nodes: SchemaNode[];
}

/** An upstream compiled JSON-schema validator (Ajv standalone code): errors land on the function. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }> | null;
}
