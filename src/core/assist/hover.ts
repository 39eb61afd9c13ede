import type { AssistSource, Hover } from './index';

export function hover(_source: AssistSource, _uri: string, _offset: number): Hover | undefined {
  return undefined;
}
