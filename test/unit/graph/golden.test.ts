// Golden tests of graph derivation: OTLP/JSON requests written for these tests (helpers.ts) go
// through the JSON decoder into a ServiceGraph; its snapshot must equal the expected graph in
// fixtures/<name>.json exactly. The fixtures were checked by hand against the rules in
// src/core/graph/service-graph.ts (GRAPH_GOLDEN_UPDATE=1 rewrites them; review the diff before committing one).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ServiceGraph } from '../../../src/core/graph';
import type { GraphDto, GraphWindow } from '../../../src/shared/graph';
import { call, feed, T0, type G } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures');

function golden(name: string, actual: GraphDto | object): void {
  const file = path.join(FIXTURES, `${name}.json`);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.GRAPH_GOLDEN_UPDATE) fs.writeFileSync(file, text);
  assert.deepEqual(JSON.parse(text), JSON.parse(fs.readFileSync(file, 'utf8')), `${name}: the graph differs from fixtures/${name}.json`);
}

function snap(graph: ServiceGraph, nowMs: number, window: GraphWindow = '5m', versioned = false): GraphDto {
  return graph.snapshot({ window, versioned }, T0 + nowMs);
}

/** frontend (called by the user) -> cart over HTTP -> inventory over gRPC; one trace. */
function httpAndGrpc(trace: number, at: number): G[] {
  return [
    { svc: 'frontend', trace, id: 1, kind: 'server', at, ms: 100, attrs: { 'http.request.method': 'GET', 'http.route': '/cart', 'server.port': 8080 } },
    { svc: 'frontend', trace, id: 2, parent: 1, kind: 'internal', at: at + 1, ms: 90 },
    ...call(trace, 3, 'frontend', 'cart', at + 2, 80, 70, { parent: 2, attrs: { 'http.request.method': 'GET', 'server.address': 'cart', 'server.port': 7070 } }),
    ...call(trace, 5, 'cart', 'inventory', at + 10, 40, 30, { parent: 4, attrs: { 'rpc.system': 'grpc', 'rpc.service': 'inventory.Stock', 'server.address': 'inventory', 'server.port': 50051 } }),
  ];
}

