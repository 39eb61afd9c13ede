// The map's layout + render time in Chromium, and the per-frame work while the graph updates live.
//
//   npx tsx bench/graph-render.ts        (needs `npm run build`; prints a table, then one JSON line)
//
// How: `meshlens serve` serves the built viewer; playwright-core drives Debian's chromium. The page's
// `graph` requests (POST api/rpc) are answered by this script with generated GraphDtos (a layered
// mesh: users -> frontends -> tiers of services -> databases, queues and external hosts; about 2.3
// edges per service), every other request goes to the server. No test hook in the viewer: the map
// view is exercised exactly as people use it (Map tab, its own request, its own rendering).
//
// - render<N>Ms: a fresh page per round, Map tab opened, graph of N services answered. Measured in
//   the page from the start of the map's draw (its `meshlens-map-render` performance.measure starts
//   there: layout + DOM) until the end of the frame that shows it: a MessageChannel message posted
//   from a requestAnimationFrame callback registered inside the draw is delivered after that frame's
//   style, layout and paint. Median of ROUNDS rounds after one warm-up.
// - updateP95FrameMs: the 300-service map open and fitted (at that zoom the level of detail leaves
//   out labels and the animation's dashes), animation toggle on; once a second a span is posted
//   to the receiver, so the server sends `changed`, the map asks for the graph again (throttled to
//   one request per second) and gets the same graph with new figures and now and then a new
//   service. A rAF loop measures every frame for UPDATE_SECONDS: the frame's rendering work (rAF
//   callback -> MessageChannel delivery) plus the map draws (the performance.measure durations)
//   that ran since the previous frame. p95 over all frames, and over the update frames alone.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { GraphDto, GraphEdgeDto, GraphMetricsDto, GraphNodeDto } from '../src/shared/graph';
import { startServe, type Serve } from '../test/browser/lib/serve';
import { rng } from '../test/unit/rng';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.MESHLENS_E2E_CHROMIUM || '/usr/bin/chromium';
const SIZES = [50, 300, 1000] as const;
const ROUNDS = 3;
const UPDATE_SECONDS = 10;
const VIEWPORT = { width: 1400, height: 900 };

function metrics(r: () => number, scale = 1): GraphMetricsDto {
  const requests = Math.round(10 + r() * 5000 * scale);
  const errors = r() < 0.8 ? 0 : Math.round(requests * r() * 0.3);
  const p50 = 2 + r() * 100;
  return { requests, errors, ratePerSec: requests / 300, errorRate: errors / requests, p50Ms: p50, p95Ms: p50 * (1.5 + r() * 3), p99Ms: p50 * (5 + r() * 5) };
}

