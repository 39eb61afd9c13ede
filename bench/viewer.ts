// The trace viewer in Chromium: how long a trace of 1,000, 10,000 and 50,000 spans takes to open,
// and how smooth the 50,000-span waterfall scrolls top to bottom.
//
//   npm run bench:viewer        (builds first; VIEWER_ROUNDS=<n> opens per size, default 7;
//                                VIEWER_PROFILE=1 adds a CPU profile of one 50,000-span open;
//                                VIEWER_PROFILE=scroll a breakdown of the renderer's work while scrolling)
//
// Setup: `meshlens serve` as users run it (dist/cli.js, the viewer from dist/webview) on free ports;
// one trace per size, recorded by real OpenTelemetry JS tracer providers (twelve services of a shop,
// each with its own resource; HTTP and gRPC calls as client/server pairs, database and cache
// client spans, internal spans; fan-out 1-5 per span and depth up to 20; exception events on about
// 2% of server spans; the attributes the instrumentations set) and serialised by
// @opentelemetry/otlp-transformer as exporter-trace-otlp-proto does, posted to OTLP/HTTP in
// 5,000-span protobuf requests (each well under the receiver's 16 MiB body limit). Debian's chromium,
// headless, driven by playwright-core, viewport 1400x900.
//
// Open: in the page, from the click on the trace row (performance.now() in a capture-phase click
// listener) to the first complete frame after the waterfall's first span rows are in the DOM (a
// MutationObserver sees them, then two requestAnimationFrames: the second runs after the frame
// holding the rows was produced). Split into: the protocol requests (every POST /api/rpc that
// started after the click and ended before the rows were in the DOM, by Resource Timing; the
// figure is the click to the last such response's last byte, so it holds however many requests the
// viewer makes to open a trace; their count and summed body sizes are reported too), the page's
// work after that until the rows are in the DOM (JSON parse, layout model, rows), and the frame.
// Sizes alternate (each round in a rotated order), VIEWER_ROUNDS rounds after one warm-up round;
// medians. Baseline in the same run: the same on a 10-span trace, the fixed cost of opening
// anything; ratios to it.
//
// Scroll: the 50,000-span waterfall's scroller from top to bottom, SCROLL_STEP_PX per animation
// frame, driven in the page by requestAnimationFrame. The target (p95 < 16 ms) is about the
// main-thread work a frame costs, so that is what is measured, per frame: from the frame's first
// script (the scroll event the previous frame's scrollTop change dispatches, else this frame's rAF
// callback, which sets scrollTop) until the frame's rendering is done, i.e. until a MessageChannel
// message posted from that rAF callback is delivered: Chromium runs rAF callbacks, style, layout,
// paint and the commit in one task, and the message is the next task, so the span covers the
// scroll handlers, the waterfall's own rAF draw (registered after ours, same frame), style, layout
// and paint. The delta of consecutive rAF timestamps, which the old figure was, is pinned to the
// 16.7 ms vsync interval (the idle page has the same p95), so it only says whether a frame was
// dropped: counted as rAF intervals over 1.5 vsync intervals (the vsync interval is the idle
// page's median rAF interval), plus the vsyncs those intervals missed. Also counted: frames whose
// work is over 16 ms, long animation frames (PerformanceObserver 'long-animation-frame', else
// 'longtask'; they only report frames over 50 ms, a cross-check of the frames over 50 ms by our
// measure), and frames after whose rendering no row covers the top of the viewport (blank).
// Baseline in the same run: the same page, the same trace open, no scrolling, the same number of
// frames, the same measurement (a rAF callback that does not touch scrollTop): the work of an
// empty frame, near 0.
//
// Fails (exit 1) on any console error or page error, or when a waterfall does not show its spans.
// The last line of output is one JSON object for machines.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
// The viewer's browser tests start `meshlens serve` the same way; one starter for both.
import { startServe, type Serve } from '../test/browser/lib/serve';

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.MESHLENS_E2E_CHROMIUM || '/usr/bin/chromium';
const SIZES = [10, 1_000, 10_000, 50_000] as const;
const BASELINE_SIZE = 10;
const ROUNDS = Number(process.env.VIEWER_ROUNDS ?? 7);
const WARMUP_ROUNDS = 1;
const SPANS_PER_REQUEST = 5_000;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const SCROLL_STEP_PX = 400;
const VIEWPORT = { width: 1400, height: 900 };
const TARGET_OPEN_10K_MS = 300;
const TARGET_OPEN_50K_MS = 1500;
const TARGET_SCROLL_P95_MS = 16;
const SETTLE_MS = 300;
const OPEN_TIMEOUT_MS = 60_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const n = (x: number) => x.toLocaleString('en-US');
const ok = (b: boolean) => (b ? 'yes' : '**no**');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Traces, recorded by the OpenTelemetry SDK.