describe('graph derivation (golden)', () => {
  it('client/server pairs over HTTP and gRPC, and the user node for root server spans', () => {
    const g = new ServiceGraph();
    feed(g, [...httpAndGrpc(1, -2000), ...httpAndGrpc(2, -1000)], 0);
    golden('http-grpc', snap(g, 0));
  });

  it('server halves before client halves pair the same (out-of-order arrival)', () => {
    const inOrder = new ServiceGraph();
    const outOfOrder = new ServiceGraph();
    const spans = [...httpAndGrpc(1, -2000), ...httpAndGrpc(2, -1000)];
    feed(inOrder, spans, 0);
    // Each service's exporter sends on its own: the callees' spans first, in separate requests.
    const bySvc = (svc: string) => spans.filter((s) => s.svc === svc);
    feed(outOfOrder, bySvc('inventory'), 0);
    feed(outOfOrder, bySvc('cart'), 0);
    assert.equal(outOfOrder.stats().pendingEdges, 2, 'the frontend->cart server halves wait for their clients');
    feed(outOfOrder, bySvc('frontend'), 0);
    assert.equal(outOfOrder.stats().pendingEdges, 0);
    assert.deepEqual(snap(outOfOrder, 0), snap(inOrder, 0));
    golden('http-grpc', snap(outOfOrder, 0));
  });

  it('the same span ids in several traces pair within each trace, in any order (halves wait by span id, checked by trace)', () => {
    const g = new ServiceGraph();
    // Three traces whose ids are all equal (as a test SDK or a replay may send): each cart server
    // waits for its frontend client under the same parent id.
    const traces = [1, 2, 3].map((trace) => call(trace, 3, 'frontend', 'cart', trace * 10, 50 + trace, 40 + trace));
    const servers = traces.map((t) => t.filter((s) => s.kind === 'server'));
    const clients = traces.map((t) => t.filter((s) => s.kind === 'client'));
    feed(g, servers.flat(), 0);
    assert.equal(g.stats().pendingEdges, 3);
    // The first trace's client pairs and frees the id; the other two then meet their own.
    for (const i of [0, 2, 1]) feed(g, clients[i], 0);
    assert.deepEqual({ pending: g.stats().pendingEdges, expired: g.stats().expiredEdges }, { pending: 0, expired: 0 });
    const edge = snap(g, 0).edges.find((e) => e.id === 'service:frontend->service:cart');
    assert.equal(edge?.client?.requests, 3);
    // Each pair keeps its own latencies: the client side is 51, 52, 53 ms; the server side 41, 42, 43.
    assert.deepEqual([edge?.client?.p50Ms, edge?.server?.p50Ms].map((x) => Math.round(x!)), [52, 42]);
    assert.deepEqual(g.tracesThrough({ window: '5m', edgeId: 'service:frontend->service:cart' }, T0).traceIds.length, 3);
  });

  it('async messaging: producer -> consumer service edge; an unanswered producer and a root consumer meet the messaging node', () => {
    const g = new ServiceGraph();
    const kafka = { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' };
    feed(
      g,
      [
        { svc: 'checkout', trace: 1, id: 1, kind: 'server', at: -5000, ms: 20 },
        { svc: 'checkout', trace: 1, id: 2, parent: 1, kind: 'producer', at: -4990, ms: 2, attrs: kafka },
        // Consumed 300 ms later, as a child of the producer span.
        { svc: 'payment', trace: 1, id: 3, parent: 2, kind: 'consumer', at: -4690, ms: 50, attrs: { ...kafka, 'messaging.operation.type': 'process' } },
        // Produced, but no consumer ever reports it.
        { svc: 'checkout', trace: 2, id: 1, kind: 'server', at: -4000, ms: 20 },
        { svc: 'checkout', trace: 2, id: 2, parent: 1, kind: 'producer', at: -3990, ms: 3, attrs: kafka },
        // A consumer that starts its own trace (it links the producer rather than being its child).
        { svc: 'shipping', trace: 3, id: 1, kind: 'consumer', at: -3000, ms: 12, error: true, attrs: kafka },
      ],
      -3000,
    );
    assert.equal(g.stats().pendingEdges, 1, 'the unanswered producer waits');
    golden('messaging', snap(g, 60_000));
    assert.equal(g.stats().expiredEdges, 1);
  });

  it('database calls: client spans with db.system(.name), named by db.namespace / db.name, complete at once', () => {
    const g = new ServiceGraph();
    feed(
      g,
      [
        { svc: 'cart', trace: 1, id: 1, kind: 'server', at: -3000, ms: 30 },
        { svc: 'cart', trace: 1, id: 2, parent: 1, kind: 'client', at: -2990, ms: 4, attrs: { 'db.system.name': 'postgresql', 'db.namespace': 'orders', 'db.query.text': 'select 1' } },
        { svc: 'cart', trace: 1, id: 3, parent: 1, kind: 'client', at: -2980, ms: 6, error: true, attrs: { 'db.system': 'postgresql', 'db.name': 'orders' } },
        { svc: 'cart', trace: 1, id: 4, parent: 1, kind: 'client', at: -2970, ms: 1, attrs: { 'db.system': 'redis' } },
      ],
      0,
    );
    assert.equal(g.stats().pendingEdges, 0, 'database calls do not wait for a server span');
    golden('database', snap(g, 0));
  });

  it('a client span whose server never comes becomes an edge to an external node when its TTL is over', () => {
    const g = new ServiceGraph({ ttlMs: 10_000 });
    feed(
      g,
      [
        { svc: 'frontend', trace: 1, id: 1, kind: 'server', at: -1000, ms: 300 },
        { svc: 'frontend', trace: 1, id: 2, parent: 1, kind: 'client', at: -990, ms: 120, attrs: { 'peer.service': 'payments-api', 'server.address': 'pay.example.com' } },
        { svc: 'frontend', trace: 1, id: 3, parent: 1, kind: 'client', at: -800, ms: 200, error: true, attrs: { 'server.address': 'api.stripe.com', 'server.port': 443 } },
        { svc: 'frontend', trace: 1, id: 4, parent: 1, kind: 'client', at: -700, ms: 50, attrs: { 'url.full': 'https://geo.example.org/v1/lookup?ip=1' } },
        { svc: 'frontend', trace: 1, id: 5, parent: 1, kind: 'client', at: -600, ms: 10, attrs: { 'http.url': 'http://[2001:db8::1]:8081/x' } },
        { svc: 'frontend', trace: 1, id: 6, parent: 1, kind: 'client', at: -500, ms: 10 },
      ],
      0,
    );
    assert.deepEqual(snap(g, 9_999).edges.map((e) => e.id), ['user->service:frontend'], 'not before the TTL');
    assert.equal(g.stats().pendingEdges, 5);
    golden('external', snap(g, 10_000));
    assert.equal(g.stats().pendingEdges, 0);
    assert.equal(g.stats().expiredEdges, 5);
  });

  it('a server span whose caller never comes is drawn from the user node after the TTL', () => {
    const g = new ServiceGraph({ ttlMs: 10_000 });
    // reviews was called by an uninstrumented gateway that only propagated the context.
    feed(g, [{ svc: 'reviews', trace: 1, id: 2, parent: 1, kind: 'server', at: -100, ms: 25, attrs: { 'http.response.status_code': 503 } }], 0);
    assert.equal(snap(g, 5_000).edges.length, 0);
    golden('orphan-server', snap(g, 10_000));
  });

  it('the pending store is capped: the oldest half is dropped and counted', () => {
    const g = new ServiceGraph({ ttlMs: 10_000, maxPending: 3 });
    const clients: G[] = [1, 2, 3, 4, 5].map((n) => ({ svc: 'frontend', trace: n, id: 10, kind: 'client', at: n, ms: 5, attrs: { 'peer.service': 'cart' } }));
    feed(g, clients, 0);
    assert.deepEqual({ pending: g.stats().pendingEdges, dropped: g.stats().droppedEdges }, { pending: 3, dropped: 2 });
    // The servers of traces 1 (dropped) and 5 (kept) arrive: only 5 pairs; 1 waits for nothing.
    feed(g, [1, 5].map((n): G => ({ svc: 'cart', trace: n, id: 11, parent: 10, kind: 'server', at: n + 1, ms: 3 })), 1000);
    golden('pending-cap', snap(g, 20_000));
  });

  it('loopback addresses are matched to the service whose server spans reported that port', () => {
    const g = new ServiceGraph({ ttlMs: 10_000 });
    feed(
      g,
      [
        // cart listens on 7070 (its server spans say so); the context did not reach it, so its span is a root.
        { svc: 'cart', ver: '2.1.0', trace: 9, id: 1, kind: 'server', at: -5000, ms: 8, attrs: { 'server.port': 7070, 'url.path': '/cart' } },
        { svc: 'frontend', trace: 1, id: 1, kind: 'client', at: -4000, ms: 10, attrs: { 'server.address': 'localhost', 'server.port': 7070 } },
        { svc: 'frontend', trace: 2, id: 1, kind: 'client', at: -3900, ms: 11, attrs: { 'url.full': 'http://127.0.0.1:7070/cart' } },
        { svc: 'frontend', trace: 3, id: 1, kind: 'client', at: -3800, ms: 12, attrs: { 'net.peer.name': '::1', 'net.peer.port': 7070 } },
        // Nobody reported port 9999: an external node that says where it went.
        { svc: 'frontend', trace: 4, id: 1, kind: 'client', at: -3700, ms: 13, attrs: { 'server.address': '127.0.0.1', 'server.port': 9999 } },
      ],
      0,
    );
    golden('localhost', snap(g, 10_000));
    golden('localhost-versioned', snap(g, 10_000, '5m', true));
  });

  it('versions: service.version, else a k8s.deployment.name suffix; shares per version', () => {
    const g = new ServiceGraph();
    const specs: G[] = [];
    let trace = 1;
    // 6 requests to reviews v1, 3 to v2 (service.version), 1 to v3 (deployment reviews-v3 only).
    for (const [ver, n] of [['v1', 6], ['v2', 3], ['v3', 1]] as const) {
      for (let i = 0; i < n; i++, trace++) {
        const [c, s] = call(trace, 1, 'productpage', 'reviews', -30_000 + trace * 100, 20, 10, { fromVer: 'v1' });
        specs.push(c, ver === 'v3' ? { ...s, ver: undefined, res: { 'k8s.deployment.name': 'reviews-v3' } } : { ...s, ver });
      }
    }
    // One request from reviews v2 to ratings (no version at all).
    specs.push(...call(trace, 5, 'reviews', 'ratings', -20_000, 5, 3, { fromVer: 'v2' }));
    feed(g, specs, 0);
    golden('versions', snap(g, 0, '1m', true));
    golden('versions-unversioned', snap(g, 0, '1m', false));
  });
});

void T0;