/** A mesh of `services` services (plus users, ~services/10 databases, /50 queues, /25 external hosts). */
export function generateGraph(services: number, seed = services, round = 0): GraphDto {
  const r = rng(seed * 7919 + round);
  const nodes: GraphNodeDto[] = [{ id: 'user', kind: 'user', name: 'user', inbound: metrics(() => 0, 0), outbound: metrics(r) }];
  const edges: GraphEdgeDto[] = [];
  const svc = Array.from({ length: services }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
  // Tiers: 5% frontends, the rest in about log2(n) tiers, callees in later tiers.
  const tiers = Math.max(3, Math.round(Math.log2(services)));
  const tierOf = (i: number) => (i < Math.max(1, services * 0.05) ? 0 : 1 + Math.floor(((i - services * 0.05) / (services * 0.95)) * (tiers - 1)));
  for (const name of svc) nodes.push({ id: `service:${name}`, kind: 'service', name, inbound: metrics(r), outbound: metrics(r) });
  const dbs = Math.max(1, Math.round(services / 10));
  for (let i = 0; i < dbs; i++) nodes.push({ id: `database:postgresql/db${i}`, kind: 'database', name: `db${i}`, system: 'postgresql', inbound: metrics(r), outbound: metrics(() => 0, 0) });
  const queues = Math.max(1, Math.round(services / 50));
  for (let i = 0; i < queues; i++) nodes.push({ id: `messaging:kafka/topic${i}`, kind: 'messaging', name: `topic${i}`, system: 'kafka', inbound: metrics(r), outbound: metrics(r) });
  const ext = Math.max(1, Math.round(services / 25));
  for (let i = 0; i < ext; i++) nodes.push({ id: `external:api${i}.example.com`, kind: 'external', name: `api${i}.example.com`, inbound: metrics(r), outbound: metrics(() => 0, 0) });
  const seen = new Set<string>();
  const add = (source: string, target: string, type: GraphEdgeDto['connectionType'] = 'request') => {
    const id = `${source}->${target}${type === 'messaging' ? '#messaging' : ''}`;
    if (source === target || seen.has(id)) return;
    seen.add(id);
    const m = metrics(r);
    edges.push({ id, source, target, connectionType: type, client: source === 'user' ? null : m, server: type === 'database' || target.startsWith('external:') ? null : m });
  };
  for (let i = 0; i < services; i++) {
    const t = tierOf(i);
    if (t === 0) add('user', `service:${svc[i]}`);
    const later = svc.filter((_, j) => tierOf(j) > t);
    const calls = later.length ? 1 + Math.floor(r() * 3) : 0;
    for (let c = 0; c < calls; c++) add(`service:${svc[i]}`, `service:${later[Math.floor(r() * later.length)]}`);
    if (r() < 0.25) add(`service:${svc[i]}`, `database:postgresql/db${Math.floor(r() * dbs)}`, 'database');
    if (r() < 0.05) add(`service:${svc[i]}`, `external:api${Math.floor(r() * ext)}.example.com`);
    if (r() < 0.04) add(`service:${svc[i]}`, `messaging:kafka/topic${Math.floor(r() * queues)}`, 'messaging');
  }
  // Every service is called by someone (else it would be a frontend of users).
  for (let i = 0; i < services; i++) if (!edges.some((e) => e.target === `service:${svc[i]}`)) add('user', `service:${svc[i]}`);
  const stats = { spans: 0, badSpans: 0, pendingEdges: 0, expiredEdges: 0, droppedEdges: 0, edgeSeries: edges.length, evictedEdgeSeries: 0 };
  return { window: '5m', nowUnixMs: Date.now(), versioned: false, nodes, edges, stats };
}

/** The same graph with new figures and, every third update, one more service called by a frontend. */
function updated(base: GraphDto, round: number): GraphDto {
  const r = rng(round * 104729);
  const nodes = base.nodes.map((n) => ({ ...n, inbound: metrics(r), outbound: metrics(r) }));
  const edges = base.edges.map((e) => {
    const m = metrics(r);
    return { ...e, client: e.client ? m : null, server: e.server ? m : null };
  });
  for (let k = 1; k <= Math.floor(round / 3); k++) {
    nodes.push({ id: `service:new-${k}`, kind: 'service', name: `new-${k}`, inbound: metrics(r), outbound: metrics(r) });
    edges.push({ id: `service:svc-0000->service:new-${k}`, source: 'service:svc-0000', target: `service:new-${k}`, connectionType: 'request', client: metrics(r), server: metrics(r) });
  }
  return { ...base, nowUnixMs: Date.now(), nodes, edges };
}

// In the page: every map draw (its performance.measure) registers a rAF whose MessageChannel
// message marks the end of the frame that shows it; a rAF loop measures every frame when asked.
const PROBES = `
globalThis.__name = (f) => f;
(() => {
  const done = [];
  const draws = [];
  const settled = [];
  const measure = performance.measure.bind(performance);
  performance.measure = function (name, opts) {
    const entry = measure(name, opts);
    const start = opts && typeof opts === 'object' ? opts.start : performance.now();
    const end = opts && typeof opts === 'object' ? opts.end : performance.now();
    if (name === 'meshlens-map-settled') settled.push(end - start);
    // The map's script: its draws, and the slices in which it writes an update's figures.
    if (name === 'meshlens-map-render' || name === 'meshlens-map-slice') draws.push({ start, end });
    if (name === 'meshlens-map-render') {
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => done.push({ start, drawMs: end - start, shownMs: performance.now() - start });
        ch.port2.postMessage(0);
      });
    }
    return entry;
  };
  globalThis.__mapBench = {
    done,
    settled,
    frames: [],
    running: false,
    startFrames() {
      this.running = true;
      let lastEnd = performance.now();
      const loop = (t) => {
        if (!this.running) return;
        const rafAt = performance.now();
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          const end = performance.now();
          // Map script that ran between frames is added; what ran from this frame's rAF on is in end - rafAt.
          let script = 0;
          let draw = false;
          for (const d of draws) {
            if (d.end > lastEnd && d.end <= rafAt) script += d.end - d.start;
            if (d.end > lastEnd && d.end <= end) draw = true;
          }
          this.frames.push({ work: end - rafAt + script, draw });
          lastEnd = end;
        };
        ch.port2.postMessage(0);
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    },
    stopFrames() { this.running = false; return this.frames; },
  };
})();
`;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] : NaN;
}

