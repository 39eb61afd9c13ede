// Strict params of the viewer methods `graph` and `graphTraces` (src/receiver/graph-params.ts), and
// tracesThrough: trace ids through a node or an edge, newest first, per window, bounded.
import * as assert from 'node:assert/strict';
import { MAX_GRAPH_TRACES_LIMIT, ServiceGraph } from '../../../src/core/graph';
import { GraphParamsError, parseGraphParams } from '../../../src/receiver/graph-params';
import { call, feed, T0, tid } from './helpers';

describe('graph params', () => {
  it('takes well-formed params as they are', () => {
    assert.deepEqual(parseGraphParams('graph', { window: '5m' }), { window: '5m' });
    assert.deepEqual(parseGraphParams('graph', { window: 'all', versioned: true }), { window: 'all', versioned: true });
    assert.deepEqual(parseGraphParams('graphTraces', { window: '1m', nodeId: 'service:cart' }), { window: '1m', nodeId: 'service:cart' });
    assert.deepEqual(parseGraphParams('graphTraces', { window: '15m', edgeId: 'user->service:cart', limit: 1000 }), { window: '15m', edgeId: 'user->service:cart', limit: 1000 });
  });

  const bad: [string, 'graph' | 'graphTraces', unknown, RegExp][] = [
    ['not an object', 'graph', null, /params must be an object/],
    ['an array', 'graph', [], /params must be an object/],
    ['no window', 'graph', {}, /window must be one of 1m, 5m, 15m, all, got nothing/],
    ['a bad window', 'graph', { window: '2m' }, /window must be one of .* got "2m"/],
    ['an unknown key', 'graph', { window: '5m', version: true }, /unknown parameter "version"; known: window, versioned/],
    ['versioned not a boolean', 'graph', { window: '5m', versioned: 'yes' }, /versioned must be true or false/],
    ['neither id', 'graphTraces', { window: '5m' }, /exactly one of nodeId and edgeId/],
    ['both ids', 'graphTraces', { window: '5m', nodeId: 'user', edgeId: 'user->service:a' }, /exactly one of nodeId and edgeId/],
    ['an empty id', 'graphTraces', { window: '5m', nodeId: '' }, /nodeId must be a node or edge id/],
    ['an id not a string', 'graphTraces', { window: '5m', edgeId: 3 }, /edgeId must be/],
    ['limit 0', 'graphTraces', { window: '5m', nodeId: 'user', limit: 0 }, /limit must be a whole number from 1 to 1000, got 0/],
    ['limit too big', 'graphTraces', { window: '5m', nodeId: 'user', limit: 1001 }, /limit must be a whole number from 1 to 1000/],
    ['limit not whole', 'graphTraces', { window: '5m', nodeId: 'user', limit: 2.5 }, /limit must be a whole number/],
    ['limit a string', 'graphTraces', { window: '5m', nodeId: 'user', limit: '10' }, /limit must be a whole number/],
    ['an inherited key is not a param', 'graph', Object.create({ window: '5m' }), /window must be one of/],
  ];
  for (const [what, method, params, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseGraphParams(method, params), (e: unknown) => e instanceof GraphParamsError && message.test(e.message));
    });
  }
});

describe('traces through a node or an edge', () => {
  function graph(): ServiceGraph {
    const g = new ServiceGraph({ tracesPerEdge: 5 });
    // Traces 1..8 frontend -> cart (one a second, trace 8 newest), 9 and 10 frontend -> ads, 11 cart v2 -> db.
    for (let t = 1; t <= 8; t++) feed(g, call(t, 1, 'frontend', 'cart', -90_000 + t * 10_000, 5, 3, { toVer: t % 2 ? 'v1' : 'v2' }), 0);
    feed(g, [...call(9, 1, 'frontend', 'ads', -5000, 5, 3), ...call(10, 1, 'frontend', 'ads', -4000, 5, 3)], 0);
    feed(g, [{ svc: 'cart', ver: 'v2', trace: 11, id: 1, kind: 'client', at: -3000, ms: 1, attrs: { 'db.system': 'redis' } }], 0);
    return g;
  }
  const ids = (...ns: number[]) => ns.map(tid);

  it('an edge: newest first, only the window, bounded per edge series', () => {
    const g = graph();
    // Per versioned series (v1: 1,3,5,7; v2: 2,4,6,8) at most 5 each: all 8 kept.
    assert.deepEqual(g.tracesThrough({ window: 'all', edgeId: 'service:frontend->service:cart' }, T0).traceIds, ids(8, 7, 6, 5, 4, 3, 2, 1));
    // 1m: starts from 59 s before now: traces 4..8 (at -50 s .. -10 s).
    assert.deepEqual(g.tracesThrough({ window: '1m', edgeId: 'service:frontend->service:cart' }, T0).traceIds, ids(8, 7, 6, 5, 4));
    assert.deepEqual(g.tracesThrough({ window: 'all', edgeId: 'service:frontend->service:cart', limit: 3 }, T0).traceIds, ids(8, 7, 6));
    // A versioned edge id.
    assert.deepEqual(g.tracesThrough({ window: 'all', edgeId: 'service:frontend->version:cart@v2' }, T0).traceIds, ids(8, 6, 4, 2));
  });

  it('a node: every edge in or out of it; a version node only its own', () => {
    const g = graph();
    assert.deepEqual(g.tracesThrough({ window: 'all', nodeId: 'service:cart', limit: 4 }, T0).traceIds, ids(11, 8, 7, 6));
    assert.deepEqual(g.tracesThrough({ window: 'all', nodeId: 'version:cart@v2' }, T0).traceIds, ids(11, 8, 6, 4, 2));
    assert.deepEqual(g.tracesThrough({ window: 'all', nodeId: 'database:redis/redis' }, T0).traceIds, ids(11));
    assert.deepEqual(g.tracesThrough({ window: '5m', nodeId: 'service:nothing' }, T0).traceIds, []);
  });

  it('the ring keeps the newest of each edge series', () => {
    const g = new ServiceGraph({ tracesPerEdge: 3 });
    for (let t = 1; t <= 7; t++) feed(g, call(t, 1, 'a', 'b', -10_000 + t * 100, 2, 1), 0);
    assert.deepEqual(g.tracesThrough({ window: 'all', edgeId: 'service:a->service:b', limit: MAX_GRAPH_TRACES_LIMIT }, T0).traceIds, ids(7, 6, 5));
  });
});
