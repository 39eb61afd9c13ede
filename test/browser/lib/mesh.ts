// A Bookinfo-like mesh recorded with the real OpenTelemetry JS SDK and sent to `meshlens serve`,
// for the map's tests:
//
//   user -> productpage -> details                      (every request; every 10th fails)
//                       -> reviews v1 | v2 | v3         (8 / 6 / 6 of 20)
//                            reviews v2, v3 -> ratings  (every 4th of those fails)
//                                              ratings -> mysql ratings (db.system=mysql)
//           productpage ~> notifications                (kafka producer/consumer, 5 messages)
//
// Every service carries service.version. Requests are spread over the 2 minutes before `now`, so
// the 5-minute window holds them all. What the SDK recorded comes back, and observedEdges() turns
// it into the edges and figures the map must show, from the spans themselves.
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { hr, hrNanos, Sdk, span } from './feed';

export const MESH_REQUESTS = 20;
export const MESH_MESSAGES = 5;

export interface Mesh {
  readonly spans: ReadableSpan[];
  /** Trace ids of the requests (not the messages), oldest first. */
  readonly traceIds: string[];
}

export async function feedMesh(otlpHttp: string, now = Date.now()): Promise<Mesh> {
  const sdk = (name: string, version: string) => new Sdk(otlpHttp, { 'service.name': name, 'service.version': version });
  const productpage = sdk('productpage', 'v1');
  const details = sdk('details', 'v1');
  const reviews = { v1: sdk('reviews', 'v1'), v2: sdk('reviews', 'v2'), v3: sdk('reviews', 'v3') };
  const ratings = sdk('ratings', 'v1');
  const notifications = sdk('notifications', 'v1');
  const all = [productpage, details, reviews.v1, reviews.v2, reviews.v3, ratings, notifications];
  const traceIds: string[] = [];
  const fail = (s: Span, server: boolean) => {
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
    if (server) s.setAttribute('http.response.status_code', 500);
  };
  try {
    const t0 = now - 120_000;
    let ratingsCalls = 0;
    for (let i = 0; i < MESH_REQUESTS; i++) {
      const start = t0 + i * 5_000;
      const pp = productpage.tracer('productpage');
      const root = span(pp, 'GET /productpage', undefined, start, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/productpage' } });
      traceIds.push(root.spanContext().traceId);
      // details: 4..23 ms, every 10th request fails.
      const dMs = 4 + i;
      const callD = span(pp, 'GET details', root, start + 1, { kind: SpanKind.CLIENT, attributes: { 'server.address': 'details', 'server.port': 9080 } });
      const srvD = span(details.tracer('details'), 'GET /details', callD, start + 1.5, { kind: SpanKind.SERVER, attributes: { 'http.route': '/details' } });
      if (i % 10 === 9) {
        fail(srvD, true);
        fail(callD, false);
      }
      srvD.end(hr(start + 1 + dMs - 0.5));
      callD.end(hr(start + 1 + dMs));
      // reviews: v1 for 8 requests, then v2 and v3 alternating; 20..210 ms.
      const version = i < 8 ? 'v1' : i % 2 === 0 ? 'v2' : 'v3';
      const rStart = start + 30;
      const rMs = 20 + ((i * 37) % 20) * 10;
      const callR = span(pp, 'GET reviews', root, rStart, { kind: SpanKind.CLIENT, attributes: { 'server.address': 'reviews', 'server.port': 9080 } });
      const srvR = span(reviews[version].tracer('reviews'), 'GET /reviews', callR, rStart + 1, { kind: SpanKind.SERVER, attributes: { 'http.route': '/reviews/{id}' } });
      if (version !== 'v1') {
        const n = ratingsCalls++;
        const rr = reviews[version].tracer('reviews');
        const callRt = span(rr, 'GET ratings', srvR, rStart + 2, { kind: SpanKind.CLIENT, attributes: { 'server.address': 'ratings', 'server.port': 9080 } });
        const srvRt = span(ratings.tracer('ratings'), 'GET /ratings', callRt, rStart + 3, { kind: SpanKind.SERVER, attributes: { 'http.route': '/ratings/{id}' } });
        const q = span(ratings.tracer('ratings'), 'SELECT ratings', srvRt, rStart + 4, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'mysql', 'db.namespace': 'ratings', 'db.query.text': 'SELECT * FROM ratings WHERE id = ?' } });
        q.end(hr(rStart + 4 + 2 + n));
        if (n % 4 === 3) {
          fail(srvRt, true);
          fail(callRt, false);
        }
        srvRt.end(hr(rStart + 4 + 3 + n));
        callRt.end(hr(rStart + 4 + 5 + n));
      }
      srvR.end(hr(rStart + rMs - 1));
      callR.end(hr(rStart + rMs));
      root.end(hr(rStart + rMs + 5));
    }
    // Messages: productpage publishes, notifications consumes (its own trace each).
    for (let i = 0; i < MESH_MESSAGES; i++) {
      const start = t0 + 3_000 + i * 20_000;
      const pp = productpage.tracer('productpage');
      const job = span(pp, 'publish review event', undefined, start, { kind: SpanKind.INTERNAL });
      const send = span(pp, 'reviews-events publish', job, start + 1, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'reviews-events' } });
      send.end(hr(start + 3));
      job.end(hr(start + 4));
      const recv = span(notifications.tracer('notifications'), 'reviews-events process', send, start + 50, { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'reviews-events' } });
      recv.end(hr(start + 60 + i));
    }
    const spans: ReadableSpan[] = [];
    for (const s of all) spans.push(...(await s.flush()).spans);
    return { spans, traceIds };
  } finally {
    await Promise.all(all.map((s) => s.shutdown()));
  }
}