async function openMap(browser: Browser, serve: Serve, graph: () => GraphDto, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  page.setDefaultTimeout(60_000);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.addInitScript(PROBES);
  await page.route('**/api/rpc', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as { id?: number; method?: string };
    if (body.method !== 'graph') return route.continue();
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ type: 'response', id: body.id, result: graph() }) });
  });
  await page.goto(serve.viewer, { waitUntil: 'load' });
  await page.locator('[data-testid="trace-list"]').waitFor();
  return page;
}

async function renderOnce(browser: Browser, serve: Serve, g: GraphDto, errors: string[]): Promise<{ drawMs: number; shownMs: number }> {
  const page = await openMap(browser, serve, () => g, errors);
  try {
    await page.locator('[data-testid="tab-map"]').click();
    await page.waitForFunction(() => (globalThis as unknown as { __mapBench: { done: unknown[] } }).__mapBench.done.length > 0);
    const drawn = await page.locator('[data-testid="map-node"]').count();
    const want = g.nodes.length;
    if (drawn !== want) throw new Error(`the map drew ${drawn} nodes of ${want}`);
    return await page.evaluate(() => (globalThis as unknown as { __mapBench: { done: { drawMs: number; shownMs: number }[] } }).__mapBench.done[0]);
  } finally {
    await page.close();
  }
}

async function tick(serve: Serve, i: number): Promise<void> {
  const ns = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench-tick' } }] },
        scopeSpans: [{ spans: [{ traceId: (0xbe00 + i).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), name: 'tick', kind: 1, startTimeUnixNano: String(ns), endTimeUnixNano: String(ns + 1_000_000n) }] }],
      },
    ],
  };
  const res = await fetch(`${serve.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST /v1/traces: ${res.status} ${await res.text()}`);
}

