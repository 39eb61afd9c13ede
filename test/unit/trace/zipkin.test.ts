import * as assert from 'node:assert/strict';
import { decodeZipkinJson, OtlpDecodeError, SpanKind, StatusCode, ZIPKIN_START_ABSENT } from '../../../src/core/trace';

// A Brave-style client/server pair (the payload shape of zipkin-api's v2 JSON examples).
function pair(): Record<string, unknown>[] {
  return [
    {
      traceId: '86154a4ba6e91385',
      parentId: '86154a4ba6e91385',
      id: '4d1e00c0db9010db',
      kind: 'CLIENT',
      name: 'get /api',
      timestamp: 1472470996199000,
      duration: 207000,
      localEndpoint: { serviceName: 'frontend', ipv4: '127.0.0.1' },
      remoteEndpoint: { serviceName: 'backend', ipv4: '192.168.99.101', port: 9000 },
      annotations: [{ timestamp: 1472470996238000, value: 'ws' }],
      tags: { 'http.method': 'GET', 'http.path': '/api', 'otel.library.name': 'brave', 'otel.library.version': '5.13' },
      shared: false,
      debug: true,
    },
    {
      traceId: '86154a4ba6e91385',
      parentId: '86154a4ba6e91385',
      id: '4d1e00c0db9010db',
      kind: 'SERVER',
      name: 'get /api',
      timestamp: 1472470996238000,
      duration: 150000,
      localEndpoint: { serviceName: 'backend', ipv6: '2001:db8::c001', port: 9000 },
      tags: { 'http.method': 'GET', error: 'connection reset', 'host.name': 'b-1' },
      shared: true,
    },
    {
      traceId: '86154a4ba6e91385',
      id: '86154a4ba6e91385',
      name: 'root',
      timestamp: 1472470996100000,
      duration: 400000,
      localEndpoint: { serviceName: 'frontend' },
      tags: { 'span.kind': 'internal', 'otel.library.name': 'brave', 'w3c.tracestate': 'rojo=00f067aa0ba902b7' },
    },
  ];
}

function rejects(input: unknown, path: string, problem: RegExp): void {
  assert.throws(
    () => decodeZipkinJson(input),
    (e: unknown) => e instanceof OtlpDecodeError && e.path === path && problem.test(e.problem) && !e.itemOnly,
  );
}

