// Service-graph derivation: spans in, nodes and edges with RED metrics per window out (GraphDto).
export {
  ServiceGraph,
  GRAPH_ATTRIBUTE_KEYS,
  DEFAULT_GRAPH_TTL_MS,
  DEFAULT_GRAPH_MAX_PENDING,
  DEFAULT_GRAPH_MAX_EDGES,
  DEFAULT_GRAPH_TRACES_PER_EDGE,
  DEFAULT_GRAPH_TRACES_LIMIT,
  MAX_GRAPH_TRACES_LIMIT,
  windowFromSecond,
} from './service-graph';
export type { GraphSpan, ServiceGraphOptions } from './service-graph';
export { SideStats, PERCENTILE_RELATIVE_ERROR, binOf } from './histogram';
export { answerFromGraph, isGraphMethod, GRAPH_METHODS } from './answer';
export type { GraphMethod } from './answer';