export async function measureGraphRender(): Promise<{ table: string; figures: { render50Ms: number; render300Ms: number; render1000Ms: number; updateP95FrameMs: number; updateFramesP95Ms: number; updateFramesMaxMs: number; updateSettledMs: number } }> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview', 'index.html'))) throw new Error('dist/webview is missing: run `npm run build`');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium, or set MESHLENS_E2E_CHROMIUM`);
  const serve = await startServe();
  let browser: Browser | undefined;
  const errors: string[] = [];
  try {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-bench-graph-render-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache') },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const rows: string[] = [];
    const render = new Map<number, { draw: number; shown: number }>();
    for (const size of SIZES) {
      const g = generateGraph(size);
      await renderOnce(browser, serve, g, errors); // warm-up
      const runs: { drawMs: number; shownMs: number }[] = [];
      for (let i = 0; i < ROUNDS; i++) runs.push(await renderOnce(browser, serve, g, errors));
      const draw = median(runs.map((x) => x.drawMs));
      const shown = median(runs.map((x) => x.shownMs));
      render.set(size, { draw, shown });
      rows.push(`| ${size} services (${g.nodes.length} nodes, ${g.edges.length} edges) | ${draw.toFixed(1)} | ${shown.toFixed(1)} | ${runs.map((x) => x.shownMs.toFixed(0)).join(', ')} |`);
    }

    // Live: the 300-service map, a changed graph each second.
    const base = generateGraph(300);
    let round = 0;
    const page = await openMap(browser, serve, () => updated(base, round++), errors);
    let frames: { work: number; draw: boolean }[] = [];
    let draws = 0;
    let updateDraws: { drawMs: number; shownMs: number }[] = [];
    let settled: number[] = [];
    try {
      await page.locator('[data-testid="tab-map"]').click();
      await page.waitForFunction(() => (globalThis as unknown as { __mapBench: { done: unknown[] } }).__mapBench.done.length > 0);
      await page.evaluate(() => (globalThis as unknown as { __mapBench: { startFrames(): void } }).__mapBench.startFrames());
      const t0 = Date.now();
      for (let i = 0; Date.now() - t0 < UPDATE_SECONDS * 1000; i++) {
        await tick(serve, i);
        await new Promise((r) => setTimeout(r, 1000));
      }
      frames = await page.evaluate(() => (globalThis as unknown as { __mapBench: { stopFrames(): { work: number; draw: boolean }[] } }).__mapBench.stopFrames());
      updateDraws = await page.evaluate(() => (globalThis as unknown as { __mapBench: { done: { drawMs: number; shownMs: number }[] } }).__mapBench.done.slice(1));
      draws = updateDraws.length;
      settled = await page.evaluate(() => (globalThis as unknown as { __mapBench: { settled: number[] } }).__mapBench.settled);
      // The map followed: every service of the last graph served is drawn (the new ones included).
      const want = updated(base, round - 1).nodes.length;
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="map-node"]').length === n, want, { timeout: 10_000 }).catch(async () => {
        throw new Error(`after the live updates the map drew ${await page.locator('[data-testid="map-node"]').count()} nodes, the last graph has ${want}`);
      });
    } finally {
      await page.close();
    }
    if (draws < UPDATE_SECONDS / 2) throw new Error(`only ${draws} live redraws in ${UPDATE_SECONDS} s: the map did not follow the changed messages`);
    const work = frames.map((f) => f.work);
    const drawFrames = frames.filter((f) => f.draw).map((f) => f.work);
    const updateP95FrameMs = pct(work, 95);
    // Frames in which the map ran (an update's draw, or a slice writing its figures), alone.
    const updateFramesP95Ms = pct(drawFrames, 95);
    const updateFramesMaxMs = Math.max(0, ...drawFrames);
    if (errors.length) throw new Error(`the page logged errors:\n${errors.join('\n')}`);

    const table = [
      '| map of | layout + DOM (ms, median) | until shown (ms, median) | rounds (shown, ms) |',
      '|---|---|---|---|',
      ...rows,
      '',
      `| live updates, 300 services fitted to the view, animation toggle on (its dashes, like labels, are not painted below 0.55 zoom); ${UPDATE_SECONDS} s, ${draws} redraws, ${frames.length} frames | p50 | p95 | max | update frames p95 | update frames max | frames > 16 ms | update: draw script p50 / until shown p50 / until all written p50 |`,
      '|---|---|---|---|---|---|---|---|',
      `| main-thread work per frame (ms) | ${pct(work, 50).toFixed(1)} | ${updateP95FrameMs.toFixed(1)} | ${Math.max(...work).toFixed(1)} | ${updateFramesP95Ms.toFixed(1)} | ${updateFramesMaxMs.toFixed(1)} | ${work.filter((w) => w > 16).length} | ${pct(updateDraws.map((d) => d.drawMs), 50).toFixed(1)} / ${pct(updateDraws.map((d) => d.shownMs), 50).toFixed(1)} / ${pct(settled, 50).toFixed(1)} |`,
      '',
      `Target: 300 services laid out and drawn under 1,000 ms (${render.get(300)!.shown < 1000 ? 'met' : 'NOT met'}); updates under 16 ms per frame (p95 of all frames ${updateP95FrameMs < 16 ? 'met' : 'NOT met'}; p95 of the ${drawFrames.length} frames the map ran in ${updateFramesP95Ms < 16 ? 'met' : 'NOT met'}, max ${updateFramesMaxMs.toFixed(1)} ms).`,
    ].join('\n');
    return {
      table,
      figures: {
        render50Ms: Math.round(render.get(50)!.shown),
        render300Ms: Math.round(render.get(300)!.shown),
        render1000Ms: Math.round(render.get(1000)!.shown),
        updateP95FrameMs: Math.round(updateP95FrameMs * 10) / 10,
        updateFramesP95Ms: Math.round(updateFramesP95Ms * 10) / 10,
        updateFramesMaxMs: Math.round(updateFramesMaxMs * 10) / 10,
        updateSettledMs: Math.round(pct(settled, 50)),
      },
    };
  } finally {
    await browser?.close();
    await serve.stop();
  }
}

if (require.main === module) {
  measureGraphRender().then(
    ({ table, figures }) => {
      console.log(table);
      console.log(JSON.stringify({ bench: 'graph-render', ...figures }));
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
