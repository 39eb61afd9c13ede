// The Map tab in Chromium against `meshlens serve`, fed a Bookinfo-like mesh through the
// OpenTelemetry JS SDK (lib/mesh.ts): nodes by kind, edges labelled with the rate, error % and p95
// the recorded spans give, health colours, the versioned app boxes, find/hide expressions (and the
// message for a bad one), an edge's traces opening in the waterfall, keyboard use, and a live
// update that keeps every node where it was. Expectations come from the spans the SDK recorded.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Page } from 'playwright-core';
import { DEFAULT_HEALTH_THRESHOLDS, GRAPH_WINDOW_MS } from '../../src/shared/graph';
import { assertNoPageErrors, screenshot, spanRow, tid, vscodeApiStub, type ViewerPage } from './lib/browser';
import { feedAds, feedMesh, observedEdges, percentile, type Mesh, type ObservedEdge } from './lib/mesh';
import { useViewerSession } from './lib/session';

const WINDOW_S = GRAPH_WINDOW_MS['5m'] / 1000;
const node = (id: string) => `${tid('map-node')}[data-node-id="${id}"]`;
const edge = (id: string) => `${tid('map-edge')}[data-edge-id="${id}"]`;

/** The numbers in an edge label "0.067 rps · 10% · p95 22 ms[ · 40% share]". */
function parseLabel(text: string): { rate: number; errorPct: number; p95Ms: number; sharePct?: number } {
  const m = /^([\d.]+) rps · ([\d.]+)% · p95 ([\d.]+) (ms|s)(?: · ([\d.]+)% share)?$/.exec(text);
  assert.ok(m, `edge label "${text}" is not "<rate> rps · <errors>% · p95 <latency>"`);
  return { rate: Number(m[1]), errorPct: Number(m[2]), p95Ms: Number(m[3]) * (m[4] === 's' ? 1000 : 1), sharePct: m[5] === undefined ? undefined : Number(m[5]) };
}

function near(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-9, `${what}: ${actual}, expected ${expected} (±${rel * 100}%)`);
}

function healthOf(e: ObservedEdge): string {
  const rate = e.errors / e.requests;
  return rate >= DEFAULT_HEALTH_THRESHOLDS.failure ? 'failure' : rate >= DEFAULT_HEALTH_THRESHOLDS.degraded ? 'degraded' : 'healthy';
}

function kindOf(id: string): string {
  return id === 'user' ? 'user' : id.slice(0, id.indexOf(':'));
}

/**
 * `durationsMs.length` calls from `caller` to `callee` as OTLP/JSON: the caller's server span (so
 * users call it), its client span, the callee's server span under it; every `failEvery`-th fails.
 */
