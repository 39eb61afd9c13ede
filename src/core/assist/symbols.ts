import type { K8sObject } from '../k8s/object';
import type { WorkspaceIndex } from '../workspace/index';
import type { ParsedFile } from '../yaml/parse';
import type { DocumentSymbol, WorkspaceSymbol } from './index';

export function documentSymbols(_file: ParsedFile, _objects: readonly K8sObject[]): DocumentSymbol[] {
  return [];
}

export function workspaceSymbols(_index: WorkspaceIndex, _query: string): WorkspaceSymbol[] {
  return [];
}
