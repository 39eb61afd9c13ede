import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  decodeLogsJson,
  decodeTracesJson,
  encodeLogsJson,
  encodeTracesJson,
  type AttrValue,
  type LogRecord,
  type Span,
  type SpanKind,
  type StatusCode,
} from '../../../src/core/trace';
import { makeResource, makeScope, makeSpan } from '../../../src/core/trace/build';
import { rng } from '../rng';

// The specification's example payloads, read where they are (never copied into the project).
const OTLP = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'otlp');

function randomSpans(seed: number, count: number): Span[] {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const hex = (len: number): string => {
    let h = '';
    while (h.length < len) h += int(16).toString(16);
    return /^0+$/.test(h) ? `${h.slice(1)}1` : h;
  };
  const value = (depth: number): AttrValue => {
    switch (int(depth > 2 ? 6 : 8)) {
      case 0:
        return `s${int(1000)} ✓ "q"`;
      case 1:
        return r() < 0.5;
      case 2:
        return BigInt(int(2 ** 31)) * BigInt(int(2 ** 31)) * (r() < 0.5 ? -1n : 1n);
      case 3:
        return [1.5, -0, NaN, Infinity, -Infinity, r() * 1e300, 0][int(7)];
      case 4:
        return Uint8Array.from({ length: int(40) }, () => int(256));
      case 5:
        return null;
      case 6:
        return Array.from({ length: int(4) }, () => value(depth + 1));
      default:
        return attrs(depth + 1, 3);
    }
  };
  const attrs = (depth: number, max: number): Map<string, AttrValue> => new Map(Array.from({ length: int(max) }, (_, i) => [`k${i}.${int(99)}`, value(depth)]));
  const resources = Array.from({ length: 3 }, (_, i) => makeResource(new Map([['service.name', `svc-${i}`], ...attrs(0, 3)]), int(3), i ? `https://opentelemetry.io/schemas/1.${i}.0` : ''));
  const scopes = Array.from({ length: 3 }, (_, i) => makeScope(`lib-${i}`, i ? `${i}.0` : '', attrs(0, 2), int(2), ''));
  return Array.from({ length: count }, () => {
    const start = BigInt(int(2 ** 30)) * 1_000_000_000n + BigInt(int(1e9));
    return makeSpan({
      traceId: hex(32),
      spanId: hex(16),
      parentSpanId: r() < 0.3 ? undefined : hex(16),
      traceState: r() < 0.5 ? '' : 'rojo=00f067aa0ba902b7',
      flags: int(0x200),
      name: `op ${int(50)}`,
      kind: int(6) as SpanKind,
      startUnixNano: start,
      endUnixNano: start + BigInt(int(1e9)),
      attributes: attrs(0, 6),
      droppedAttributesCount: int(3),
      events: Array.from({ length: int(3) }, () => ({ name: 'ev', timeUnixNano: start + 5n, attributes: attrs(0, 3), droppedAttributesCount: int(2) })),
      droppedEventsCount: int(2),
      links: Array.from({ length: int(3) }, () => ({ traceId: hex(32), spanId: hex(16), traceState: 'a=b', attributes: attrs(0, 2), droppedAttributesCount: int(2), flags: int(0x300) })),
      droppedLinksCount: int(2),
      status: { code: int(3) as StatusCode, message: r() < 0.5 ? '' : 'oops' },
      resource: resources[int(3)],
      scope: scopes[int(3)],
    });
  });
}

/** Decoding gives new Resource objects; equal content and the same sharing is what must survive. */
function sharing(spans: readonly Span[]): number[] {
  const ids = new Map<object, number>();
  return spans.flatMap((s) => [s.resource, s.scope].map((o) => ids.get(o) ?? (ids.set(o, ids.size), ids.size - 1)));
}

describe('OTLP/JSON export', () => {
  it('round-trips the specification example trace exactly', () => {
    const original = decodeTracesJson(readFileSync(path.join(OTLP, 'trace.json'), 'utf8'));
    assert.ok(original.spans.length > 0);
    const again = decodeTracesJson(encodeTracesJson(original.spans));
    assert.deepEqual(again, original);
    assert.deepEqual(sharing(again.spans), sharing(original.spans));
  });

  it('round-trips the specification example logs exactly', () => {
    const original = decodeLogsJson(readFileSync(path.join(OTLP, 'logs.json'), 'utf8'));
    assert.ok(original.logs.length > 0);
    assert.deepEqual(decodeLogsJson(encodeLogsJson(original.logs)), original);
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`round-trips randomized spans of every attribute kind (seed ${seed})`, () => {
      const spans = randomSpans(seed, 60);
      const again = decodeTracesJson(encodeTracesJson(spans));
      assert.equal(again.rejected, 0);
      // The encoding groups spans under their Resource and Scope; compare in that order.
      const order = new Map(spans.map((s, i) => [s, i]));
      const grouped = [...spans].sort((a, b) => groupKey(a, spans) - groupKey(b, spans) || order.get(a)! - order.get(b)!);
      assert.deepEqual(again.spans, grouped);
    });
  }

  it('writes ids as hex, int64 as decimal strings and kinds exactly', () => {
    const [span] = randomSpans(9, 1);
    const json = JSON.parse(encodeTracesJson([{ ...span, attributes: new Map<string, AttrValue>([['i', 5n], ['d', 5], ['b', Uint8Array.of(1, 2, 255)]]) }]));
    const s = json.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(s.traceId, span.traceId);
    assert.equal(s.startTimeUnixNano, String(span.startUnixNano));
    assert.deepEqual(s.attributes, [
      { key: 'i', value: { intValue: '5' } },
      { key: 'd', value: { doubleValue: 5 } },
      { key: 'b', value: { bytesValue: 'AQL/' } },
    ]);
  });

  it('log records without a trace keep no ids', () => {
    const log = decodeLogsJson(readFileSync(path.join(OTLP, 'logs.json'), 'utf8')).logs[0];
    const loose: LogRecord = { ...log, traceId: undefined, spanId: undefined, body: null };
    const again = decodeLogsJson(encodeLogsJson([loose])).logs[0];
    assert.deepEqual(again, loose);
  });
});

function groupKey(s: Span, all: readonly Span[]): number {
  // First appearance of the span's resource, then of its scope within that resource.
  const r = all.findIndex((x) => x.resource === s.resource);
  const sc = all.findIndex((x) => x.resource === s.resource && x.scope === s.scope);
  return r * 1e6 + sc;
}