interface PlanNode {
  service: string;
  name: string;
  kind: 'server' | 'client' | 'internal';
  attributes: Record<string, string | number | boolean>;
  children: PlanNode[];
  parallel: boolean;
  selfMs: number;
  error?: { type: string; message: string };
  events?: { name: string; attributes: Record<string, string | number> }[];
  depth: number;
  startMs?: number;
  endMs?: number;
}

const SERVICES = ['frontend', 'api-gateway', 'checkout', 'cart', 'catalog', 'inventory', 'pricing', 'payment', 'shipping', 'user', 'recommendation', 'notification'];
const MAX_DEPTH = 20;

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A call tree of exactly `size` spans. */
function planTrace(size: number, rand: () => number): PlanNode {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const serverSpan = (service: string, depth: number, grpc: boolean, route: string): PlanNode => {
    const failed = rand() < 0.02;
    const attributes: PlanNode['attributes'] = grpc
      ? { 'rpc.system': 'grpc', 'rpc.service': `shop.${service}.v1.${service[0].toUpperCase()}${service.slice(1)}Service`, 'rpc.method': route, 'rpc.grpc.status_code': failed ? 14 : 0, 'server.address': service, 'server.port': 50051, 'network.peer.address': '10.0.3.17' }
      : { 'http.request.method': 'GET', 'http.route': route, 'url.path': route.replace(':id', String(Math.floor(rand() * 10_000))), 'url.scheme': 'http', 'server.address': service, 'server.port': 8080, 'network.protocol.version': '1.1', 'user_agent.original': 'node-fetch/3.3.2', 'client.address': '10.0.3.17', 'http.response.status_code': failed ? 503 : 200 };
    attributes['code.function.name'] = `${service}.handlers.${route.split('/').pop()}`;
    attributes['code.file.path'] = `/app/services/${service}/src/handlers.ts`;
    attributes['code.line.number'] = 20 + Math.floor(rand() * 400);
    return {
      service,
      name: grpc ? `shop.${service}.v1/${route}` : `GET ${route}`,
      kind: 'server',
      attributes,
      children: [],
      parallel: rand() < 0.4,
      selfMs: 0.2 + rand() * 2,
      depth,
      ...(failed && { error: { type: 'UpstreamError', message: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination' } }),
    };
  };
  const root = serverSpan('frontend', 0, false, '/api/checkout');
  let count = 1;
  const open: PlanNode[] = [root];
  while (count < size) {
    if (open.length === 0) open.push(root);
    const at = Math.floor(rand() * Math.min(open.length, 64)); // mostly near the front: breadth with some depth
    const parent = open[at];
    open.splice(at, 1);
    const fanOut = 1 + Math.floor(rand() * 5);
    for (let c = 0; c < fanOut && count < size; c++) {
      const depth = parent.depth + 1;
      const roll = rand();
      if (roll < 0.5 && count + 2 <= size && depth + 1 <= MAX_DEPTH) {
        const to = pick(SERVICES.filter((s) => s !== parent.service && s !== 'frontend'));
        const grpc = rand() < 0.4;
        const route = grpc ? pick(['GetItems', 'Reserve', 'Quote', 'ListByUser', 'Lookup']) : `/api/${to}/${pick(['items', 'quote', 'status', 'batch'])}/:id`;
        const server = serverSpan(to, depth + 1, grpc, route);
        const client: PlanNode = {
          service: parent.service,
          name: server.name,
          kind: 'client',
          attributes: grpc
            ? { 'rpc.system': 'grpc', 'rpc.service': server.attributes['rpc.service'], 'rpc.method': route, 'server.address': to, 'server.port': 50051, 'rpc.grpc.status_code': server.error ? 14 : 0 }
            : { 'http.request.method': 'GET', 'url.full': `http://${to}:8080${server.attributes['url.path']}`, 'server.address': to, 'server.port': 8080, 'network.peer.address': '10.0.4.' + Math.floor(rand() * 250), 'http.response.status_code': server.error ? 503 : 200 },
          children: [server],
          parallel: false,
          selfMs: 0.3,
          depth,
        };
        parent.children.push(client);
        open.push(server);
        count += 2;
      } else if (roll < 0.65 && depth <= MAX_DEPTH) {
        const internal: PlanNode = {
          service: parent.service,
          name: pick(['validate request', 'apply discounts', 'render response', 'merge results', 'compute totals']),
          kind: 'internal',
          attributes: { 'app.items.count': Math.floor(rand() * 50), 'app.user.tier': pick(['free', 'gold', 'platinum']), 'code.function.name': `${parent.service}.service.step` },
          children: [],
          parallel: rand() < 0.3,
          selfMs: 0.1 + rand(),
          depth,
          ...(rand() < 0.1 && { events: [{ name: 'cache miss', attributes: { 'app.cache.key': `k${Math.floor(rand() * 1e6)}` } }] }),
        };
        parent.children.push(internal);
        open.push(internal);
        count += 1;
      } else if (roll < 0.88) {
        const table = pick(['items', 'orders', 'prices', 'stock', 'users']);
        const op = pick(['SELECT', 'SELECT', 'SELECT', 'UPDATE', 'INSERT']);
        parent.children.push({
          service: parent.service,
          name: `${op} shop.${table}`,
          kind: 'client',
          attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.collection.name': table, 'db.operation.name': op, 'db.query.text': op === 'SELECT' ? `SELECT id, sku, qty FROM ${table} WHERE id = $1` : `${op} ${table} SET qty = $1 WHERE id = $2`, 'server.address': 'postgres.shop.svc.cluster.local', 'server.port': 5432 },
          children: [],
          parallel: false,
          selfMs: 0.4 + rand() * 4,
          depth,
        });
        count += 1;
      } else {
        parent.children.push({
          service: parent.service,
          name: 'GET',
          kind: 'client',
          attributes: { 'db.system.name': 'redis', 'db.operation.name': 'GET', 'db.query.text': `GET ${parent.service}:${Math.floor(rand() * 1e5)}`, 'server.address': 'redis.shop.svc.cluster.local', 'server.port': 6379, 'db.namespace': '0' },
          children: [],
          parallel: false,
          selfMs: 0.05 + rand() * 0.5,
          depth,
        });
        count += 1;
      }
    }
  }
  // Times (ms from the trace start): children one after another, or all at once for a parallel
  // parent; a server span sits inside its client span, network time on both sides.
  const layout = (node: PlanNode, start: number): number => {
    node.startMs = start;
    let cursor = start + node.selfMs / 2;
    let end = cursor;
    for (const child of node.children) {
      const childEnd = layout(child, node.kind === 'client' ? start + 0.15 : cursor + 0.02);
      if (node.parallel) end = Math.max(end, childEnd);
      else cursor = end = childEnd;
    }
    node.endMs = end + node.selfMs / 2 + (node.kind === 'client' && node.children.length ? 0.15 : 0);
    return node.endMs;
  };
  layout(root, 0);
  return root;
}

/** OTLP/protobuf requests carrying one trace of `size` spans (trace id = `traceId`). */
async function recordTrace(size: number, traceId: string, seed: number): Promise<{ payloads: Buffer[]; spans: number; depth: number }> {
  const api = await import('@opentelemetry/api');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
  const rand = mulberry32(seed);
  const plan = planTrace(size, rand);
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('');
  const idGenerator = { generateTraceId: () => traceId, generateSpanId: () => hex(8) };
  const exporter = new InMemorySpanExporter();
  const providers = SERVICES.map(
    (name, i) =>
      new BasicTracerProvider({
        idGenerator,
        resource: resourceFromAttributes({
          'service.name': name,
          'service.version': `2.${i}.1`,
          'service.namespace': 'shop',
          'service.instance.id': `${name}-6f7c9d8b4-q${i}x2z`,
          'deployment.environment.name': 'dev',
          'k8s.namespace.name': 'shop',
          'k8s.deployment.name': name,
          'k8s.pod.name': `${name}-6f7c9d8b4-q${i}x2z`,
          'host.name': `${name}-6f7c9d8b4-q${i}x2z`,
          'process.runtime.name': 'nodejs',
          'process.runtime.version': '20.18.1',
          'telemetry.sdk.language': 'nodejs',
          'telemetry.sdk.name': 'opentelemetry',
          'telemetry.sdk.version': '2.0.0',
        }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      }),
  );
  const tracers = new Map(SERVICES.map((name, i) => [name, providers[i].getTracer(`@shop/${name}`, '2.0.0')] as const));
  const kinds = { server: api.SpanKind.SERVER, client: api.SpanKind.CLIENT, internal: api.SpanKind.INTERNAL };
  const t0 = Date.now() - 120_000;
  let maxDepth = 0;
  const emit = (node: PlanNode, parent: import('@opentelemetry/api').Context, depth: number) => {
    maxDepth = Math.max(maxDepth, depth);
    const span = tracers.get(node.service)!.startSpan(node.name, { kind: kinds[node.kind], startTime: t0 + node.startMs!, attributes: node.attributes }, parent);
    const ctx = api.trace.setSpan(parent, span);
    for (const child of node.children) emit(child, ctx, depth + 1);
    for (const e of node.events ?? []) span.addEvent(e.name, e.attributes, t0 + node.startMs! + node.selfMs / 4);
    if (node.error) {
      span.addEvent('exception', { 'exception.type': node.error.type, 'exception.message': node.error.message, 'exception.stacktrace': `${node.error.type}: ${node.error.message}\n    at callUpstream (/app/services/${node.service}/src/client.ts:88:11)\n    at async handle (/app/services/${node.service}/src/handlers.ts:41:5)` }, t0 + node.endMs! - 0.01);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: node.error.message });
    }
    span.end(t0 + node.endMs!);
  };
  emit(plan, api.ROOT_CONTEXT, 0);
  const all = exporter.getFinishedSpans();
  if (all.length !== size) throw new Error(`recorded ${all.length} spans, planned ${size}`);
  const payloads: Buffer[] = [];
  for (let i = 0; i < all.length; i += SPANS_PER_REQUEST) {
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(all.slice(i, i + SPANS_PER_REQUEST))!);
    if (body.length >= MAX_BODY_BYTES) throw new Error(`a request of ${body.length} bytes is over the receiver's body limit`);
    payloads.push(body);
  }
  for (const p of providers) await p.shutdown();
  return { payloads, spans: all.length, depth: maxDepth };
}

// ---------------------------------------------------------------------------------------------
// meshlens serve

async function post(url: string, body: Buffer): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: new Uint8Array(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
}

async function waitForSpans(serve: Serve, want: Map<string, number>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = (await (await fetch(`${serve.api}/api/traces?limit=100`)).json()) as { traces: { traceId: string; spanCount: number }[] };
    const got = new Map(res.traces.map((t) => [t.traceId, t.spanCount]));
    if ([...want].every(([id, count]) => got.get(id) === count)) return;
    if (Date.now() > deadline) throw new Error(`the store has ${JSON.stringify([...got])}, expected ${JSON.stringify([...want])}`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------
// In the page

interface OpenFigures {
  /** Click -> rows in the DOM -> the next complete frame, and the protocol request inside it. */
  openMs: number;
  domMs: number;
  /** Click -> the last byte of the last protocol response that arrived before the rows. */
  rpcMs: number;
  rpcCount: number;
  rpcBytes: number;
  rows: number;
  label: string;
}

interface FrameFigures {
  /** Main-thread work per frame: the frame's first script -> its rendering done. */
  work: number[];
  /** Consecutive rAF timestamps: vsync-paced, so only good for counting dropped frames. */
  deltas: number[];
  longFrames: { duration: number; blocking: number }[];
  blankFrames: number;
  endScrollTop: number;
  maxScrollTop: number;
}

declare global {
  interface Window {
    __bench?: { clickAt: number; long: { startTime: number; duration: number; blocking: number }[]; longType: string };
    __open?: Promise<OpenFigures>;
  }
}

async function installProbes(page: Page): Promise<string> {
  return page.evaluate(() => {
    const bench = { clickAt: 0, long: [] as { startTime: number; duration: number; blocking: number }[], longType: 'none' };
    window.__bench = bench;
    document.addEventListener(
      'click',
      (e) => {
        if ((e.target as Element | null)?.closest?.('[data-testid="trace-row"]')) bench.clickAt = performance.now();
      },
      true,
    );
    for (const type of ['long-animation-frame', 'longtask']) {
      if (!PerformanceObserver.supportedEntryTypes.includes(type)) continue;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) bench.long.push({ startTime: e.startTime, duration: e.duration, blocking: (e as PerformanceEntry & { blockingDuration?: number }).blockingDuration ?? 0 });
      }).observe({ type });
      bench.longType = type;
      break;
    }
    return bench.longType;
  });
}