describe('Zipkin v2 JSON', () => {
  it('maps ids, kinds, times, endpoints, tags and annotations as the collector does', () => {
    const out = decodeZipkinJson(JSON.stringify(pair()));
    assert.equal(out.rejected, 0);
    const [client, server, root] = out.spans;
    // A 64-bit trace id becomes a 128-bit one with leading zeros.
    assert.equal(client.traceId, '000000000000000086154a4ba6e91385');
    assert.equal(client.spanId, '4d1e00c0db9010db');
    assert.equal(client.parentSpanId, '86154a4ba6e91385');
    assert.equal(client.kind, SpanKind.CLIENT);
    assert.equal(server.kind, SpanKind.SERVER);
    assert.equal(root.kind, SpanKind.INTERNAL);
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.traceState, 'rojo=00f067aa0ba902b7');
    assert.equal(client.startUnixNano, 1472470996199000000n);
    assert.equal(client.durationNs, 207000000n);
    assert.deepEqual(client.events, [{ name: 'ws', timeUnixNano: 1472470996238000000n, attributes: new Map(), droppedAttributesCount: 0 }]);
    assert.deepEqual(
      [...client.attributes],
      [
        ['http.method', 'GET'],
        ['http.path', '/api'],
        ['net.host.ip', '127.0.0.1'],
        ['peer.service', 'backend'],
        ['net.peer.ip', '192.168.99.101'],
        ['net.peer.port', 9000n],
      ],
    );
    // `shared` and `debug` are not kept, as in the collector; neither are the moved tags.
    assert.equal(server.attributes.get('net.host.ip'), '2001:db8::c001');
    assert.equal(server.attributes.get('net.host.port'), 9000n);
    assert.equal(server.attributes.has('host.name'), false);
    assert.equal(root.attributes.has('span.kind'), false);
    assert.equal(root.attributes.has('w3c.tracestate'), false);
  });

  it('shares one Resource per service and one Scope per library', () => {
    const [client, server, root] = decodeZipkinJson(pair()).spans;
    assert.equal(client.resource, root.resource);
    assert.notEqual(client.resource, server.resource);
    assert.equal(client.resource.serviceName, 'frontend');
    assert.deepEqual([...server.resource.attributes], [['service.name', 'backend'], ['host.name', 'b-1']]);
    assert.equal(client.scope, root.scope);
    assert.deepEqual([client.scope.name, client.scope.version], ['brave', '5.13']);
    assert.equal(server.scope.name, '');
  });

  it('reads the error tag and otel.status_code', () => {
    const [, server] = decodeZipkinJson(pair()).spans;
    assert.deepEqual(server.status, { code: StatusCode.ERROR, message: 'connection reset' });
    const [a, b, c] = decodeZipkinJson([
      { traceId: 'a', id: '1', timestamp: 1, tags: { error: 'true' } },
      { traceId: 'a', id: '2', timestamp: 1, tags: { 'otel.status_code': 'ERROR', 'otel.status_description': 'boom' } },
      { traceId: 'a', id: '3', timestamp: 1, tags: { 'otel.status_code': 'OK' } },
    ]).spans;
    assert.deepEqual(a.status, { code: StatusCode.ERROR, message: '' });
    assert.equal(a.attributes.has('error'), false);
    assert.deepEqual(b.status, { code: StatusCode.ERROR, message: 'boom' });
    assert.equal(b.attributes.size, 0);
    assert.equal(c.status.code, StatusCode.OK);
  });

  it('a span without a timestamp starts at the epoch, marked as the collector marks it; no kind is UNSPECIFIED', () => {
    const [s] = decodeZipkinJson([{ traceId: '1', id: '2', duration: 5 }]).spans;
    assert.equal(s.startUnixNano, 0n);
    assert.equal(s.endUnixNano, 5000n);
    assert.equal(s.attributes.get(ZIPKIN_START_ABSENT), true);
    assert.equal(s.kind, SpanKind.UNSPECIFIED);
    assert.equal(s.resource.serviceName, 'unknown_service');
  });

  it('leaves out a span without a valid id alone', () => {
    const spans = pair();
    delete spans[1].id;
    spans[2].traceId = '0000000000000000';
    const out = decodeZipkinJson(spans);
    assert.equal(out.spans.length, 1);
    assert.equal(out.rejected, 2);
    assert.equal(out.rejectMessage, '[1].id: is required');
  });

  it('rejects a malformed request with the path of the error', () => {
    rejects('{"traceId": "1"}', '', /JSON array of spans/);
    rejects('[{', '', /invalid JSON/);
    const bad = (patch: Record<string, unknown>): unknown[] => {
      const spans = pair();
      Object.assign(spans[1], patch);
      return spans;
    };
    rejects(bad({ traceId: 'xyz' }), '[1].traceId', /hex digits/);
    rejects(bad({ traceId: '1'.repeat(33) }), '[1].traceId', /32 hex digits/);
    rejects(bad({ id: 12 }), '[1].id', /hex string/);
    rejects(bad({ timestamp: '1472470996238000' }), '[1].timestamp', /microseconds/);
    rejects(bad({ duration: -1 }), '[1].duration', /microseconds/);
    rejects(bad({ tags: { 'http.status_code': 200 } }), '[1].tags.http.status_code', /string/);
    rejects(bad({ localEndpoint: { port: 70000 } }), '[1].localEndpoint.port', /port/);
    rejects(bad({ annotations: [{ timestamp: 1, value: 3 }] }), '[1].annotations[0].value', /string/);
    rejects([null, 3], '[1]', /object/);
  });
});
