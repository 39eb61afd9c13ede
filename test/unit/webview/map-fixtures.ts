// Small GraphDto pieces and layout inputs for the map's unit tests.
import type { GraphEdgeDto, GraphMetricsDto, GraphNodeDto } from '../../../src/shared/graph';
import type { LayoutBox, LayoutLink } from '../../../webview/model/map-layout';

export function metrics(requests: number, errors = 0, p95Ms: number | null = requests ? 100 : null, ratePerSec = requests / 300): GraphMetricsDto {
  return { requests, errors, ratePerSec, errorRate: requests ? errors / requests : 0, p50Ms: p95Ms === null ? null : p95Ms / 2, p95Ms, p99Ms: p95Ms === null ? null : p95Ms * 1.2 };
}

export const NONE = metrics(0);

export function node(id: string, inbound: GraphMetricsDto = NONE, outbound: GraphMetricsDto = NONE, extra: Partial<GraphNodeDto> = {}): GraphNodeDto {
  const kind = (id === 'user' ? 'user' : id.slice(0, id.indexOf(':'))) as GraphNodeDto['kind'];
  const name = id === 'user' ? 'user' : id.slice(id.indexOf(':') + 1).replace(/^.*@/, '');
  return { id, kind, name, inbound, outbound, ...extra };
}

export function edge(source: string, target: string, client: GraphMetricsDto | null, server: GraphMetricsDto | null = client, extra: Partial<GraphEdgeDto> = {}): GraphEdgeDto {
  return { id: `${source}->${target}`, source, target, connectionType: 'request', client, server, ...extra };
}

/** `"a>b b>c"` as layout links a→b, b→c. */
export const links = (pairs: string): LayoutLink[] =>
  pairs
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => {
      const [source, target] = p.split('>');
      return { source, target };
    });

/** Layout boxes 100 wide and `h` high. */
export const boxes = (ids: readonly string[], h = 40): LayoutBox[] => ids.map((id) => ({ id, width: 100, height: h }));