async function postCalls(otlpHttp: string, caller: string, callee: string, durationsMs: readonly number[], failEvery = 0): Promise<void> {
  const now = Date.now() - 20_000;
  const ns = (ms: number) => String(BigInt(Math.round(ms * 1000)) * 1000n);
  const callerSpans: unknown[] = [];
  const calleeSpans: unknown[] = [];
  durationsMs.forEach((ms, i) => {
    const traceId = randomBytes(16).toString('hex');
    const [root, client, server] = [0, 1, 2].map(() => randomBytes(8).toString('hex'));
    const t = now + i * 50;
    const status = failEvery && i % failEvery === failEvery - 1 ? { code: 2, message: 'failed' } : { code: 0 };
    callerSpans.push({ traceId, spanId: root, name: 'GET /', kind: 2, startTimeUnixNano: ns(t), endTimeUnixNano: ns(t + ms + 2), status: { code: 0 } });
    callerSpans.push({ traceId, spanId: client, parentSpanId: root, name: `GET ${callee}`, kind: 3, startTimeUnixNano: ns(t + 1), endTimeUnixNano: ns(t + 1 + ms), attributes: [{ key: 'server.address', value: { stringValue: callee } }], status });
    calleeSpans.push({ traceId, spanId: server, parentSpanId: client, name: 'GET /', kind: 2, startTimeUnixNano: ns(t + 1.2), endTimeUnixNano: ns(t + 0.8 + ms), status });
  });
  const resource = (name: string, spans: unknown[]) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] }, scopeSpans: [{ scope: { name: 'map.test' }, spans }] });
  const res = await fetch(`${otlpHttp}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resourceSpans: [resource(caller, callerSpans), resource(callee, calleeSpans)] }) });
  assert.equal(res.status, 200, await res.text());
}

async function transforms(page: Page): Promise<Record<string, string | null>> {
  return page.locator(tid('map-node')).evaluateAll((ns) => Object.fromEntries(ns.map((n) => [n.getAttribute('data-node-id'), n.getAttribute('transform')])));
}

async function labelOf(page: Page, edgeId: string): Promise<string> {
  return (await page.locator(`${edge(edgeId)} ${tid('map-edge-label')}`).textContent()) ?? '';
}

/** Waits until the edge's label differs from `before`, and returns it. */
async function labelChanged(page: Page, edgeId: string, before: string): Promise<string> {
  await page.waitForFunction(({ sel, before }) => (document.querySelector(sel)?.textContent ?? before) !== before, { sel: `${edge(edgeId)} ${tid('map-edge-label')}`, before });
  return labelOf(page, edgeId);
}

async function nodeIds(page: Page): Promise<string[]> {
  return (await page.locator(tid('map-node')).evaluateAll((ns) => ns.map((n) => n.getAttribute('data-node-id') ?? ''))).sort();
}

async function edgeIds(page: Page): Promise<string[]> {
  return (await page.locator(tid('map-edge')).evaluateAll((es) => es.map((e) => e.getAttribute('data-edge-id') ?? ''))).sort();
}

async function waitForNodes(page: Page, ids: readonly string[]): Promise<void> {
  const want = JSON.stringify([...ids].sort());
  await page.waitForFunction(
    ({ sel, want }) => JSON.stringify(Array.from(document.querySelectorAll(sel)).map((n) => n.getAttribute('data-node-id')).sort()) === want,
    { sel: tid('map-node'), want },
  );
}

describe('service map (meshlens serve + OpenTelemetry JS SDK, Bookinfo-like mesh)', function () {
  let page: Page;
  let mesh: Mesh;
  let flat: Map<string, ObservedEdge>;
  let versioned: Map<string, ObservedEdge>;
  let flatNodes: string[];
  const session = useViewerSession({
    beforeOpen: async (serve) => {
      mesh = await feedMesh(serve.otlpHttp);
      flat = observedEdges(mesh.spans, false);
      versioned = observedEdges(mesh.spans, true);
      flatNodes = [...new Set([...flat.values()].flatMap((e) => e.id.replace(/#.*$/, '').split('->')))].sort();
    },
    tab: 'map',
  });

  before(function () {
    page = session.page;
  });

  it('draws every node by kind and every edge with the rate, error % and p95 the spans give, coloured by health', async function () {
    // The mesh as the spans make it: 7 nodes, 6 edges (user, database and messaging included).
    assert.deepEqual(flatNodes, ['database:mysql/ratings', 'service:details', 'service:notifications', 'service:productpage', 'service:ratings', 'service:reviews', 'user']);
    await waitForNodes(page, flatNodes);
    for (const id of flatNodes) assert.equal(await page.locator(node(id)).getAttribute('data-kind'), kindOf(id), id);
    assert.deepEqual(await edgeIds(page), [...flat.keys()].sort());
    for (const e of flat.values()) {
      const label = parseLabel((await page.locator(`${edge(e.id)} ${tid('map-edge-label')}`).textContent()) ?? '');
      near(label.rate, e.requests / WINDOW_S, 0.03, `${e.id} rate`);
      near(label.errorPct, (100 * e.errors) / e.requests, 0.02, `${e.id} error %`);
      // The graph's percentiles come from a log histogram (within 2.19%); the label rounds to the ms.
      const p95 = percentile(e.durationsMs, 95);
      assert.ok(Math.abs(label.p95Ms - p95) <= 0.022 * p95 + 0.5, `${e.id} p95: ${label.p95Ms} ms, the spans give ${p95} ms`);
      assert.match((await page.locator(edge(e.id)).getAttribute('class')) ?? '', new RegExp(`\\bh-${healthOf(e)}\\b`), `${e.id} health`);
    }
    // Both degraded and failing edges are in this mesh (details 10%, ratings 25%).
    assert.deepEqual([...new Set([...flat.values()].map(healthOf))].sort(), ['degraded', 'failure', 'healthy']);
    const legend = (await page.locator(tid('map-legend')).textContent()) ?? '';
    assert.match(legend, /0\.1%/);
    assert.match(legend, /20%/);
    const reviews = flat.get('service:productpage->service:reviews')!;
    assert.equal(await page.locator(node('service:reviews')).getAttribute('aria-label'), `reviews, service, ${+(reviews.requests / WINDOW_S).toPrecision(2)} req/s, 0% errors`);
    // Callers before callees: each edge's source box is left of its target's.
    for (const e of flat.values()) {
      const [s, t] = e.id.replace(/#.*$/, '').split('->');
      const a = (await page.locator(node(s)).boundingBox())!;
      const b = (await page.locator(node(t)).boundingBox())!;
      assert.ok(a.x + a.width <= b.x, `${s} is not left of ${t}`);
    }
    await screenshot(page, 'map');
  });

  it('versioned: reviews v1, v2 and v3 inside the reviews box, with each version\'s share', async function () {
    await page.locator(tid('map-versioned')).click();
    const versions = ['version:reviews@v1', 'version:reviews@v2', 'version:reviews@v3'];
    await page.locator(node(versions[2])).waitFor();
    const app = (await page.locator(node('service:reviews')).boundingBox())!;
    for (const v of versions) {
      const b = (await page.locator(node(v)).boundingBox())!;
      assert.ok(b.x >= app.x && b.y >= app.y && b.x + b.width <= app.x + app.width && b.y + b.height <= app.y + app.height, `${v} is not inside the reviews box`);
    }
    assert.deepEqual(await edgeIds(page), [...versioned.keys()].sort());
    const intoReviews = versions.map((v) => versioned.get(`version:productpage@v1->${v}`)!);
    const total = intoReviews.reduce((n, e) => n + e.requests, 0);
    for (const e of intoReviews) {
      const label = parseLabel((await page.locator(`${edge(e.id)} ${tid('map-edge-label')}`).textContent()) ?? '');
      near(label.sharePct!, (100 * e.requests) / total, 0.01, `${e.id} share`);
    }
    await screenshot(page, 'map-versioned');
    await page.locator(tid('map-versioned')).click();
    await waitForNodes(page, flatNodes);
  });

  it('find highlights what matches, hide removes it with its edges, a bad expression says why', async function () {
    const find = page.locator(`${tid('map-find')} input`);
    const hide = page.locator(`${tid('map-hide')} input`);
    const found = () => page.locator(`${tid('map-node')}.found`).evaluateAll((ns) => ns.map((n) => n.getAttribute('data-node-id')).sort());

    await find.fill('name=reviews');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, `${tid('map-node')}.found`);
    assert.deepEqual(await found(), ['service:reviews']);

    // Nodes whose served requests failed more than 5% of the time, from the spans.
    const inbound = new Map<string, { requests: number; errors: number }>();
    for (const e of flat.values()) {
      const t = e.id.replace(/#.*$/, '').split('->')[1];
      const n = inbound.get(t) ?? { requests: 0, errors: 0 };
      inbound.set(t, { requests: n.requests + e.requests, errors: n.errors + e.errors });
    }
    // Database calls are judged by the caller's status too; only services serve with a status of their own here.
    const failing = [...inbound].filter(([, n]) => n.errors / n.requests > 0.05).map(([id]) => id).sort();
    assert.deepEqual(failing, ['service:details', 'service:ratings']);
    await find.fill('errors>5% kind=service');
    await page.waitForFunction((n) => document.querySelectorAll(n.sel).length === n.count, { sel: `${tid('map-node')}.found`, count: failing.length });
    assert.deepEqual(await found(), failing);

    await find.fill('p95>fast');
    const message = page.locator(tid('map-expr-error'));
    await message.waitFor();
    assert.match((await message.textContent()) ?? '', /Find: "fast" is not a duration/);
    assert.equal(await page.locator(tid('map-find')).getAttribute('aria-invalid'), 'true');
    await find.fill('');
    await message.waitFor({ state: 'hidden' });
    assert.deepEqual(await found(), []);

    await hide.fill('kind=database');
    await page.locator(node('database:mysql/ratings')).waitFor({ state: 'detached' });
    assert.deepEqual(await edgeIds(page), [...flat.keys()].filter((id) => !id.includes('database:')).sort());
    await hide.fill('name=reviews');
    await page.locator(node('service:reviews')).waitFor({ state: 'detached' });
    assert.deepEqual(await nodeIds(page), flatNodes.filter((id) => id !== 'service:reviews'));
    assert.deepEqual(await edgeIds(page), [...flat.keys()].filter((id) => !id.includes('service:reviews')).sort());
    await hide.fill('');
    await waitForNodes(page, flatNodes);
  });

  it('a click on an edge shows its client and server figures and its traces; a trace opens in the waterfall', async function () {
    const e = flat.get('service:productpage->service:reviews')!;
    await page.locator(`${edge(e.id)} ${tid('map-edge-label')}`).click();
    const details = page.locator(tid('map-details'));
    await details.waitFor();
    assert.match((await details.locator('h2').textContent()) ?? '', /^productpage → reviews$/);
    const requestsRow = await details.locator(`${tid('map-metrics')} tbody tr`).first().locator('td').allTextContents();
    assert.deepEqual(requestsRow, [String(e.requests), String(e.requests)]);
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, tid('map-trace'));
    const listed = await details.locator(tid('map-trace')).evaluateAll((bs) => bs.map((b) => b.getAttribute('data-trace-id') ?? ''));
    for (const id of listed) assert.ok(e.traceIds.has(id), `${id} did not go through ${e.id}`);
    assert.equal(listed.length, Math.min(20, e.traceIds.size));
    await screenshot(page, 'map-details');

    const traceId = listed[0];
    const root = mesh.spans.find((s: ReadableSpan) => s.spanContext().traceId === traceId && !s.parentSpanContext)!;
    await details.locator(`${tid('map-trace')}[data-trace-id="${traceId}"]`).click();
    assert.equal(await page.locator(tid('tab-traces')).getAttribute('aria-selected'), 'true');
    await page.locator(spanRow(root.spanContext().spanId)).waitFor();
    assert.equal(await page.locator(tid('map')).isVisible(), false);
    await page.locator(tid('tab-map')).click();
  });

  it('keyboard: arrows move between nodes, Enter selects, accessible names; tabs move with arrows', async function () {
    await page.locator(node('user')).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node-id')), 'service:productpage');
    await page.keyboard.press('Enter');
    const details = page.locator(tid('map-details'));
    assert.match((await details.locator('h2').textContent()) ?? '', /^productpage$/);
    // Its edges are buttons in the details: an edge's figures without a mouse.
    const own = [...flat.keys()].filter((id) => id.replace(/#.*$/, '').split('->').includes('service:productpage')).sort();
    assert.deepEqual((await details.locator(tid('map-node-edge')).evaluateAll((bs) => bs.map((b) => b.getAttribute('data-edge-id') ?? ''))).sort(), own);
    await details.locator(`${tid('map-node-edge')}[data-edge-id="service:productpage->service:details"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'productpage → details', `${tid('map-details')} h2`);
    await page.locator(node('service:productpage')).focus();
    await page.keyboard.press('Enter');
    assert.match((await details.locator('h2').textContent()) ?? '', /^productpage$/);
    assert.equal(await page.locator(`${tid('map-node')}[tabindex="0"]`).count(), 1);
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'hidden' });

    await page.locator(tid('tab-map')).focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.locator(tid('tab-traces')).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'tab-traces');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator(tid('tab-map')).getAttribute('aria-selected'), 'true');
    await page.locator(tid('map')).waitFor();
  });

  it('zoom and pan, then Fit (the button and f) shows the whole map again; the animation toggle stops the dashes', async function () {
    const fitted = await page.locator(`${tid('map')} g.viewport`).getAttribute('transform');
    // The fit is animated: equal within a hundredth of a pixel or of a zoom step.
    // The fit is animated: equal within a hundredth (no named helpers inside: this runs in the page).
    const isFitted = (want: string | null) => {
      const [got, exp] = [document.querySelector('[data-testid="map"] g.viewport')?.getAttribute('transform'), want].map((t) => (t ?? '').match(/-?[\d.]+(e-?\d+)?/g)?.map(Number) ?? []);
      return got.length > 0 && got.length === exp.length && got.every((v, i) => Math.abs(v - exp[i]) < 0.01);
    };
    const canvas = (await page.locator(`${tid('map')} svg.map-svg`).boundingBox())!;
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await page.mouse.wheel(0, -600);
    await page.waitForFunction((t) => document.querySelector('[data-testid="map"] g.viewport')?.getAttribute('transform') !== t, fitted);
    await page.keyboard.press('f');
    await page.waitForFunction(isFitted, fitted);
    await page.mouse.wheel(0, 400);
    await page.waitForFunction((t) => document.querySelector('[data-testid="map"] g.viewport')?.getAttribute('transform') !== t, fitted);
    await page.locator(tid('map-fit')).click();
    await page.waitForFunction(isFitted, fitted);

    const flow = page.locator(`${edge('service:productpage->service:reviews')} path.flow`);
    assert.notEqual(await flow.evaluate((e) => getComputedStyle(e).animationName), 'none');
    await page.locator(tid('map-animate')).click();
    assert.equal(await flow.evaluate((e) => getComputedStyle(e).animationName), 'none');
    await page.locator(tid('map-animate')).click();
    assert.notEqual(await flow.evaluate((e) => getComputedStyle(e).animationName), 'none');
  });

  it('a live update adds the new service and keeps every other node where it was', async function () {
    const before = await page.locator(tid('map-node')).evaluateAll((ns) => Object.fromEntries(ns.map((n) => [n.getAttribute('data-node-id'), n.getAttribute('transform')])));
    await feedAds(session.serve.otlpHttp, 5);
    await page.locator(node('service:ads')).waitFor();
    const after = await page.locator(tid('map-node')).evaluateAll((ns) => Object.fromEntries(ns.map((n) => [n.getAttribute('data-node-id'), n.getAttribute('transform')])));
    for (const id of flatNodes) assert.equal(after[id], before[id], `${id} moved`);
    const ads = (await page.locator(node('service:ads')).boundingBox())!;
    for (const id of flatNodes) {
      const b = (await page.locator(node(id)).boundingBox())!;
      assert.ok(ads.x >= b.x + b.width || b.x >= ads.x + ads.width || ads.y >= b.y + b.height || b.y >= ads.y + ads.height, `ads overlaps ${id}`);
    }
    await page.locator(edge('service:productpage->service:ads')).waitFor();
  });

  it('a live update with new figures rewrites the edge labels, and moves no node', async function () {
    const id = 'service:productpage->service:details';
    const e = flat.get(id)!;
    const before = await labelOf(page, id);
    const where = await transforms(page);
    // 30 more calls, every third failing.
    await postCalls(session.serve.otlpHttp, 'productpage', 'details', Array.from({ length: 30 }, (_, i) => 5 + i), 3);
    const label = parseLabel(await labelChanged(page, id, before));
    near(label.rate, (e.requests + 30) / WINDOW_S, 0.03, `${id} rate`);
    near(label.errorPct, (100 * (e.errors + 10)) / (e.requests + 30), 0.02, `${id} error %`);
    // 12 errors in 50 requests: failing now (was degraded).
    await page.waitForFunction((sel) => /\bh-failure\b/.test(document.querySelector(sel)?.getAttribute('class') ?? ''), edge(id));
    assert.match((await page.locator(edge(id)).getAttribute('aria-label')) ?? '', new RegExp(`${+((e.requests + 30) / WINDOW_S).toPrecision(2)} req/s, 24% errors`));
    assert.deepEqual(await transforms(page), where);
  });

  it('a live update with a new service deep in the map: placed after its caller, nothing else moves', async function () {
    const before = await transforms(page);
    await postCalls(session.serve.otlpHttp, 'ratings', 'promo', [3, 4, 5]);
    await page.locator(node('service:promo')).waitFor();
    await page.locator(edge('service:ratings->service:promo')).waitFor();
    const after = await transforms(page);
    for (const [id, t] of Object.entries(before)) assert.equal(after[id], t, `${id} moved`);
    const promo = (await page.locator(node('service:promo')).boundingBox())!;
    const ratings = (await page.locator(node('service:ratings')).boundingBox())!;
    assert.ok(promo.x >= ratings.x + ratings.width, 'promo is not right of its caller');
    for (const id of Object.keys(before)) {
      const b = (await page.locator(node(id!)).boundingBox())!;
      assert.ok(promo.x >= b.x + b.width || b.x >= promo.x + promo.width || promo.y >= b.y + b.height || b.y >= promo.y + promo.height, `promo overlaps ${id}`);
    }
    assert.equal(parseLabel(await labelOf(page, 'service:ratings->service:promo')).rate, +(3 / WINDOW_S).toPrecision(2));
  });

  it('zoomed out (labels not painted), an update is written when the labels show again', async function () {
    const id = 'service:productpage->service:details';
    const before = await labelOf(page, id);
    const aria = (await page.locator(edge(id)).getAttribute('aria-label')) ?? '';
    const canvas = (await page.locator(`${tid('map')} svg.map-svg`).boundingBox())!;
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await page.mouse.wheel(0, 1500);
    await page.waitForFunction(() => document.querySelector('[data-testid="map"]')?.classList.contains('far'));
    await postCalls(session.serve.otlpHttp, 'productpage', 'details', Array.from({ length: 40 }, () => 7));
    // The accessible name follows at once; the label when it can be seen.
    await page.waitForFunction(({ sel, aria }) => document.querySelector(sel)?.getAttribute('aria-label') !== aria, { sel: edge(id), aria });
    await page.locator(tid('map-fit')).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="map"]')?.classList.contains('far'));
    const e = flat.get(id)!;
    const label = parseLabel(await labelChanged(page, id, before));
    near(label.rate, (e.requests + 70) / WINDOW_S, 0.03, `${id} rate`);
  });

  it('Re-layout lays the whole map out again, without overlaps, and fits it', async function () {
    const ids = await nodeIds(page);
    await page.locator(tid('map-relayout')).click();
    await waitForNodes(page, ids);
    const boxes = await Promise.all(ids.map(async (id) => (await page.locator(node(id)).boundingBox())!));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        assert.ok(a.x >= b.x + b.width || b.x >= a.x + a.width || a.y >= b.y + b.height || b.y >= a.y + a.height, `${ids[i]} overlaps ${ids[j]}`);
      }
    // Callers still before callees (promo after ratings).
    const [r, p] = [boxes[ids.indexOf('service:ratings')], boxes[ids.indexOf('service:promo')]];
    assert.ok(r.x + r.width <= p.x);
    const canvas = (await page.locator(`${tid('map')} svg.map-svg`).boundingBox())!;
    for (const [i, b] of boxes.entries()) assert.ok(b.x >= canvas.x - 1 && b.x + b.width <= canvas.x + canvas.width + 1, `${ids[i]} is outside the view after the fit`);
  });

  // The same bundle as a VS Code webview (acquireVsCodeApi stubbed before the page's script runs,
  // as in files.test.ts): the panel host's serviceManifests and nextMapReveal answered by the test,
  // the store's methods by serve. Checked: what the page asks the host, and what it shows.
  describe('as a VS Code webview: manifest badges and Reveal on Service Map', () => {
    const STUB_VSCODE_API = vscodeApiStub();
    const manifest = { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews', file: '/ws/bookinfo/reviews.yaml', line: 3 };
    let host: ViewerPage | undefined;
    const calls: { method: string; params: unknown }[] = [];
    const wake: (() => void)[] = [];
    let reveal: ((service: string) => void) | undefined;
    const untilCalls = async (method: string, n: number) => {
      while (calls.filter((c) => c.method === method).length < n) await new Promise<void>((resolve) => wake.push(resolve));
    };

    before(async function () {
      const p = await session.browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      p.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      p.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
      p.setDefaultTimeout(15_000);
      await p.exposeFunction('meshlensTestHost', async (msg: { id: number; method: string; params: unknown }) => {
        calls.push({ method: msg.method, params: msg.params });
        for (const w of wake.splice(0)) w();
        const ok = (result: unknown) => ({ type: 'response', id: msg.id, result });
        switch (msg.method) {
          case 'serviceManifests':
            return ok({ services: { reviews: [manifest] } });
          case 'openCode':
            return ok({ opened: true });
          case 'nextMapReveal':
            return new Promise((resolve) => (reveal = (service) => resolve(ok({ service }))));
          case 'nextTraceToOpen':
            return new Promise(() => undefined);
        }
        return { type: 'response', id: msg.id, error: `unexpected ${msg.method}` };
      });
      // Plain JavaScript text: a function would be serialised with tsx's helpers, which the page lacks.
      await p.addInitScript({ content: STUB_VSCODE_API });
      await p.goto(session.serve.viewer, { waitUntil: 'load' });
      await p.locator(tid('trace-list')).waitFor();
      host = { page: p, errors, dialogs: [] };
    });

    afterEach(function () {
      assertNoPageErrors(host);
    });

    after(async function () {
      await host?.page.close();
    });

    it('services with manifests carry a badge; the details list them and a click asks the host to open one', async function () {
      const p = host!.page;
      await p.locator(tid('tab-map')).click();
      await p.locator(node('service:reviews')).waitFor();
      await untilCalls('serviceManifests', 1);
      const badgeShown = (id: string) => p.locator(`${node(id)} ${tid('map-badge')}`).evaluate((b) => getComputedStyle(b).display !== 'none');
      await p.waitForFunction((sel) => { const b = document.querySelector(sel); return !!b && getComputedStyle(b).display !== 'none'; }, `${node('service:reviews')} ${tid('map-badge')}`);
      assert.equal(await badgeShown('service:details'), false);
      assert.match((await p.locator(node('service:reviews')).getAttribute('aria-label')) ?? '', /, has manifests$/);
      await p.locator(node('service:reviews')).click();
      const link = p.locator(`${tid('map-details')} ${tid('map-manifest')}`);
      assert.equal(await link.textContent(), 'VirtualService bookinfo/reviews');
      await link.click();
      await untilCalls('openCode', 1);
      assert.deepEqual(calls.filter((c) => c.method === 'openCode').map((c) => c.params), [{ file: manifest.file, line: manifest.line }]);
    });

    it('the host\'s reveal brings the Map tab forward with the service selected and focused', async function () {
      const p = host!.page;
      await p.locator(tid('tab-traces')).click();
      await untilCalls('nextMapReveal', 1);
      reveal!('ratings');
      await p.waitForFunction(() => document.querySelector('[data-testid="tab-map"]')?.getAttribute('aria-selected') === 'true');
      await p.waitForFunction(() => document.activeElement?.getAttribute('data-node-id') === 'service:ratings');
      assert.equal(await p.locator(`${tid('map-details')} h2`).textContent(), 'ratings');
      assert.match((await p.locator(node('service:ratings')).getAttribute('class')) ?? '', /\bselected\b/);
      // It waits for the next one.
      await untilCalls('nextMapReveal', 2);
    });
  });
});

