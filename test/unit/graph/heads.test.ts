// What the graph reads of span heads from the protobuf decode (HeadWithAttributes: attributes and
// times read from the request's bytes when asked) must be what it would read of whole spans; and
// halves that wait at the same place of the index (two span ids that hash alike) must still each pair
// with their own other half.
import * as assert from 'node:assert/strict';
import { attrNumber, AttributeKeys, decodeTraceHeadsProtobuf, decodeTracesJson, decodeTracesProtobuf, HeadWithAttributes, TraceStore } from '../../../src/core/trace';
import { GRAPH_ATTRIBUTE_KEYS, ServiceGraph } from '../../../src/core/graph';
import { Ingest } from '../../../src/receiver/ingest';
import { encodeTraces } from '../trace/pb';
import { call, otlp, T0, tid, sid } from './helpers';

const VALUES: Record<string, object> = {
  int: { intValue: '503' },
  bigInt: { intValue: '9007199254740993' },
  negative: { intValue: '-7' },
  long: { intValue: '268435456' },
  double: { doubleValue: 2.5 },
  numericText: { stringValue: ' 8080 ' },
  text: { stringValue: 'cart' },
  emptyText: { stringValue: '' },
  bool: { boolValue: true },
  bytes: { bytesValue: Buffer.from([1, 2, 3]).toString('base64') },
  list: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }] } },
  map: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1 } }] } },
  empty: {},
};

