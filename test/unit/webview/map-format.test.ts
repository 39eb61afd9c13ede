// What the map writes and how it colours (webview/model/map-format.ts).
import { strict as assert } from 'node:assert';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../../src/shared/graph';
import { edgeAccessibleName, edgeLabel, edgeWidth, formatErrorPct, formatMs, formatRate, health, nodeAccessibleName, thresholdsText } from '../../../webview/model/map-format';
import { edge, metrics, node, NONE } from './map-fixtures';

describe('map labels and health (webview/model/map-format.ts)', () => {
  it('colours by Kiali\'s thresholds: at or above 20% failing, at or above 0.1% degraded, no traffic grey', () => {
    assert.equal(DEFAULT_HEALTH_THRESHOLDS.degraded, 0.001);
    assert.equal(DEFAULT_HEALTH_THRESHOLDS.failure, 0.2);
    assert.equal(health(null), 'none');
    assert.equal(health(NONE), 'none');
    assert.equal(health(metrics(1000, 0)), 'healthy');
    assert.equal(health(metrics(10_000, 9)), 'healthy', '0.09%');
    assert.equal(health(metrics(1000, 1)), 'degraded', 'exactly 0.1%');
    assert.equal(health(metrics(100, 19)), 'degraded');
    assert.equal(health(metrics(100, 20)), 'failure', 'exactly 20%');
    assert.equal(health(metrics(10, 1), { degraded: 0.05, failure: 0.5 }), 'degraded', 'thresholds are a parameter');
    assert.deepEqual(thresholdsText(), { healthy: 'errors < 0.1%', degraded: '≥ 0.1%', failure: '≥ 20%' });
  });

  it('formats rates, error percentages and latencies with the precision a reader uses', () => {
    assert.deepEqual([0, 0.0667, 0.004, 1, 1.256, 12.34, 150.6].map(formatRate), ['0', '0.067', '0.004', '1', '1.26', '12.3', '151']);
    assert.deepEqual([0, 0.005, 0.0012, 0.1, 0.25, 0.123, 1].map(formatErrorPct), ['0%', '0.5%', '0.12%', '10%', '25%', '12%', '100%']);
    assert.deepEqual([null, 0.4, 2, 12.6, 230, 1250, 12_500].map(formatMs), ['–', '0.4 ms', '2 ms', '13 ms', '230 ms', '1.25 s', '12.5 s']);
  });

  it('labels an edge with rate, error % and p95 (caller\'s view, else the callee\'s), and a version share under 100%', () => {
    assert.equal(edgeLabel(edge('service:a', 'service:b', metrics(60, 3, 230, 1.5))), '1.5 rps · 5% · p95 230 ms');
    assert.equal(edgeLabel(edge('user', 'service:a', null, metrics(20, 0, 12, 0.2))), '0.2 rps · 0% · p95 12 ms');
    assert.equal(edgeLabel(edge('service:a', 'version:b@v2', metrics(30, 0, 50, 0.1), null, { share: 0.3 })), '0.1 rps · 0% · p95 50 ms · 30% share');
    assert.equal(edgeLabel(edge('service:a', 'version:b@v1', metrics(30, 0, 50, 0.1), null, { share: 1 })), '0.1 rps · 0% · p95 50 ms');
    assert.equal(edgeLabel(edge('service:a', 'service:b', NONE)), 'no traffic');
  });

  it('names nodes and edges for screen readers', () => {
    assert.equal(nodeAccessibleName(node('service:reviews', metrics(3600, 18, 100, 12))), 'reviews, service, 12 req/s, 0.5% errors');
    assert.equal(nodeAccessibleName(node('database:mysql/ratings', metrics(12, 0, 5, 0.04), NONE, { name: 'ratings', system: 'mysql' })), 'ratings, database (mysql), 0.04 req/s, 0% errors');
    assert.equal(nodeAccessibleName(node('version:reviews@v2', metrics(6, 0, 5, 0.02), NONE, { parent: 'service:reviews' }), 'reviews'), 'reviews v2, version, 0.02 req/s, 0% errors');
    assert.equal(nodeAccessibleName(node('service:idle')), 'idle, service, no traffic');
    assert.equal(edgeAccessibleName(edge('service:a', 'service:b', metrics(60, 0, 230, 1)), 'a', 'b'), 'a to b, 1 req/s, 0% errors, p95 230 ms');
  });

  it('makes edges thicker with rate on a log scale, 1.5 to 7 px', () => {
    assert.equal(edgeWidth(0, 10), 1.5);
    assert.equal(edgeWidth(10, 10), 7);
    const mid = edgeWidth(1, 10);
    assert.ok(mid > 1.5 && mid < 7);
    assert.ok(edgeWidth(2, 10) > mid);
  });
});
