// The bridge against traffic generated with a known split and known latencies, fed as OTLP/JSON
// spans through the real service graph (src/core/graph), then read back as a versioned GraphDto.
import * as assert from 'node:assert/strict';
import { ServiceGraph } from '../../../src/core/graph';
import { correlate, hostService, serviceManifests, type CorrelationResult } from '../../../src/core/correlate';
import { WorkspaceIndex } from '../../../src/core/workspace/index';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import type { GraphWindow } from '../../../src/shared/graph';
import { rng } from '../rng';
import { call, feed, type G } from '../graph/helpers';

const URI = 'file:///ws/reviews.yaml';

const BASE = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec:
  selector: { app: reviews }
  ports: [{ name: http, port: 9080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec: { containers: [{ name: reviews, image: reviews:1 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v2, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews, version: v2 } }
  template:
    metadata: { labels: { app: reviews, version: v2 } }
    spec: { containers: [{ name: reviews, image: reviews:2 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets:
    - name: v1
      labels: { version: v1 }
    - name: v2
      labels: { version: v2 }
`;

/** A VirtualService whose http[0] is `rule` (indented as an http item's fields); returns the text and the 0-based line of its `route:` key. */
function vs(rule: string, host = 'reviews'): { text: string; routeLine: number } {
  const text = `${BASE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [${host}]
  http:
${rule}`;
  const routeLine = text.split('\n').findIndex((l, i) => i > BASE.split('\n').length && /^\s*(- )?route:/.test(l));
  return { text, routeLine };
}

const SPLIT_80_20 = (host = 'reviews') => `    - route:
        - destination: { host: ${host}, subset: v1 }
          weight: 80
        - destination: { host: ${host}, subset: v2 }
          weight: 20
`;

interface Traffic {
  /** Requests from productpage into reviews. */
  n: number;
  /** Probability that a request goes to v2 (the rest go to v1). */
  v2: number;
  seed?: number;
  clientMs?: (i: number) => number;
  error?: (i: number) => boolean;
  /** Spread over this many ms before now (default 240 s, inside the 5 m window). */
  overMs?: number;
  /** Versions (v1, v2): how the callee's spans say which one served. */
  serve?: (version: 'v1' | 'v2') => Partial<G>;
}

/** Feeds generated traffic through a real ServiceGraph; returns the counts it sent. */
function traffic(t: Traffic): { graph: ServiceGraph; sent: { v1: number; v2: number } } {
  const graph = new ServiceGraph();
  const random = rng(t.seed ?? 7);
  const over = t.overMs ?? 240_000;
  const sent = { v1: 0, v2: 0 };
  const specs: G[] = [];
  for (let i = 0; i < t.n; i++) {
    const version = random() < t.v2 ? 'v2' : 'v1';
    sent[version]++;
    const clientMs = t.clientMs?.(i) ?? 40;
    const [c, s] = call(i + 1, 1, 'productpage', 'reviews', -over + (i * over) / t.n, clientMs, clientMs - 2, { clientError: t.error?.(i) ?? false, fromVer: 'v1' });
    const serve = t.serve?.(version) ?? { ver: version };
    specs.push(c, { ...s, ...serve });
  }
  feed(graph, specs, 0);
  return { graph, sent };
}

function run(files: Record<string, string>, graph: ServiceGraph, window: GraphWindow = '5m'): CorrelationResult {
  const index = new WorkspaceIndex(DEFAULT_LIMITS);
  for (const [uri, text] of Object.entries(files)) index.set(uri, { text });
  const dto = graph.snapshot({ window, versioned: true }, Date.UTC(2026, 0, 1, 12, 0, 0));
  return correlate({ objectsOfKind: (gk) => index.objectsOfKind(gk), fileOf: (u) => index.get(u)?.file }, dto);
}

/** The two percentages of an `observed a% / b%` lens. */
function observed(title: string): [number, number] {
  const m = /^observed (\d+)% \/ (\d+)% · ([\d,]+) req · 5 m/.exec(title);
  assert.ok(m, `lens title: ${title}`);
  return [Number(m[1]), Number(m[2])];
}

const codes = (r: CorrelationResult) => r.findings.map((f) => f.code);

describe('bridge: observed split', () => {
  it('80/20 configured and 80/20 observed: the lens above the route within ±3 points, no deviation finding', () => {
    const { text, routeLine } = vs(SPLIT_80_20());
    const { graph, sent } = traffic({ n: 1200, v2: 0.2 });
    const r = run({ [URI]: text }, graph);
    assert.equal(r.lenses.length, 1);
    const lens = r.lenses[0];
    assert.equal(lens.range.start.line, routeLine, 'above the route');
    assert.equal(lens.uri, URI);
    assert.equal(lens.service, 'reviews');
    const [a, b] = observed(lens.title);
    assert.ok(Math.abs(a - 80) <= 3 && Math.abs(b - 20) <= 3, lens.title);
    // The lens reports what was sent, rounded.
    assert.equal(a, Math.round((sent.v1 / 1200) * 100));
    assert.match(lens.title, /· 1,200 req · 5 m$/);
    assert.deepEqual(codes(r), []);
  });

  it('50/50 observed against 80/20 configured: ML5001 on the route line, with the test in the message', () => {
    const { text, routeLine } = vs(SPLIT_80_20());
    const { graph } = traffic({ n: 1000, v2: 0.5 });
    const r = run({ [URI]: text }, graph);
    const f = r.findings.find((x) => x.code === 'ML5001');
    assert.ok(f, `findings: ${codes(r).join(', ')}`);
    assert.equal(f.severity, 'info');
    assert.equal(f.range.start.line, routeLine);
    assert.equal(f.path, 'spec.http[0].route');
    assert.equal(f.object, 'VirtualService shop/reviews');
    assert.match(f.message, /configured 80% \/ 20%/);
    assert.match(f.message, /over 1,000 requests/);
    assert.match(f.message, /chi-square = \d+\.\d \(1 df\), p < 0\.001/);
    const [a] = observed(r.lenses[0].title);
    assert.ok(Math.abs(a - 50) <= 5, r.lenses[0].title);
  });

  it('fewer than 100 requests: a lens but no finding, however far off', () => {
    const { text } = vs(SPLIT_80_20());
    const { graph } = traffic({ n: 99, v2: 0.6 });
    const r = run({ [URI]: text }, graph);
    assert.match(r.lenses[0].title, /· 99 req · 5 m$/);
    assert.deepEqual(codes(r), []);
    // The same split with enough requests is reported: the threshold, not the data, held it back.
    assert.deepEqual(codes(run({ [URI]: text }, traffic({ n: 400, v2: 0.6 }).graph)), ['ML5001']);
  });

  it('requests outside the window do not count', () => {
    const { text } = vs(SPLIT_80_20());
    // Sent between 14 and 10 minutes ago: inside 15 m, outside 5 m.
    const graph = new ServiceGraph();
    const specs: G[] = [];
    for (let i = 0; i < 200; i++) specs.push(...call(i + 1, 1, 'productpage', 'reviews', -840_000 + i * 1000, 40, 38, { toVer: i % 2 ? 'v2' : 'v1' }));
    feed(graph, specs, 0);
    assert.match(run({ [URI]: text }, graph).lenses[0].title, /^no traffic seen to reviews · 5 m$/);
    const wide = run({ [URI]: text }, graph, '15m');
    assert.match(wide.lenses[0].title, /^observed 50% \/ 50% · 200 req · 15 m$/);
    assert.deepEqual(codes(wide), ['ML5001']);
  });

  it('host written short, as name.namespace and as the cluster FQDN: the same counts', () => {
    const { graph } = traffic({ n: 300, v2: 0.2 });
    const titles = ['reviews', 'reviews.shop', 'reviews.shop.svc.cluster.local'].map((h) => run({ [URI]: vs(SPLIT_80_20(h), h).text }, graph).lenses[0].title);
    assert.equal(new Set(titles).size, 1, titles.join(' | '));
    assert.match(titles[0], /^observed \d+% \/ \d+% · 300 req · 5 m$/);
  });

  it('a subset that no DestinationRule defines, and one whose version saw no traffic, are named in the lens', () => {
    const rule = `    - route:
        - destination: { host: reviews, subset: v1 }
          weight: 90
        - destination: { host: reviews, subset: v3 }
          weight: 10
`;
    const { graph } = traffic({ n: 200, v2: 0 });
    const missing = run({ [URI]: vs(rule).text }, graph);
    assert.equal(missing.lenses[0].title, 'observed 100% / ? · 200 req · 5 m · subset v3: no DestinationRule for reviews defines it');
    assert.deepEqual(codes(missing), [], 'no test when a destination cannot be matched');

    const withV3 = vs(rule).text.replace('    - name: v2\n      labels: { version: v2 }\n', '    - name: v2\n      labels: { version: v2 }\n    - name: v3\n      labels: { version: v3 }\n');
    const unseen = run({ [URI]: withV3 }, graph);
    assert.equal(unseen.lenses[0].title, 'observed 100% / 0% · 200 req · 5 m · subset v3: no traffic seen');
    // 200 requests all to v1 against 90/10: 20 expected in v3, none came.
    assert.deepEqual(codes(unseen), ['ML5001']);
  });

  it('subset labels without a version: the selected workload\'s name suffix, as the graph reads k8s.deployment.name', () => {
    const text = vs(SPLIT_80_20())
      .text.replace('labels: { version: v2 }', 'labels: { track: canary }')
      .replace('metadata: { labels: { app: reviews, version: v2 } }', 'metadata: { labels: { app: reviews, track: canary } }')
      .replace('matchLabels: { app: reviews, version: v2 }', 'matchLabels: { app: reviews, track: canary }');
    // v2's spans carry no service.version, only the deployment name.
    const { graph, sent } = traffic({ n: 500, v2: 0.2, serve: (v) => (v === 'v2' ? { ver: undefined, res: { 'k8s.deployment.name': 'reviews-v2' } } : { ver: 'v1' }) });
    const r = run({ [URI]: text }, graph);
    const [a, b] = observed(r.lenses[0].title);
    assert.equal(b, Math.round((sent.v2 / 500) * 100));
    assert.equal(a + b, 100);
    assert.deepEqual(codes(r), []);
  });

  it('the meshlens.io/ignore annotation keeps ML5001 off the object (the lens stays)', () => {
    const text = vs(SPLIT_80_20()).text.replace('metadata: { name: reviews, namespace: shop }\nspec:\n  hosts', 'metadata: { name: reviews, namespace: shop, annotations: { meshlens.io/ignore: ML5001 } }\nspec:\n  hosts');
    const r = run({ [URI]: text }, traffic({ n: 1000, v2: 0.5 }).graph);
    assert.deepEqual(codes(r), []);
    assert.equal(r.lenses.length, 1);
  });
});

describe('bridge: timeout, retries, circuit breaker', () => {
  const single = (extra: string) => `    - ${extra}
      route:
        - destination: { host: reviews }
`;

  it('timeout: warning when the observed p99 is above 80% of it, none below', () => {
    const text = vs(single('timeout: 500ms')).text;
    // 1% of requests at 450 ms (p99 lands there), the rest at 40 ms.
    const slow = run({ [URI]: text }, traffic({ n: 300, v2: 0.2, clientMs: (i) => (i % 50 < 3 ? 450 : 40) }).graph);
    const f = slow.findings.find((x) => x.code === 'ML5002');
    assert.ok(f, codes(slow).join(', '));
    assert.equal(f.severity, 'warning');
    assert.equal(f.path, 'spec.http[0].timeout');
    assert.equal(text.split('\n')[f.range.start.line].slice(f.range.start.character, f.range.end.character), '500ms');
    assert.match(f.message, /p99 4\d\d ms into reviews .* from productpage\) is 9\d% of this route's timeout 500ms/);
    // p99 at 350 ms: 70% of the timeout.
    const fast = run({ [URI]: text }, traffic({ n: 300, v2: 0.2, clientMs: (i) => (i % 50 < 3 ? 350 : 40) }).graph);
    assert.deepEqual(codes(fast), []);
  });

  it('retries: errors that survive configured retries are a warning; errors without retries are information; 0.5% is neither', () => {
    const errors = (rate: number) => (i: number) => i % Math.round(1 / rate) === 0;
    const withRetries = run({ [URI]: vs(single('retries: { attempts: 3, perTryTimeout: 1s, retryOn: 5xx }')).text }, traffic({ n: 400, v2: 0.2, error: errors(0.1) }).graph);
    const w = withRetries.findings.find((x) => x.code === 'ML5003');
    assert.ok(w);
    assert.equal(w.severity, 'warning');
    assert.equal(w.path, 'spec.http[0].retries');
    assert.match(w.message, /Error rate 10% into reviews \(5 m, 40 of 400 requests .*\) despite retries \(3 attempts on 5xx\)/);

    const noRetries = run({ [URI]: vs(single('timeout: 10s')).text }, traffic({ n: 400, v2: 0.2, error: errors(0.1) }).graph);
    const i = noRetries.findings.find((x) => x.code === 'ML5003');
    assert.ok(i);
    assert.equal(i.severity, 'info');
    assert.equal(i.path, 'spec.http[0].route');
    assert.match(i.message, /configures no retries/);

    const few = run({ [URI]: vs(single('retries: { attempts: 3, retryOn: 5xx }')).text }, traffic({ n: 400, v2: 0.2, error: errors(0.005) }).graph);
    assert.deepEqual(codes(few), []);
  });

  it('circuit breaker: Little\'s law concurrency against http2MaxRequests and maxConnections', () => {
    // 1,200 requests in the last minute (20/s), p50 600 ms: about 12 in flight from productpage.
    const dr = (pool: string) =>
      BASE.replace('  host: reviews\n  subsets:', `  host: reviews\n  trafficPolicy:\n    connectionPool:\n${pool}  subsets:`);
    const { graph } = traffic({ n: 1200, v2: 0.2, overMs: 59_000, clientMs: () => 600 });
    const tight = run({ [URI]: dr('      http: { http2MaxRequests: 10 }\n') }, graph, '1m');
    const f = tight.findings.find((x) => x.code === 'ML5004');
    assert.ok(f, codes(tight).join(', '));
    assert.equal(f.path, 'spec.trafficPolicy.connectionPool.http.http2MaxRequests');
    assert.match(f.message, /productpage sends about 12(\.\d)? concurrent requests to reviews \(1 m: 20 req\/s × p50 6\d\d ms by Little's law\), 1\d\d% of http\.http2MaxRequests = 10/);
    assert.deepEqual(codes(run({ [URI]: dr('      http: { http2MaxRequests: 100 }\n') }, graph, '1m')), []);
    // maxConnections with pending requests: 8 + 4 = 12 is reached; 8 + 100 is not.
    const conn = run({ [URI]: dr('      tcp: { maxConnections: 8 }\n      http: { http1MaxPendingRequests: 4 }\n') }, graph, '1m');
    assert.deepEqual(
      conn.findings.map((x) => x.path),
      ['spec.trafficPolicy.connectionPool.tcp.maxConnections'],
    );
    assert.deepEqual(codes(run({ [URI]: dr('      tcp: { maxConnections: 8 }\n      http: { http1MaxPendingRequests: 100 }\n') }, graph, '1m')), []);
  });

  it('circuit breaker on a subset: only the requests into that subset\'s version count', () => {
    // 1,200 requests in the last minute, a fifth into v2: about 2.4 in flight into v2, 9.6 into v1.
    const { graph, sent } = traffic({ n: 1200, v2: 0.2, overMs: 59_000, clientMs: () => 600 });
    const subsetPool = (limit: number) =>
      BASE.replace('    - name: v2\n      labels: { version: v2 }\n', `    - name: v2\n      labels: { version: v2 }\n      trafficPolicy:\n        connectionPool:\n          http: { http2MaxRequests: ${limit} }\n`);
    const inFlightV2 = (sent.v2 / 60) * 0.6;
    const tight = run({ [URI]: subsetPool(Math.floor(inFlightV2)) }, graph, '1m');
    assert.deepEqual(tight.findings.map((f) => f.path), ['spec.subsets[1].trafficPolicy.connectionPool.http.http2MaxRequests']);
    assert.match(tight.findings[0].message, /to reviews subset v2 /);
    // A limit v1's traffic alone would exceed, but v2's does not reach 80% of.
    assert.deepEqual(codes(run({ [URI]: subsetPool(Math.ceil(inFlightV2 / 0.8) + 1) }, graph, '1m')), []);
  });
});

describe('bridge: Rollout canary', () => {
  const rollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: reviews, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews } }
  template:
    metadata: { labels: { app: reviews, version: v2 } }
    spec: { containers: [{ name: reviews, image: reviews:2 }] }
  strategy:
    canary:
      stableService: reviews-stable
      canaryService: reviews-canary
      steps:
        - setWeight: 20
        - pause: {}
        - setWeight: 50
`;

  it('the observed canary share next to the steps, and the step it matches', () => {
    const { graph, sent } = traffic({ n: 1000, v2: 0.2 });
    const r = run({ 'file:///ws/rollout.yaml': rollout }, graph);
    assert.equal(r.lenses.length, 1);
    const l = r.lenses[0];
    assert.equal(l.range.start.line, rollout.split('\n').findIndex((x) => x.trim() === 'steps:'));
    assert.equal(l.title, `observed canary ${Math.round(sent.v2 / 10)}% · step 1 setWeight 20 · 1,000 req · 5 m`);
    const half = run({ 'file:///ws/rollout.yaml': rollout }, traffic({ n: 1000, v2: 0.5 }).graph).lenses[0].title;
    assert.match(half, /^observed canary (4[5-9]|5[0-5])% · step 3 setWeight 50 · /);
    const between = run({ 'file:///ws/rollout.yaml': rollout }, traffic({ n: 1000, v2: 0.35 }).graph).lenses[0].title;
    assert.match(between, /^observed canary 3\d% · no step near it \(setWeight steps 20, 50\) · /);
  });
});

describe('bridge: subsets an Argo Rollout manages', () => {
  // Argo's subset-level traffic splitting: subsets v1 and v2 carry the same labels in git (Argo
  // writes each ReplicaSet's rollouts-pod-template-hash into them at run time), so labels alone
  // would give both subsets the same pods and the lens a made-up 50/50.
  const files = (v1Labels = '{ app: reviews }', v2Labels = '{ app: reviews }') => ({
    'file:///ws/reviews.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: reviews, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews } }
  template:
    metadata: { labels: { app: reviews, version: v2 } }
    spec: { containers: [{ name: reviews, image: reviews:2 }] }
  strategy:
    canary:
      trafficRouting:
        istio:
          virtualService: { name: reviews, routes: [primary] }
          destinationRule: { name: reviews, canarySubsetName: v2, stableSubsetName: v1 }
      steps:
        - setWeight: 20
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets:
    - name: v1
      labels: ${v1Labels}
    - name: v2
      labels: ${v2Labels}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
    - name: primary
      route:
        - destination: { host: reviews, subset: v1 }
          weight: 80
        - destination: { host: reviews, subset: v2 }
          weight: 20
`,
  });

  it('the canary subset is the pod template\'s version, the stable subset the other versions seen: the split observed, not 50/50', () => {
    const { graph, sent } = traffic({ n: 1000, v2: 0.2 });
    const r = run(files(), graph);
    const route = r.lenses.find((l) => l.title.startsWith('observed ') && !l.title.startsWith('observed canary'));
    assert.ok(route, r.lenses.map((l) => l.title).join('\n'));
    const [a, b] = observed(route.title);
    assert.deepEqual([a, b], [Math.round(sent.v1 / 10), Math.round(sent.v2 / 10)]);
    assert.ok(Math.abs(a - 80) <= 3, route.title);
    assert.deepEqual(codes(r), []);
    // 50/50 traffic against this 80/20 route is the deviation it would hide if both subsets counted the same pods.
    const off = run(files(), traffic({ n: 1000, v2: 0.5 }).graph);
    assert.deepEqual(codes(off), ['ML5001']);
  });

  it('a Rollout that routes with another DestinationRule leaves the subsets to their labels', () => {
    const other = files('{ version: v1 }', '{ version: v2 }');
    other['file:///ws/reviews.yaml'] = other['file:///ws/reviews.yaml'].replace('destinationRule: { name: reviews,', 'destinationRule: { name: reviews-canary,');
    const { graph, sent } = traffic({ n: 1000, v2: 0.2 });
    const route = run(other, graph).lenses.find((l) => l.title.startsWith('observed ') && !l.title.startsWith('observed canary'))!;
    assert.deepEqual(observed(route.title), [Math.round(sent.v1 / 10), Math.round(sent.v2 / 10)]);
  });
});

describe('bridge: names', () => {
  it('host forms name one service', () => {
    for (const h of ['reviews', 'reviews.shop', 'reviews.shop.svc', 'reviews.shop.svc.cluster.local']) {
      const s = hostService(h, 'shop');
      assert.deepEqual([s.name, s.namespace], ['reviews', 'shop'], h);
      assert.equal(s.candidates[0], 'reviews');
    }
    assert.deepEqual(hostService('reviews', 'other').namespace, 'other');
    assert.deepEqual(hostService('api.example.com', 'shop').candidates, ['api.example.com']);
  });

  it('serviceManifests: the objects that configure each service, with the line of their kind', () => {
    const { text } = vs(SPLIT_80_20());
    const index = new WorkspaceIndex(DEFAULT_LIMITS);
    index.set(URI, { text });
    const m = serviceManifests({ objectsOfKind: (gk) => index.objectsOfKind(gk), fileOf: (u) => index.get(u)?.file });
    const lines = text.split('\n');
    assert.deepEqual(
      m.reviews.map((r) => `${r.kind} ${r.namespace}/${r.name}`).sort(),
      ['Deployment shop/reviews-v1', 'Deployment shop/reviews-v2', 'DestinationRule shop/reviews', 'Service shop/reviews', 'VirtualService shop/reviews'],
    );
    for (const r of m.reviews) assert.equal(lines[r.line - 1], `kind: ${r.kind}`);
  });
});
