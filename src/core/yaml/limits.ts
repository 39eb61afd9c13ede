/** Bounds that keep one hostile or accidental file from stalling the editor or the CLI. */
export interface InputLimits {
  /** Files larger than this are not parsed: parsing costs about 0.5 s per MB on a slow machine. */
  maxFileBytes: number;
  /** Deeper nesting is reported and the document is not analysed (our walkers recurse). */
  maxDepth: number;
  /** Alias expansions allowed when a document is turned into plain values ("billion laughs"). */
  maxAliasCount: number;
}

export const DEFAULT_LIMITS: InputLimits = {
  maxFileBytes: 2 * 1024 * 1024,
  maxDepth: 200,
  maxAliasCount: 100,
};
