// The graph's viewer methods answered from a ServiceGraph: next to answerFromStore (trace/dto.ts)
// for the store's, so the trace worker (extension) and the API server (meshlens serve) answer
// them the same way. Params are checked before (src/receiver/graph-params.ts).
import type { ViewerMethods } from '../../shared/protocol';
import type { ServiceGraph } from './service-graph';
import '../../shared/graph';

export type GraphMethod = 'graph' | 'graphTraces';
export const GRAPH_METHODS: readonly GraphMethod[] = ['graph', 'graphTraces'];

export function isGraphMethod(method: string): method is GraphMethod {
  return method === 'graph' || method === 'graphTraces';
}

export function answerFromGraph<M extends GraphMethod>(graph: ServiceGraph, method: M, params: ViewerMethods[M]['params'], nowMs?: number): ViewerMethods[M]['result'] {
  type R = ViewerMethods[M]['result'];
  switch (method) {
    case 'graph':
      return graph.snapshot(params as ViewerMethods['graph']['params'], nowMs) as R;
    case 'graphTraces':
      return graph.tracesThrough(params as ViewerMethods['graphTraces']['params'], nowMs) as R;
  }
  throw new Error(`unknown graph method ${String(method)}`);
}