async function openTrace(page: Page, traceId: string): Promise<OpenFigures> {
  await page.evaluate(() => {
    const old = new Set(Array.from(document.querySelectorAll('[data-testid="waterfall"]')));
    performance.clearResourceTimings();
    window.__open = new Promise<OpenFigures>((resolve) => {
      const fresh = () => Array.from(document.querySelectorAll('[data-testid="waterfall"]')).find((w) => !old.has(w) && w.querySelector('[data-testid="span-row"]'));
      const mo = new MutationObserver(() => {
        const wf = fresh();
        if (!wf) return;
        const rowsAt = performance.now();
        mo.disconnect();
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const frameAt = performance.now();
            const clickAt = window.__bench!.clickAt;
            // However many requests the viewer makes to open a trace, those the rows waited for
            // ended before the rows were in the DOM; requests still running then (span details,
            // a prefetch) are the page's business after the open.
            const rpcs = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.endsWith('/api/rpc') && e.startTime >= clickAt && e.responseEnd > 0 && e.responseEnd <= rowsAt);
            resolve({
              openMs: frameAt - clickAt,
              domMs: rowsAt - clickAt,
              rpcMs: rpcs.length ? Math.max(...rpcs.map((e) => e.responseEnd)) - clickAt : NaN,
              rpcCount: rpcs.length,
              rpcBytes: rpcs.reduce((a, e) => a + e.encodedBodySize, 0),
              rows: wf.querySelectorAll('[data-testid="span-row"]').length,
              label: wf.querySelector('.toolbar')?.textContent ?? '',
            });
          }),
        );
      });
      mo.observe(document.body, { childList: true, subtree: true });
    });
  });
  await page.click(`[data-testid="trace-row"][data-trace-id="${traceId}"]`);
  // page.evaluate has no timeout of its own: a viewer that never shows the rows would hang the run.
  return page.evaluate(
    (ms) => Promise.race([window.__open!, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no span rows ${ms / 1000} s after the click`)), ms))]),
    OPEN_TIMEOUT_MS,
  );
}

async function frames(page: Page, scroll: boolean, count: number, step: number): Promise<FrameFigures> {
  return page.evaluate(
    async ({ scroll, count, step }) => {
      const sc = document.querySelector<HTMLElement>('[data-testid="waterfall-scroll"]')!;
      sc.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const maxScrollTop = sc.scrollHeight - sc.clientHeight;
      const bench = window.__bench!;
      const longFrom = bench.long.length;
      const work: number[] = [];
      const deltas: number[] = [];
      let blankFrames = 0;
      let last: number | undefined;
      // Is the top of the viewport covered by a row? (Rows are absolutely placed at style.top.)
      const covered = () => {
        const top = sc.scrollTop;
        for (const row of Array.from(sc.querySelectorAll<HTMLElement>('[data-testid="span-row"]'))) {
          const y = parseFloat(row.style.top);
          if (y <= top && top < y + 22) return true;
        }
        return false;
      };
      // A scrollTop set in one frame's rAF callback dispatches its scroll event in the next frame,
      // before that frame's rAF callbacks: the frame's work starts there.
      let scrollEventAt = NaN;
      const onScroll = () => {
        if (Number.isNaN(scrollEventAt)) scrollEventAt = performance.now();
      };
      document.addEventListener('scroll', onScroll, { capture: true, passive: true });
      const channel = new MessageChannel();
      let startedAt = 0;
      let frameStart = 0;
      let done = false;
      await new Promise<void>((resolve) => {
        // The first task after the frame's rAF callbacks, style, layout, paint and commit.
        channel.port1.onmessage = () => {
          work.push(performance.now() - frameStart);
          scrollEventAt = NaN;
          // Checked after the measurement, so its own reads do not count as the frame's work.
          if (scroll && !covered()) blankFrames++;
          if (done) resolve();
        };
        const tick = (ts: number) => {
          frameStart = Number.isNaN(scrollEventAt) ? performance.now() : scrollEventAt;
          if (last === undefined) startedAt = ts;
          else deltas.push(ts - last);
          last = ts;
          if (scroll) {
            if (sc.scrollTop >= maxScrollTop) done = true;
            else sc.scrollTop = Math.min(maxScrollTop, sc.scrollTop + step);
          } else if (deltas.length >= count) done = true;
          channel.port2.postMessage(0);
          if (!done) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      document.removeEventListener('scroll', onScroll, { capture: true });
      channel.port1.close();
      const longFrames = bench.long.slice(longFrom).filter((e) => e.startTime >= startedAt).map((e) => ({ duration: e.duration, blocking: e.blocking }));
      return { work, deltas, longFrames, blankFrames, endScrollTop: sc.scrollTop, maxScrollTop };
    },
    { scroll, count, step },
  );
}

/** Self time per function over one 50,000-span open, from a CDP CPU profile. */
async function profileOpen(page: Page, traceId: string, otherId: string): Promise<string[]> {
  await openTrace(page, otherId);
  await sleep(SETTLE_MS);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const f = await openTrace(page, traceId);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const node = byId.get(id)!;
    const cf = node.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? `${path.basename(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  await cdp.detach();
  return [
    `CPU profile of one 50,000-span open (${fmt(f.openMs)} ms; profiler overhead included), self time, top 15 of ${fmt(total)} ms sampled:`,
    ...[...self]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, ms]) => `  ${fmt(ms).padStart(7)} ms  ${k}`),
  ];
}

/**
 * Where a scroll's frame work goes: a Chrome trace of 300 frames of the same scroll, the renderer
 * main thread's top-level events summed by name (script, style, layout, paint...), and the page's
 * functions by self time from the JS profiler samples in the same trace.
 */
async function profileScroll(browser: Browser, page: Page): Promise<string[]> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
  const f = await frames(page, true, 300, SCROLL_STEP_PX);
  const buf = await browser.stopTracing();
  const events = (JSON.parse(buf.toString('utf8')) as { traceEvents: { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const byName = new Map<string, number>();
  for (const e of events) {
    if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || e.dur === undefined) continue;
    if (!['FunctionCall', 'EventDispatch', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'UpdateLayer', 'HitTest', 'ParseAuthorStyleSheet', 'TimerFire', 'RunMicrotasks', 'Commit', 'ScrollLayer', 'IntersectionObserverController::computeIntersections', 'GPUTask', 'RasterTask'].includes(e.name)) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  }
  const frames300 = f.work.length;
  return [
    `Renderer main thread while scrolling ${frames300} frames (${SCROLL_STEP_PX} px each; events nest, so script includes the style/layout it forces): total ms and per frame`,
    ...[...byName].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `  ${fmt(ms).padStart(8)} ms  ${(ms / Math.max(1, frames300)).toFixed(2).padStart(6)} ms/frame  ${k}`),
  ];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const load0 = os.loadavg()[0];
  const tGen = performance.now();
  const traces = new Map<number, { traceId: string; payloads: Buffer[]; depth: number; bytes: number }>();
  for (const [i, size] of SIZES.entries()) {
    const traceId = `7669657765720000${(i + 1).toString(16).padStart(4, '0')}${size.toString(16).padStart(12, '0')}`;
    const rec = await recordTrace(size, traceId, 1000 + size);
    traces.set(size, { traceId, payloads: rec.payloads, depth: rec.depth, bytes: rec.payloads.reduce((a, p) => a + p.length, 0) });
  }
  const genMs = performance.now() - tGen;

  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview', 'index.html'))) throw new Error('dist/webview is missing: run `npm run build` (npm run bench:viewer does)');
  const serve = await startServe();
  let browser: Browser | undefined;
  const errors: string[] = [];
  try {
    for (const t of traces.values()) for (const p of t.payloads) await post(`${serve.otlpHttp}/v1/traces`, p);
    await waitForSpans(serve, new Map(SIZES.map((s) => [traces.get(s)!.traceId, s])));

    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium, or set MESHLENS_E2E_CHROMIUM`);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-bench-viewer-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache') },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(60_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url}:${m.location().lineNumber})`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
    // tsx (esbuild, keepNames) wraps named functions in the callbacks passed to page.evaluate in
    // __name(...), which the page does not define.
    await page.addInitScript('globalThis.__name = (f) => f;');
    await page.goto(serve.viewer, { waitUntil: 'load' });
    for (const t of traces.values()) await page.locator(`[data-testid="trace-row"][data-trace-id="${t.traceId}"]`).waitFor();
    const longType = await installProbes(page);

    // Open, sizes alternating.
    const opens = new Map<number, OpenFigures[]>(SIZES.map((s) => [s, []]));
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      const order = SIZES.map((_, i) => SIZES[(i + round) % SIZES.length]);
      for (const size of order) {
        const f = await openTrace(page, traces.get(size)!.traceId);
        // The toolbar may group digits ("50,000 spans") in the page's locale.
        const spans = f.label.replace(/(\d)[,.\u00a0\u202f](?=\d{3}\b)/g, '$1');
        if (f.rows === 0 || !spans.includes(`${size} spans`)) throw new Error(`the waterfall of the ${n(size)}-span trace shows ${f.rows} rows, toolbar "${f.label}"`);
        if (round >= WARMUP_ROUNDS) opens.get(size)!.push(f);
        await sleep(SETTLE_MS);
      }
    }

    // Scroll the 50,000-span trace; idle baseline on the same page first.
    await openTrace(page, traces.get(50_000)!.traceId);
    await sleep(SETTLE_MS);
    const expectedFrames = Math.ceil((50_000 * 22 - 1) / SCROLL_STEP_PX);
    const idle = await frames(page, false, expectedFrames, 0);
    const scroll = await frames(page, true, 0, SCROLL_STEP_PX);
    if (scroll.endScrollTop < scroll.maxScrollTop - 1) throw new Error(`scrolling stopped at ${scroll.endScrollTop} of ${scroll.maxScrollTop}`);
    const lastRows = await page.locator('[data-testid="span-row"]').count();
    if (lastRows === 0) throw new Error('no rows at the bottom of the 50,000-span waterfall');

    const profile =
      process.env.VIEWER_PROFILE === '1'
        ? await profileOpen(page, traces.get(50_000)!.traceId, traces.get(BASELINE_SIZE)!.traceId)
        : process.env.VIEWER_PROFILE === 'scroll'
          ? await profileScroll(browser, page)
          : [];
    const load1 = os.loadavg()[0];

    // Report.
    const med = (size: number, k: keyof OpenFigures) => median(opens.get(size)!.map((f) => f[k] as number));
    const base = med(BASELINE_SIZE, 'openMs');
    const open = (size: number) => med(size, 'openMs');
    const sp = (xs: number[]) => ({ p50: pct(xs, 0.5), p95: pct(xs, 0.95), p99: pct(xs, 0.99), max: Math.max(...xs) });
    const s = sp(scroll.work);
    const i = sp(idle.work);
    const over = (xs: number[], ms: number) => xs.filter((d) => d > ms).length;
    // The display's frame interval as this page sees it: the idle page's median rAF interval.
    const vsyncMs = median(idle.deltas);
    const dropped = (deltas: number[]) => over(deltas, 1.5 * vsyncMs);
    const missedVsyncs = (deltas: number[]) => deltas.reduce((a, d) => a + Math.max(0, Math.round(d / vsyncMs) - 1), 0);
    const si = sp(scroll.deltas);
    const ii = sp(idle.deltas);
    const cpus = os.cpus().length;
    console.log(`bench:viewer  Chromium ${browser.version()} headless, ${VIEWPORT.width}x${VIEWPORT.height}; ${ROUNDS} opens per size (+${WARMUP_ROUNDS} warm-up round), sizes alternating; ${cpus} cores, load avg ${load0.toFixed(2)} -> ${load1.toFixed(2)}`);
    console.log(`traces recorded by the OpenTelemetry SDK in ${(genMs / 1000).toFixed(1)} s: ${SIZES.map((z) => `${n(z)} spans (depth ${traces.get(z)!.depth}, ${(traces.get(z)!.bytes / 1e6).toFixed(1)} MB protobuf)`).join(', ')}`);
    console.log('');
    console.log('| open (click -> first complete frame), median | total | ratio to 10 spans | protocol requests (click -> last response end) | requests | response size | page work until rows in DOM | frame | target | met |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const size of SIZES) {
      const target = size === 10_000 ? TARGET_OPEN_10K_MS : size === 50_000 ? TARGET_OPEN_50K_MS : undefined;
      const rpc = med(size, 'rpcMs');
      const dom = med(size, 'domMs');
      console.log(
        `| ${size === BASELINE_SIZE ? `baseline: ${size} spans` : `${n(size)} spans`} | ${fmt(open(size))} ms | ${size === BASELINE_SIZE ? '1' : (open(size) / base).toFixed(1)} | ${fmt(rpc)} ms | ${med(size, 'rpcCount')} | ${(med(size, 'rpcBytes') / 1e6).toFixed(2)} MB | ${fmt(dom - rpc)} ms | ${fmt(open(size) - dom)} ms | ${target ? `< ${n(target)} ms` : ''} | ${target ? ok(open(size) < target) : ''} |`,
      );
    }
    console.log('');
    console.log(`| main-thread work per frame, 50,000-span waterfall (${n(scroll.work.length)} frames, ${SCROLL_STEP_PX} px each) | p50 | p95 | p99 | max | frames with work > 16 ms | > 50 ms | ${longType} entries (max) | dropped frames (rAF interval > ${fmt(1.5 * vsyncMs)} ms; vsyncs missed) | rAF interval p50 / p95 | blank frames | target | met |`);
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    const longMax = (xs: FrameFigures['longFrames']) => (xs.length ? `${xs.length} (${fmt(Math.max(...xs.map((e) => e.duration)))} ms)` : '0');
    console.log(`| scrolling top to bottom | ${fmt(s.p50)} ms | ${fmt(s.p95)} ms | ${fmt(s.p99)} ms | ${fmt(s.max)} ms | ${over(scroll.work, 16)} | ${over(scroll.work, 50)} | ${longMax(scroll.longFrames)} | ${dropped(scroll.deltas)} (${missedVsyncs(scroll.deltas)}) | ${fmt(si.p50)} / ${fmt(si.p95)} ms | ${scroll.blankFrames} | p95 < ${TARGET_SCROLL_P95_MS} ms | ${ok(s.p95 < TARGET_SCROLL_P95_MS)} |`);
    console.log(`| baseline: idle, same page, no scrolling | ${fmt(i.p50)} ms | ${fmt(i.p95)} ms | ${fmt(i.p99)} ms | ${fmt(i.max)} ms | ${over(idle.work, 16)} | ${over(idle.work, 50)} | ${longMax(idle.longFrames)} | ${dropped(idle.deltas)} (${missedVsyncs(idle.deltas)}) | ${fmt(ii.p50)} / ${fmt(ii.p95)} ms | | | |`);
    console.log(`| scrolling minus idle | ${fmt(s.p50 - i.p50)} ms | ${fmt(s.p95 - i.p95)} ms | ${fmt(s.p99 - i.p99)} ms | | | | | | | | | |`);
    console.log(`| ratio scrolling / idle | ${(s.p50 / i.p50).toFixed(1)} | ${(s.p95 / i.p95).toFixed(1)} | ${(s.p99 / i.p99).toFixed(1)} | | | | | | | | | |`);
    console.log('');
    console.log(`open, every run (ms): ${SIZES.map((z) => `${n(z)}: ${opens.get(z)!.map((f) => fmt(f.openMs)).join(' ')}`).join('; ')}`);
    for (const line of profile) console.log(line);
    const serverErr = serve.stderr().trim();
    if (serverErr) console.log(`meshlens serve stderr:\n${serverErr}`);
    if (errors.length) {
      console.log('');
      console.log(`FAILED: the page logged ${errors.length} error(s):\n${errors.join('\n')}`);
    }
    console.log('');
    console.log(
      JSON.stringify({
        bench: 'viewer',
        open1kMs: r1(open(1_000)),
        open10kMs: r1(open(10_000)),
        open50kMs: r1(open(50_000)),
        scrollP95FrameMs: r1(s.p95),
        baselineOpen10SpansMs: r1(base),
        ratio1k: r1(open(1_000) / base),
        ratio10k: r1(open(10_000) / base),
        ratio50k: r1(open(50_000) / base),
        rpc50kMs: r1(med(50_000, 'rpcMs')),
        scrollP50FrameMs: r1(s.p50),
        scrollP99FrameMs: r1(s.p99),
        scrollMaxFrameMs: r1(s.max),
        scrollFrames: scroll.work.length,
        scrollFramesOver16Ms: over(scroll.work, 16),
        scrollFramesOver50Ms: over(scroll.work, 50),
        scrollDroppedFrames: dropped(scroll.deltas),
        scrollMissedVsyncs: missedVsyncs(scroll.deltas),
        scrollFramesOver25Ms: over(scroll.deltas, 25),
        idleFramesOver25Ms: over(idle.deltas, 25),
        scrollBlankFrames: scroll.blankFrames,
        scrollLongFrames: scroll.longFrames.length,
        idleP50FrameMs: r1(i.p50),
        idleP95FrameMs: r1(i.p95),
        idleDroppedFrames: dropped(idle.deltas),
        scrollP95ToIdle: r1(s.p95 / i.p95),
        vsyncMs: r1(vsyncMs),
        scrollIntervalP50Ms: r1(si.p50),
        scrollIntervalP95Ms: r1(si.p95),
        idleIntervalP95Ms: r1(ii.p95),
        rpcRequests50k: med(50_000, 'rpcCount'),
        targets: { open10k: open(10_000) < TARGET_OPEN_10K_MS, open50k: open(50_000) < TARGET_OPEN_50K_MS, scrollP95: s.p95 < TARGET_SCROLL_P95_MS },
        pageErrors: errors.length,
        rounds: ROUNDS,
        cores: cpus,
        loadAvg: [r1(load0), r1(load1)],
      }),
    );
    if (errors.length) process.exitCode = 1;
  } catch (e) {
    // What the page said is usually why it failed.
    if (errors.length && e instanceof Error) e.message += `\nthe page logged:\n${errors.join('\n')}`;
    throw e;
  } finally {
    await browser?.close();
    await serve.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
