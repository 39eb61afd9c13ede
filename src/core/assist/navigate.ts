import type { WorkspaceIndex } from '../workspace/index';
import type { AssistSource, Location, ReferenceCount, ReferencesOptions } from './index';

export function definition(_source: AssistSource, _uri: string, _offset: number): Location[] {
  return [];
}

export function references(_source: AssistSource, _uri: string, _offset: number, _options: ReferencesOptions = {}): Location[] {
  return [];
}

export function referenceCounts(_index: WorkspaceIndex, _uri: string): ReferenceCount[] {
  return [];
}
