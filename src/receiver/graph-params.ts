// The params of the viewer methods `graph` and `graphTraces`, checked at the door as the bridge
// checks the others (src/receiver/viewer-bridge.ts): strict, so a typo is an error rather than a
// default, and the graph only ever sees well-formed params.
import { GRAPH_WINDOWS, type GraphQueryDto, type GraphTracesQueryDto, type GraphWindow } from '../shared/graph';
import { MAX_GRAPH_TRACES_LIMIT } from '../core/graph';

/** Bad params; the message says what to change. */
export class GraphParamsError extends Error {
  override readonly name = 'GraphParamsError';
}

/** Node and edge ids are built from service and host names: longer than this is not one. */
const MAX_ID_LENGTH = 2048;

export function parseGraphParams(method: 'graph', params: unknown): GraphQueryDto;
export function parseGraphParams(method: 'graphTraces', params: unknown): GraphTracesQueryDto;
export function parseGraphParams(method: 'graph' | 'graphTraces', params: unknown): GraphQueryDto | GraphTracesQueryDto;
export function parseGraphParams(method: 'graph' | 'graphTraces', params: unknown): GraphQueryDto | GraphTracesQueryDto {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new GraphParamsError('params must be an object');
  const p = params as Record<string, unknown>;
  if (method === 'graph') {
    onlyKeys(p, ['window', 'versioned']);
    const versioned = own(p, 'versioned');
    if (versioned !== undefined && typeof versioned !== 'boolean') throw new GraphParamsError(`versioned must be true or false, got ${short(versioned)}`);
    return { window: windowOf(p), ...(versioned !== undefined && { versioned }) };
  }
  if (method !== 'graphTraces') throw new GraphParamsError(`unknown method ${short(method)}`);
  onlyKeys(p, ['window', 'nodeId', 'edgeId', 'limit']);
  const window = windowOf(p);
  const nodeId = own(p, 'nodeId');
  const edgeId = own(p, 'edgeId');
  if ((nodeId === undefined) === (edgeId === undefined)) throw new GraphParamsError('give exactly one of nodeId and edgeId');
  const idName = nodeId !== undefined ? 'nodeId' : 'edgeId';
  const id = nodeId ?? edgeId;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) throw new GraphParamsError(`${idName} must be a node or edge id from the graph (1 to ${MAX_ID_LENGTH} characters), got ${short(id)}`);
  const limit = own(p, 'limit');
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_GRAPH_TRACES_LIMIT)) {
    throw new GraphParamsError(`limit must be a whole number from 1 to ${MAX_GRAPH_TRACES_LIMIT}, got ${short(limit)}`);
  }
  return { window, [idName]: id, ...(limit !== undefined && { limit }) };
}

function windowOf(p: Record<string, unknown>): GraphWindow {
  const w = own(p, 'window');
  if (!GRAPH_WINDOWS.includes(w as GraphWindow)) throw new GraphParamsError(`window must be one of ${GRAPH_WINDOWS.join(', ')}, got ${short(w)}`);
  return w as GraphWindow;
}

function onlyKeys(p: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(p)) {
    if (!keys.includes(k)) throw new GraphParamsError(`unknown parameter ${short(k)}; known: ${keys.join(', ')}`);
  }
}

/** Own properties only: `{}` must not find `toString` and the like. */
function own(p: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(p, key) ? p[key] : undefined;
}

/** Lists and objects only described (see viewer-bridge's short): their text could nest too deep. */
function short(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = typeof v === 'string' ? JSON.stringify(v.slice(0, 60)) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