export interface ObservedEdge {
  /** The graph's edge id (src/shared/graph.ts). */
  readonly id: string;
  readonly requests: number;
  readonly errors: number;
  /** The caller's durations in ms (the callee's when there is no caller span: from `user`). */
  readonly durationsMs: number[];
  readonly traceIds: Set<string>;
}

const durationMs = (s: ReadableSpan) => Number(hrNanos(s.duration)) / 1e6;
const service = (s: ReadableSpan) => String(s.resource.attributes['service.name']);
const version = (s: ReadableSpan) => String(s.resource.attributes['service.version']);

/**
 * The edges the recorded spans make, paired the way the graph's header says (client span id =
 * server span's parent; database client spans and root server spans complete at once; a producer
 * and its consumer make a messaging edge between the two services), with the caller's view.
 */
export function observedEdges(spans: readonly ReadableSpan[], versioned: boolean): Map<string, ObservedEdge> {
  const node = (s: ReadableSpan) => (versioned ? `version:${service(s)}@${version(s)}` : `service:${service(s)}`);
  const byParent = new Map<string, ReadableSpan>();
  for (const s of spans) if ((s.kind === SpanKind.SERVER || s.kind === SpanKind.CONSUMER) && s.parentSpanContext) byParent.set(s.parentSpanContext.spanId, s);
  const edges = new Map<string, { id: string; requests: number; errors: number; durationsMs: number[]; traceIds: Set<string> }>();
  const add = (id: string, s: ReadableSpan) => {
    const e = edges.get(id) ?? edges.set(id, { id, requests: 0, errors: 0, durationsMs: [], traceIds: new Set() }).get(id)!;
    e.requests++;
    if (s.status.code === SpanStatusCode.ERROR) e.errors++;
    e.durationsMs.push(durationMs(s));
    e.traceIds.add(s.spanContext().traceId);
  };
  for (const s of spans) {
    if (s.kind === SpanKind.SERVER && !s.parentSpanContext) add(`user->${node(s)}`, s);
    else if (s.kind === SpanKind.CLIENT && s.attributes['db.system']) add(`${node(s)}->database:${s.attributes['db.system']}/${s.attributes['db.namespace']}`, s);
    else if (s.kind === SpanKind.CLIENT || s.kind === SpanKind.PRODUCER) {
      const callee = byParent.get(s.spanContext().spanId);
      if (callee) add(`${node(s)}->${node(callee)}${s.kind === SpanKind.PRODUCER ? '#messaging' : ''}`, s);
    }
  }
  return edges;
}

/** Nearest-rank percentile (what the graph's histogram approximates within 2.19%). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Later traffic: productpage starts calling a new service, ads (`count` requests), and details again. */
export async function feedAds(otlpHttp: string, count: number, now = Date.now()): Promise<ReadableSpan[]> {
  const productpage = new Sdk(otlpHttp, { 'service.name': 'productpage', 'service.version': 'v1' });
  const ads = new Sdk(otlpHttp, { 'service.name': 'ads', 'service.version': 'v1' });
  try {
    const pp = productpage.tracer('productpage');
    for (let i = 0; i < count; i++) {
      const start = now - 10_000 + i * 100;
      const root = span(pp, 'GET /productpage', undefined, start, { kind: SpanKind.SERVER });
      const call = span(pp, 'GET ads', root, start + 1, { kind: SpanKind.CLIENT, attributes: { 'server.address': 'ads' } });
      span(ads.tracer('ads'), 'GET /ads', call, start + 2, { kind: SpanKind.SERVER }).end(hr(start + 8));
      call.end(hr(start + 9));
      root.end(hr(start + 10));
    }
    return [...(await productpage.flush()).spans, ...(await ads.flush()).spans];
  } finally {
    await Promise.all([productpage.shutdown(), ads.shutdown()]);
  }
}