// More nodes and edges than one of the map's paint chunks holds (map.ts, chunkOf: 64 elements):
// what is drawn in later chunks is hit, focused and hidden like the rest, edges stay under nodes,
// and hiding leaves no empty chunk behind.
describe('service map larger than a paint chunk', function () {
  const SERVICES = 90;
  const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  let page: Page;
  const session = useViewerSession({
    beforeOpen: async (serve) => {
      for (const n of names) await postCalls(serve.otlpHttp, 'gateway', n, [4]);
    },
    tab: 'map',
  });

  before(async function () {
    page = session.page;
    await waitForNodes(page, ['user', 'service:gateway', ...names.map((n) => `service:${n}`)]);
  });

  it('a click on a node or an edge drawn in a later chunk selects it; edges are drawn under every node', async function () {
    const last = `service:${names[SERVICES - 1]}`;
    // The pointer hits what is drawn, not the chunks' wrappers (Fit first: the last node may be off screen).
    await page.locator(tid('map-fit')).click();
    await page.locator(node(last)).click();
    await page.locator(`${tid('map-details')} h2`).filter({ hasText: names[SERVICES - 1] }).waitFor();
    // Its edge's arrowhead, zoomed in on the node (the pointer stays on it): just left of the box.
    let box = (await page.locator(node(last)).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -1500);
    await page.waitForFunction(() => !document.querySelector('[data-testid="map"]')?.classList.contains('far'));
    box = (await page.locator(node(last)).boundingBox())!;
    await page.mouse.click(box.x - (5.5 * box.width) / 168, box.y + box.height / 2);
    await page.locator(`${tid('map-details')} h2`).filter({ hasText: `gateway → ${names[SERVICES - 1]}` }).waitFor();
    const order = await page.evaluate(() => {
      const edges = Array.from(document.querySelectorAll('[data-testid="map-edge"]'));
      const nodes = Array.from(document.querySelectorAll('[data-testid="map-node"]'));
      return { chunks: document.querySelectorAll('.map-svg .chunk').length, below: edges.every((e) => nodes.every((n) => e.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING)) };
    });
    assert.ok(order.chunks > 2, `${order.chunks} chunks for ${SERVICES + 2} nodes and ${SERVICES + 1} edges`);
    assert.ok(order.below, 'an edge is drawn over a node');
    await page.keyboard.press('Escape');
  });

  it('hide and show again: the same nodes and edges, no empty chunk left', async function () {
    const ids = await nodeIds(page);
    const edges = await edgeIds(page);
    await page.locator(`${tid('map-hide')} input`).fill('name~svc-');
    await waitForNodes(page, ['user', 'service:gateway']);
    assert.deepEqual(await edgeIds(page), ['user->service:gateway']);
    assert.equal(await page.locator('.map-svg .chunk:not(:has(g))').count(), 0, 'an empty chunk');
    await page.locator(`${tid('map-hide')} input`).fill('');
    await waitForNodes(page, ids);
    assert.deepEqual(await edgeIds(page), edges);
  });
});
