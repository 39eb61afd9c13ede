// The graph through the real receiver path: OTLP/protobuf bytes into an Ingest. The heads decode
// with the graph's attribute keys must give the same graph as whole spans, and the store must
// keep what it kept before (packed heads when no hook needs whole spans).
import * as assert from 'node:assert/strict';
import { AttributeKeys, decodeTraceHeadsProtobuf, decodeTracesJson, decodeTracesProtobuf, TraceStore, type SpanHeadWithAttributes } from '../../../src/core/trace';
import { GRAPH_ATTRIBUTE_KEYS, ServiceGraph } from '../../../src/core/graph';
import { Ingest, type RawPayload } from '../../../src/receiver/ingest';
import { encodeTraces } from '../trace/pb';
import { call, otlp, sid, T0, tid, type G } from './helpers';

/** Several requests covering every rule: HTTP, gRPC, messaging, databases, externals, loopback, versions, roots, orphans. */
function requests(): G[][] {
  const kafka = { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' };
  const out: G[][] = [];
  for (let t = 0; t < 20; t++) {
    const base = t * 100;
    const at = -60_000 + t * 2000;
    const r: G[] = [
      { svc: 'frontend', ver: '1.0.0', trace: base + 1, id: 1, kind: 'server', at, ms: 90, attrs: { 'server.port': 8080, 'http.request.method': 'GET', 'http.response.status_code': t % 7 === 0 ? 502 : 200 } },
      ...call(base + 1, 2, 'frontend', 'cart', at + 1, 40, 30, { parent: 1, fromVer: '1.0.0', toVer: t % 4 === 0 ? 'v2' : 'v1', serverError: t % 5 === 0, attrs: { 'server.address': 'cart', 'server.port': 7070, 'url.full': 'http://cart:7070/cart' } }),
      ...call(base + 1, 4, 'cart', 'inventory', at + 5, 10, 8, { parent: 3, attrs: { 'rpc.system': 'grpc', 'server.address': 'inventory', 'server.port': 50051 } }),
      { svc: 'cart', trace: base + 1, id: 6, parent: 3, kind: 'client', at: at + 6, ms: 3, attrs: { 'db.system.name': 'postgresql', 'db.namespace': 'carts', 'db.query.text': 'select * from carts where id = $1' } },
      { svc: 'checkout', res: { 'k8s.deployment.name': 'checkout-v3' }, trace: base + 1, id: 7, parent: 1, kind: 'producer', at: at + 50, ms: 1, attrs: kafka },
      { svc: 'payment', trace: base + 1, id: 8, parent: 7, kind: 'consumer', at: at + 80, ms: 15, attrs: kafka },
      { svc: 'frontend', ver: '1.0.0', trace: base + 1, id: 9, parent: 1, kind: 'client', at: at + 60, ms: 20, error: t % 3 === 0, attrs: { 'peer.service': 'stripe', 'server.address': 'api.stripe.com', 'server.port': 443, 'very.long.unrelated.attribute.key': 'x'.repeat(200) } },
      { svc: 'frontend', ver: '1.0.0', trace: base + 1, id: 10, parent: 1, kind: 'client', at: at + 70, ms: 5, attrs: { 'server.address': 'localhost', 'server.port': 7070 } },
      { svc: 'reviews', trace: base + 2, id: 2, parent: 1, kind: 'server', at: at + 3, ms: 12 },
      // cart says which port it listens on (the loopback call above is matched by it).
      { svc: 'cart', ver: 'v1', trace: base + 3, id: 1, kind: 'server', at: at + 4, ms: 2, attrs: { 'server.port': 7070 } },
      { svc: 'frontend', ver: '1.0.0', trace: base + 1, id: 11, parent: 1, kind: 'internal', at: at + 2, ms: 1, attrs: { 'code.function.name': 'render' } },
    ];
    // Every other request arrives callee-first, as separate exporters would send it.
    out.push(t % 2 === 0 ? r : [...r].reverse());
  }
  return out;
}

const RAW = (bytes: Uint8Array): RawPayload => ({ signal: 'traces', encoding: 'protobuf', bytes });

describe('graph input through the receiver path', () => {
  it('the heads decode with attribute keys gives each span exactly the wanted attributes of the full decode', () => {
    const keys = new AttributeKeys(GRAPH_ATTRIBUTE_KEYS);
    for (const r of requests()) {
      const bytes = encodeTraces(otlp(r));
      const full = decodeTracesProtobuf(bytes).spans;
      const heads = decodeTraceHeadsProtobuf(bytes, keys).heads as SpanHeadWithAttributes[];
      assert.equal(heads.length, full.length);
      for (let i = 0; i < full.length; i++) {
        const wanted = [...full[i].attributes].filter(([k]) => keys.names.includes(k));
        assert.deepEqual([...heads[i].attributes], wanted, `span ${full[i].spanId}`);
        assert.equal(heads[i].spanId, full[i].spanId);
        assert.equal(heads[i].resource.attributes.get('service.version'), full[i].resource.attributes.get('service.version'));
      }
    }
  });

  it('int64 attribute values decode exactly on the short-varint path and the long one', () => {
    const ints = ['0', '1', '127', '128', '268435455', '268435456', '4294967295', '-1', '-268435456', '9007199254740993', '9223372036854775807', '-9223372036854775808'];
    const req = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }] },
          scopeSpans: [{ spans: [{ traceId: tid(1), spanId: sid(1), name: 'x', kind: 3, startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: ints.map((v, i) => ({ key: `i${i}`, value: { intValue: v } })) }] }],
        },
      ],
    };
    const span = decodeTracesProtobuf(encodeTraces(req)).spans[0];
    assert.deepEqual([...span.attributes.values()], ints.map((v) => BigInt(v)));
    assert.deepEqual([...span.attributes.values()], [...decodeTracesJson(req).spans[0].attributes.values()]);
    const head = decodeTraceHeadsProtobuf(encodeTraces(req), new AttributeKeys(['i3', 'i11'])).heads[0] as SpanHeadWithAttributes;
    assert.deepEqual([...head.attributes], [['i3', 128n], ['i11', -9223372036854775808n]]);
  });

  it('collecting attributes accepts and rejects exactly the bytes plain heads do (corrupted requests)', () => {
    const keys = new AttributeKeys(GRAPH_ATTRIBUTE_KEYS);
    const good = encodeTraces(otlp(requests()[3]));
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const outcome = (bytes: Uint8Array, k?: AttributeKeys) => {
      try {
        const d = decodeTraceHeadsProtobuf(bytes, k);
        return `ok ${d.heads.length} ${d.rejected} ${d.rejectMessage}`;
      } catch (e) {
        return `error ${(e as Error).message}`;
      }
    };
    let errors = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(good);
      for (let j = 0; j < 3; j++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const plain = outcome(bytes);
      if (plain.startsWith('error')) errors++;
      assert.equal(outcome(bytes, keys), plain, `corruption ${i}`);
    }
    assert.ok(errors > 100, `the corruptions reach the checks (${errors} rejected)`);
  });

  it('heads + attributes (onSpanHeads) give the same graph as whole spans (onSpans) and as OTLP/JSON', () => {
    const viaHeads = new ServiceGraph();
    const viaSpans = new ServiceGraph();
    const viaJson = new ServiceGraph();
    const headsIngest = new Ingest(new TraceStore());
    const spansIngest = new Ingest(new TraceStore());
    const jsonIngest = new Ingest(new TraceStore());
    let now = T0;
    headsIngest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (spans) => viaHeads.add(spans, now));
    spansIngest.onSpans((spans) => viaSpans.add(spans, now));
    jsonIngest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (spans) => viaJson.add(spans, now));
    for (const r of requests()) {
      const bytes = encodeTraces(otlp(r));
      headsIngest.protobufTraces(bytes, RAW(bytes));
      spansIngest.protobufTraces(bytes, RAW(bytes));
      jsonIngest.traces(decodeTracesJson(otlp(r)));
      now += 500;
    }
    for (const versioned of [false, true]) {
      for (const [when, window] of [[now, '1m'], [now + 20_000, '5m'], [now + 20_000, 'all']] as const) {
        const expected = viaSpans.snapshot({ window, versioned }, when);
        assert.ok(expected.edges.length >= (window === '1m' ? 6 : 8), `the scenario draws a real graph: ${expected.edges.map((e) => e.id).join(' ')}`);
        assert.deepEqual(viaHeads.snapshot({ window, versioned }, when), expected);
        assert.deepEqual(viaJson.snapshot({ window, versioned }, when), expected);
      }
    }
    assert.equal(headsIngest.counters.hookErrors, 0);
    assert.equal(viaHeads.stats().badSpans, 0);
    // The store still got packed heads (it decodes a span in full only when shown).
    assert.equal(headsIngest.store.stats().spans, spansIngest.store.stats().spans);
    const r0 = requests()[0];
    const some = headsIngest.store.getTrace(r0[0].trace.toString(16).padStart(32, '0'));
    assert.ok(some && some.spans.length > 0);
  });

  it('removing the head hook goes back to plain heads; a throwing hook is counted and ingest goes on', () => {
    const ingest = new Ingest(new TraceStore());
    const got: number[] = [];
    const off = ingest.onSpanHeads(['server.port'], (spans) => got.push(spans.length));
    ingest.onSpanHeads(['peer.service'], () => {
      throw new Error('a bug in a hook');
    });
    const bytes = encodeTraces(otlp(requests()[0]));
    ingest.protobufTraces(bytes, RAW(bytes));
    assert.deepEqual(got, [13]);
    assert.equal(ingest.counters.hookErrors, 1);
    off();
    ingest.protobufTraces(bytes, RAW(bytes));
    assert.deepEqual(got, [13]);
    assert.equal(ingest.counters.spans, 26);
  });
});