function request(start: string | undefined, end: string | undefined, attributes: object[]): object {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: 'a' } }],
        },
        scopeSpans: [
          {
            spans: [
              {
                traceId: tid(1),
                spanId: sid(1),
                name: 'x',
                kind: 2,
                ...(start !== undefined && { startTimeUnixNano: start }),
                ...(end !== undefined && { endTimeUnixNano: end }),
                attributes,
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('span heads as the graph reads them', () => {
  it('every kind of value reads as the full decode has it, as a value and as a number (the last of a repeated key)', () => {
    const attributes = [
      ...Object.entries(VALUES).map(([key, value]) => ({
        key,
        ...(value && { value }),
      })),
      { key: 'twice', value: { stringValue: 'first' } },
      { key: 'twice', value: { intValue: '2' } },
    ];
    const bytes = encodeTraces(request('1', '2', attributes));
    const full = decodeTracesProtobuf(bytes).spans[0];
    const names = [...Object.keys(VALUES), 'twice', 'absent'];
    const head = decodeTraceHeadsProtobuf(bytes, new AttributeKeys(names)).heads[0];
    assert.ok(head instanceof HeadWithAttributes);
    assert.deepEqual([...head.attributes], [...full.attributes]);
    for (const name of names) {
      const slot = head.indexOf(name);
      assert.equal(slot >= 0, full.attributes.has(name), name);
      if (slot < 0) continue;
      assert.deepEqual(head.valueAt(slot), full.attributes.get(name), name);
      assert.ok(Object.is(head.numberAt(slot), attrNumber(full.attributes.get(name))), `${name}: ${head.numberAt(slot)}`);
    }
    assert.equal(head.numberAt(head.indexOf('twice')), 2);
    assert.equal(head.numberAt(head.indexOf('numericText')), 8080);
  });

  it('a string value reads as the full decode has it through stringAt, also when read again, and any other value gives null', () => {
    // Enough distinct names that the strings remembered by their bytes (1,024 places) clash.
    const texts = ['cart', 'café', 'Zürich-1', 'x'.repeat(65), 'y'.repeat(64), ...Array.from({ length: 3000 }, (_, i) => `host-${i}.shop.svc`)];
    const attributes: { key: string; value: object }[] = texts.map((t, i) => ({ key: `k${i}`, value: { stringValue: t } }));
    const others = Object.entries(VALUES).filter(([k]) => !['numericText', 'text', 'emptyText'].includes(k));
    attributes.push(...others.map(([key, value]) => ({ key, value })));
    const bytes = encodeTraces(request('1', '2', attributes));
    const keys = new AttributeKeys(attributes.map((a) => a.key));
    for (let pass = 0; pass < 2; pass++) {
      const head = decodeTraceHeadsProtobuf(bytes, keys).heads[0] as HeadWithAttributes;
      texts.forEach((t, i) => assert.equal(head.stringAt(head.indexOf(`k${i}`)), t, `k${i}, pass ${pass}`));
      for (const [key] of others) assert.equal(head.stringAt(head.indexOf(key)), null, key);
    }
    const empty = decodeTraceHeadsProtobuf(encodeTraces(request('1', '2', [{ key: 'e', value: { stringValue: '' } }])), new AttributeKeys(['e'])).heads[0] as HeadWithAttributes;
    assert.equal(empty.stringAt(empty.indexOf('e')), '');
  });

  it('an AnyValue of more than one field (the last wins) is not read as its first string', () => {
    const bytes = encodeTraces(request('1', '2', [{ key: 'mixed', value: { stringValue: 'ab' } }]));
    // The value's bytes (string "ab": 0a 02 61 62) become a string "" then an int 5 (0a 00 18 05),
    // and then an int 5 then a string "" (18 05 0a 00): the same length, so nothing else moves.
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x0a, 0x02, 0x61, 0x62]));
    assert.ok(at > 0);
    for (const [patch, value] of [
      [[0x0a, 0x00, 0x18, 0x05], 5n],
      [[0x18, 0x05, 0x0a, 0x00], ''],
    ] as const) {
      const patched = Uint8Array.from(bytes);
      patched.set(patch, at);
      assert.equal(decodeTracesProtobuf(patched).spans[0].attributes.get('mixed'), value);
      const head = decodeTraceHeadsProtobuf(patched, new AttributeKeys(['mixed'])).heads[0] as HeadWithAttributes;
      const slot = head.indexOf('mixed');
      assert.equal(head.stringAt(slot), null);
      assert.equal(head.valueAt(slot), value);
    }
  });

  it("start and end as numbers equal Number() of the full decode's nanoseconds, up to 2^64 - 1 and when not sent", () => {
    const times: [string | undefined, string | undefined][] = [
      ['1767268800000000000', '1767268800123456789'],
      ['9007199254740993', '18446744073709551615'],
      ['4294967295', '4294967296'],
      [undefined, '5'],
      ['0', undefined],
    ];
    for (const [start, end] of times) {
      const bytes = encodeTraces(request(start, end, []));
      const full = decodeTracesProtobuf(bytes).spans[0];
      const head = decodeTraceHeadsProtobuf(bytes, new AttributeKeys(['x'])).heads[0] as HeadWithAttributes;
      assert.equal(head.startNs(), Number(full.startUnixNano), `start ${start}`);
      assert.equal(head.endNs(), Number(full.endUnixNano), `end ${end}`);
      assert.equal(head.attributes.size, 0);
    }
  });

  it("span and parent ids as 32-bit words are the ids' halves (what the graph pairs by), 0 for no parent", () => {
    const word = (hex: string, i: 0 | 1) => parseInt(hex.slice(8 * i, 8 * i + 8), 16) | 0;
    const spans = [...call(1, 0x7fffffff, 'a', 'b', 0, 5, 4), { svc: 'a', trace: 2, id: 3, kind: 'server' as const, at: 0, ms: 1 }];
    const req = otlp(spans) as { resourceSpans: { scopeSpans: { spans: { spanId: string; parentSpanId?: string }[] }[] }[] };
    // Ids with the high bit set in both halves, so the words are negative as int32.
    for (const rs of req.resourceSpans)
      for (const s of rs.scopeSpans[0].spans) {
        s.spanId = `f${s.spanId.slice(1, 8)}e${s.spanId.slice(9)}`;
        if (s.parentSpanId) s.parentSpanId = `f${s.parentSpanId.slice(1, 8)}e${s.parentSpanId.slice(9)}`;
      }
    const bytes = encodeTraces(req);
    const heads = decodeTraceHeadsProtobuf(bytes, new AttributeKeys(['x'])).heads as HeadWithAttributes[];
    assert.equal(heads.length, 3);
    for (const h of heads) {
      assert.deepEqual([h.idWord(false, 0), h.idWord(false, 1)], [word(h.spanId, 0), word(h.spanId, 1)]);
      assert.ok(h.idWord(false, 0) < 0 && h.idWord(false, 1) < 0);
      assert.deepEqual([h.idWord(true, 0), h.idWord(true, 1)], h.parentSpanId === undefined ? [0, 0] : [word(h.parentSpanId, 0), word(h.parentSpanId, 1)]);
    }
  });

  it('callers that never get a server half go to the external node their own address, port and peer.service name, when many share an address', () => {
    // Waiting callers share what they read of the same server.address (aloneOf): the port, the
    // peer.service and the case of the address must still be each span's own.
    const client = (id: number, attrs: Record<string, string | number>) => ({ svc: 'shop', trace: id, id, kind: 'client' as const, at: id, ms: 5, attrs });
    const specs = [
      client(1, { 'server.address': 'Pay.Example.com', 'server.port': 443 }),
      client(2, { 'server.address': 'Pay.Example.com', 'server.port': 8443 }),
      client(3, { 'server.address': 'Pay.Example.com', 'server.port': 443, 'peer.service': 'payments' }),
      client(4, { 'server.address': 'Pay.Example.com', 'server.port': 443 }),
      client(5, { 'server.address': 'pay.example.com', 'server.port': '443' }),
      client(6, { 'server.address': 'Pay.Example.com', 'url.full': 'https://other.example.com:9000/x' }),
      client(7, { 'url.full': 'https://Pay.Example.com/x', 'server.port': 8443 }),
    ];
    const viaHeads = new ServiceGraph({ clock: () => T0, ttlMs: 1000 });
    const ingest = new Ingest(new TraceStore());
    ingest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (s) => viaHeads.add(s, T0));
    const bytes = encodeTraces(otlp(specs));
    ingest.protobufTraces(bytes, { signal: 'traces', encoding: 'protobuf', bytes });
    const viaSpans = new ServiceGraph({ clock: () => T0, ttlMs: 1000 });
    viaSpans.add(decodeTracesJson(otlp(specs)).spans, T0);
    for (const g of [viaHeads, viaSpans]) {
      const edges = g.snapshot({ window: '5m' }, T0 + 2000).edges;
      assert.deepEqual(
        edges.map((e) => [e.target, e.client?.requests]),
        [
          ['external:pay.example.com:443', 3],
          ['external:pay.example.com:8443', 2],
          ['external:payments', 1],
          ['external:pay.example.com:9000', 1],
        ].sort(),
      );
    }
  });

  it('two span ids sharing a place in the index of waiting halves pair each with its own other half, in one trace and across traces', () => {
    // Waiting halves are indexed by a number mixed from the id (the whole id and the trace are
    // compared on a hit); these ids differ only in the first hex digit, which the index's place
    // (the number's low bits) leaves out, so they share it.
    const twin = (id: string) => `4${id.slice(1)}`;
    const spans = [...call(1, 3, 'frontend', 'cart', 0, 50, 40), ...call(1, 5, 'frontend', 'payment', 10, 30, 20), ...call(2, 3, 'frontend', 'reviews', 20, 70, 60)];
    const req = otlp(spans) as {
      resourceSpans: {
        scopeSpans: {
          spans: { spanId: string; parentSpanId?: string; traceId: string }[];
        }[];
      }[];
    };
    // payment's call (trace 1) and reviews' call (trace 2) get the twins of cart's ids.
    for (const rs of req.resourceSpans)
      for (const s of rs.scopeSpans[0].spans) {
        const inTwin = (s.traceId === tid(1) && [sid(5), sid(6)].includes(s.spanId)) || s.traceId === tid(2);
        if (!inTwin) continue;
        const map = (id: string) => (id === sid(5) || id === sid(6) ? twin(id === sid(5) ? sid(3) : sid(4)) : twin(id));
        s.spanId = map(s.spanId);
        if (s.parentSpanId !== undefined) s.parentSpanId = map(s.parentSpanId);
      }
    const servers = {
      resourceSpans: req.resourceSpans.filter((rs) => !JSON.stringify(rs).includes('"frontend"')),
    };
    const clients = {
      resourceSpans: req.resourceSpans.filter((rs) => JSON.stringify(rs).includes('"frontend"')),
    };
    // Through the receiver path (heads) and through whole spans from OTLP/JSON: the same graph.
    const viaHeads = new ServiceGraph({ clock: () => T0 });
    const ingest = new Ingest(new TraceStore());
    ingest.onSpanHeads(GRAPH_ATTRIBUTE_KEYS, (s) => viaHeads.add(s, T0));
    const viaSpans = new ServiceGraph({ clock: () => T0 });
    for (const r of [servers, clients]) {
      const bytes = encodeTraces(r);
      ingest.protobufTraces(bytes, {
        signal: 'traces',
        encoding: 'protobuf',
        bytes,
      });
      viaSpans.add(decodeTracesJson(r).spans, T0);
      if (r === servers) assert.equal(viaHeads.stats().pendingEdges, 3, 'the three servers wait');
    }
    for (const g of [viaHeads, viaSpans]) {
      assert.deepEqual(
        {
          pending: g.stats().pendingEdges,
          expired: g.stats().expiredEdges,
          dropped: g.stats().droppedEdges,
        },
        { pending: 0, expired: 0, dropped: 0 },
      );
      const edges = g.snapshot({ window: '5m' }, T0).edges.filter((e) => e.source === 'service:frontend');
      assert.deepEqual(
        edges.map((e) => [e.target, e.client?.requests, e.server?.requests, Math.round(e.client!.p50Ms!), Math.round(e.server!.p50Ms!)]),
        [
          ['service:cart', 1, 1, 50, 40],
          ['service:payment', 1, 1, 30, 20],
          ['service:reviews', 1, 1, 70, 60],
        ],
      );
    }
  });
});
