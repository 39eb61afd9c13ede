// The Map tab on the demo mesh, as a user first meets it: `meshlens serve --demo` (what `npm start`
// runs) records Bookinfo's requests with the OpenTelemetry SDK and sends them over OTLP to its own
// receiver; the viewer in Chromium must draw the mesh the demo's contract describes (docs/traces.md:
// services, the MongoDB database, the Kafka messaging edge, reviews v1/v2/v3 behind the 80/20
// route), label every edge with the figures the graph API gives for the same window, and let
// find, hide and a click on an edge work on it. Screenshots: demo-map*.png in test/browser/artifacts.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { GraphDto, GraphEdgeDto } from '../../src/shared/graph';
import type { TraceDto } from '../../src/shared/protocol';
import { edgeLabel } from '../../webview/model/map-format';
import { screenshot, tid } from './lib/browser';
import type { Serve } from './lib/serve';
import { useViewerSession } from './lib/session';

const REQUESTS = 400;
const node = (id: string) => `${tid('map-node')}[data-node-id="${id}"]`;
const edge = (id: string) => `${tid('map-edge')}[data-edge-id="${id}"]`;

// The demo's mesh (src/demo/mesh.ts, docs/traces.md), written out: the test fails if the demo or
// the graph stops giving exactly this.
const NODES = ['database:mongodb/ratings', 'service:details', 'service:notifications', 'service:productpage', 'service:ratings', 'service:reviews', 'user'];
const EDGES = [
  'service:productpage->service:details',
  'service:productpage->service:reviews',
  'service:ratings->database:mongodb/ratings',
  'service:reviews->service:notifications#messaging',
  'service:reviews->service:ratings',
  'user->service:productpage',
];
const REVIEWS = ['v1', 'v2', 'v3'].map((v) => `version:reviews@${v}`);


/** Resolves when serve's demo has sent all its requests (it says so on stderr). */
function demoSent(serve: Serve): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = /meshlens: demo traffic sent [^\n]*\n/.exec(serve.stderr());
      if (m) {
        serve.child.stderr!.off('data', check);
        resolve(m[0]);
      }
    };
    serve.child.stderr!.on('data', check);
    serve.child.once('exit', (code) => reject(new Error(`meshlens serve --demo exited with ${code}: ${serve.stderr()}`)));
    check();
  });
}

async function apiGraph(serve: Serve, versioned: boolean): Promise<GraphDto> {
  const res = await fetch(`${serve.api}/api/graph?window=5m&versioned=${versioned}`);
  assert.equal(res.status, 200);
  return (await res.json()) as GraphDto;
}

async function ids(page: Page, what: 'map-node' | 'map-edge'): Promise<string[]> {
  const attr = what === 'map-node' ? 'data-node-id' : 'data-edge-id';
  return (await page.locator(tid(what)).evaluateAll((els, a) => els.map((e) => e.getAttribute(a) ?? ''), attr)).sort();
}

async function waitForIds(page: Page, what: 'map-node' | 'map-edge', want: readonly string[]): Promise<void> {
  const attr = what === 'map-node' ? 'data-node-id' : 'data-edge-id';
  await page.waitForFunction(
    ({ sel, attr, want }) => JSON.stringify(Array.from(document.querySelectorAll(sel)).map((n) => n.getAttribute(attr)).sort()) === want,
    { sel: tid(what), attr, want: JSON.stringify([...want].sort()) },
  );
}

async function label(page: Page, edgeId: string): Promise<string> {
  return (await page.locator(`${edge(edgeId)} ${tid('map-edge-label')}`).textContent()) ?? '';
}

function requests(e: GraphEdgeDto): number {
  return (e.server ?? e.client)!.requests;
}

