/**
 * The assist API for editors: completion, hover, go-to-definition, find references, symbols and
 * reference counts. Plain data in and out (offsets into the file's text); the editor layer maps
 * them to its own types.
 */
import type { ManifestEngine } from '../analysis/engine';
import type { K8sObject } from '../k8s/object';
import type { WorkspaceIndex } from '../workspace/index';
import type { ParsedFile } from '../yaml/parse';
import type { Span } from './context';

export type { CompletionItem } from './types';
export type { Span } from './context';
export { complete } from './complete';

/** Where the assist reads the workspace from: the engine the extension keeps, or a bare index. */
export type AssistSource = ManifestEngine | WorkspaceIndex;

/** A place in a workspace file: offsets into its text. */
export interface Location {
  uri: string;
  start: number;
  end: number;
}

export interface Hover {
  /** Markdown. */
  contents: string;
  /** The token the hover is about (offsets in the hovered file). */
  range: Span;
  /** What a reference resolves to, for a link; empty for a field or an unresolved reference. */
  targets: Location[];
}

export type SymbolKind = 'object' | 'route' | 'subset' | 'step';

export interface DocumentSymbol {
  /** `Kind name` for an object; the route's or subset's name (or `http[0]`), `step 1: setWeight 20`. */
  name: string;
  kind: SymbolKind;
  /** For an object: its namespace; for a route: its protocol; for a step: its index. */
  detail?: string;
  /** The whole document or entry. */
  range: Span;
  /** The name (or the entry's first key when it has no name). */
  selectionRange: Span;
  children: DocumentSymbol[];
}

export interface WorkspaceSymbol {
  /** `Kind ns/name` (`Kind name` for cluster-scoped kinds). */
  name: string;
  /** `group/Kind`. */
  groupKind: string;
  location: Location;
}

export interface ReferenceCount {
  /** `Kind ns/name` of the counted object. */
  object: string;
  /** The object's document. */
  range: Span;
  /** Its `metadata.name` value (where the editor puts the lens). */
  nameRange: Span;
  /** References to it (or to its subsets, routes and ports) from other objects. */
  count: number;
  /** Where those references are (`count` of them): what the lens opens, so list and number agree. */
  references: Location[];
}

export interface ReferencesOptions {
  /** Also return the declaration itself (the name the references resolve to). */
  includeDeclaration?: boolean;
}

export { hover, rolloutEstimates } from './hover';
export { definition, references, referenceCounts } from './navigate';
export { documentSymbols, workspaceSymbols } from './symbols';

/** The core types the signatures take, so the editor layer can import everything from here. */
export type { ParsedFile, K8sObject };
