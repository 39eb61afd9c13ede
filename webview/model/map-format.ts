// What the map writes on edges and nodes and how it colours them. Pure.
import { DEFAULT_HEALTH_THRESHOLDS, type GraphEdgeDto, type GraphHealthThresholds, type GraphMetricsDto, type GraphNodeDto } from '../../src/shared/graph';
import { edgeMetrics, nodeMetrics } from './map-expr';

export type Health = 'none' | 'healthy' | 'degraded' | 'failure';

/** Kiali's rule: error rate at or above `failure` is red, at or above `degraded` orange, else green; no request: grey. */
export function health(m: GraphMetricsDto | null, t: GraphHealthThresholds = DEFAULT_HEALTH_THRESHOLDS): Health {
  if (!m || m.requests === 0) return 'none';
  if (m.errorRate >= t.failure) return 'failure';
  if (m.errorRate >= t.degraded) return 'degraded';
  return 'healthy';
}

/** Requests per second, with the precision a reader can use: 12, 1.5, 0.25, 0.004. */
export function formatRate(perSec: number): string {
  if (perSec === 0) return '0';
  if (perSec >= 100) return String(Math.round(perSec));
  if (perSec >= 10) return trim(perSec.toFixed(1));
  if (perSec >= 1) return trim(perSec.toFixed(2));
  return trim(perSec.toPrecision(2));
}

/** An error rate (0..1) as a percentage: 0%, 0.5%, 12%, 100%. */
export function formatErrorPct(rate: number): string {
  const pct = rate * 100;
  if (pct === 0) return '0%';
  if (pct >= 10) return `${Math.round(pct)}%`;
  if (pct >= 1) return `${trim(pct.toFixed(1))}%`;
  return `${trim(pct.toPrecision(2))}%`;
}

/** A latency: 0.4 ms, 12 ms, 230 ms, 1.25 s. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= 1000) return `${trim((ms / 1000).toFixed(ms >= 10_000 ? 1 : 2))} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${trim(ms.toPrecision(2))} ms`;
}

function trim(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

/** The label on an edge: rate, error % and p95, e.g. "1.5 rps · 0.5% · p95 230 ms". */
export function edgeLabel(edge: GraphEdgeDto): string {
  const m = edgeMetrics(edge);
  if (!m || m.requests === 0) return 'no traffic';
  const parts = [`${formatRate(m.ratePerSec)} rps`, formatErrorPct(m.errorRate), `p95 ${formatMs(m.p95Ms)}`];
  if (edge.share !== undefined && edge.share < 1) parts.push(`${formatErrorPct(edge.share)} share`);
  return parts.join(' · ');
}

const KIND_NAMES: Record<GraphNodeDto['kind'], string> = { service: 'service', version: 'version', database: 'database', messaging: 'messaging', external: 'external service', user: 'users' };

/** A node's accessible name: "reviews, service, 12 req/s, 0.5% errors". */
export function nodeAccessibleName(node: GraphNodeDto, appName?: string): string {
  const m = nodeMetrics(node);
  const name = appName ? `${appName} ${node.name}` : node.name;
  const kind = node.system && node.kind !== 'service' && node.kind !== 'version' ? `${KIND_NAMES[node.kind]} (${node.system})` : KIND_NAMES[node.kind];
  if (m.requests === 0) return `${name}, ${kind}, no traffic`;
  return `${name}, ${kind}, ${formatRate(m.ratePerSec)} req/s, ${formatErrorPct(m.errorRate)} errors`;
}

/** An edge's accessible name: "productpage to reviews, 1.5 req/s, 0% errors, p95 230 ms". */
export function edgeAccessibleName(edge: GraphEdgeDto, sourceName: string, targetName: string): string {
  const m = edgeMetrics(edge);
  const head = `${sourceName} to ${targetName}${edge.connectionType === 'messaging' ? ' (messaging)' : ''}`;
  if (!m || m.requests === 0) return `${head}, no traffic`;
  return `${head}, ${formatRate(m.ratePerSec)} req/s, ${formatErrorPct(m.errorRate)} errors, p95 ${formatMs(m.p95Ms)}`;
}

/** Stroke width by rate: 1.5 px for a trickle up to 7 px, on a log scale against the busiest edge. */
export function edgeWidth(ratePerSec: number, maxRatePerSec: number): number {
  if (!(ratePerSec > 0) || !(maxRatePerSec > 0)) return 1.5;
  const f = Math.log1p(ratePerSec) / Math.log1p(maxRatePerSec);
  return 1.5 + 5.5 * Math.min(1, Math.max(0, f));
}

/** The legend's statement of the thresholds. */
export function thresholdsText(t: GraphHealthThresholds = DEFAULT_HEALTH_THRESHOLDS): { healthy: string; degraded: string; failure: string } {
  return { healthy: `errors < ${formatErrorPct(t.degraded)}`, degraded: `≥ ${formatErrorPct(t.degraded)}`, failure: `≥ ${formatErrorPct(t.failure)}` };
}