describe('service map of the demo mesh (meshlens serve --demo, as npm start runs it)', function () {
  let flat: GraphDto;
  let versioned: GraphDto;
  let page: Page;
  const session = useViewerSession({
    // A fixed seed and a high rate: the same 400 requests on every run, sent in a few seconds.
    serveArgs: ['--demo', '--count', String(REQUESTS), '--rate', '200', '--seed', '11'],
    beforeOpen: async (serve) => {
      const sent = await demoSent(serve);
      assert.match(sent, new RegExp(`sent ${REQUESTS} requests`));
      flat = await apiGraph(serve, false);
      versioned = await apiGraph(serve, true);
    },
    tab: 'map',
  });

  before(function () {
    page = session.page;
  });

  it('draws the demo mesh: its services, the database and the messaging edge, each edge labelled as the graph counts it', async function () {
    assert.deepEqual(flat.nodes.map((n) => n.id), NODES, 'the graph API');
    assert.deepEqual(flat.edges.map((e) => e.id), EDGES, 'the graph API');
    assert.equal(flat.stats.pendingEdges, 0, 'every call paired');
    await waitForIds(page, 'map-node', NODES);
    assert.deepEqual(await ids(page, 'map-edge'), EDGES);
    assert.equal(await page.locator(node('database:mongodb/ratings')).getAttribute('data-kind'), 'database');
    assert.equal(await page.locator(node('user')).getAttribute('data-kind'), 'user');
    // The label is the API's figures for the same window, as the map formats them (rate, error %, p95; map-format.ts).
    for (const e of flat.edges) assert.equal(await label(page, e.id), edgeLabel(e), e.id);
    assert.match(await label(page, 'user->service:productpage'), /^[\d.]+ rps · [\d.]+% · p95 [\d.]+ (ms|s)$/);
    // Every page view calls details and reviews once, and reviews publishes one event each.
    for (const id of ['user->service:productpage', 'service:productpage->service:details', 'service:productpage->service:reviews', 'service:reviews->service:notifications#messaging']) {
      assert.equal(requests(flat.edges.find((e) => e.id === id)!), REQUESTS, id);
    }
    await screenshot(page, 'demo-map');
  });

  it('versioned: reviews v1, v2 and v3 inside the reviews box, v1/v2 split as the route asks (80/20)', async function () {
    await page.locator(tid('map-versioned')).click();
    await page.locator(node(REVIEWS[2])).waitFor();
    const app = (await page.locator(node('service:reviews')).boundingBox())!;
    for (const v of REVIEWS) {
      const b = (await page.locator(node(v)).boundingBox())!;
      assert.ok(b.x >= app.x && b.y >= app.y && b.x + b.width <= app.x + app.width && b.y + b.height <= app.y + app.height, `${v} is not inside the reviews box`);
    }
    assert.deepEqual(await ids(page, 'map-edge'), versioned.edges.map((e) => e.id));
    const into = REVIEWS.map((v) => versioned.edges.find((e) => e.id === `version:productpage@v1->${v}`)!);
    for (const e of into) {
      assert.equal(await label(page, e.id), edgeLabel(e), e.id);
      assert.match(await label(page, e.id), / · [\d.]+% share$/, `${e.id} shows its share`);
    }
    // v3 is jason's (5%); the others split 80/20. Binomial: 3 standard deviations of the v1 share.
    const [v1, v2] = into.map(requests);
    const n = v1 + v2;
    assert.ok(Math.abs(v1 / n - 0.8) <= 3 * Math.sqrt((0.8 * 0.2) / n), `v1 took ${v1} of ${n} (${((100 * v1) / n).toFixed(1)}%), the route asks 80%`);
    await screenshot(page, 'demo-map-versioned');
    await page.locator(tid('map-versioned')).click();
    await waitForIds(page, 'map-node', NODES);
  });

  it('find highlights what matches; hide removes a node with its edges', async function () {
    const find = page.locator(`${tid('map-find')} input`);
    const hide = page.locator(`${tid('map-hide')} input`);
    const found = () => page.locator(`${tid('map-node')}.found`).evaluateAll((ns) => ns.map((n) => n.getAttribute('data-node-id')).sort());
    await find.fill('name=reviews');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, `${tid('map-node')}.found`);
    assert.deepEqual(await found(), ['service:reviews']);
    await find.fill('kind=database');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-node-id') === 'database:mongodb/ratings' && document.querySelectorAll(sel).length === 1, `${tid('map-node')}.found`);
    await screenshot(page, 'demo-map-find');
    await find.fill('');
    await hide.fill('name=notifications');
    await page.locator(node('service:notifications')).waitFor({ state: 'detached' });
    assert.deepEqual(await ids(page, 'map-edge'), EDGES.filter((id) => !id.includes('notifications')));
    await hide.fill('');
    await waitForIds(page, 'map-node', NODES);
  });

  it('a click on the productpage -> reviews edge lists traces that all go through it', async function () {
    const id = 'service:productpage->service:reviews';
    await page.locator(`${edge(id)} ${tid('map-edge-label')}`).click();
    const details = page.locator(tid('map-details'));
    await details.waitFor();
    assert.match((await details.locator('h2').textContent()) ?? '', /^productpage → reviews$/);
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, tid('map-trace'));
    const listed = await details.locator(tid('map-trace')).evaluateAll((bs) => bs.map((b) => b.getAttribute('data-trace-id') ?? ''));
    assert.equal(listed.length, 20, 'the details list the newest 20 of the edge\'s traces');
    for (const traceId of listed.slice(0, 5)) {
      const res = await fetch(`${session.serve.api}/api/traces/${traceId}`);
      assert.equal(res.status, 200);
      const t = (await res.json()) as TraceDto;
      const service = (s: TraceDto['spans'][number]) => t.resources[s.resource].serviceName;
      const client = t.spans.find((s) => s.kindName === 'CLIENT' && service(s) === 'productpage' && s.name.includes('/reviews'));
      assert.ok(client, `${traceId} has no productpage call to reviews`);
      assert.ok(t.spans.some((s) => s.kindName === 'SERVER' && service(s) === 'reviews' && s.parentSpanId === client.spanId), `${traceId}: reviews did not answer productpage's call`);
    }
    await screenshot(page, 'demo-map-edge');
  });
});
