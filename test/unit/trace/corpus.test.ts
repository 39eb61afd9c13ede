// The specification's example payloads (../shared/corpus/otlp, never copied) must decode exactly:
// every field of the raw JSON is compared with the normalised span or log, through an independent
// reading of the JSON written here (hex lowercased, decimal strings as bigint, AnyValue kinds kept),
// and every key the raw JSON has must be one this comparison knows, so nothing is silently skipped.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeLogsJson, decodeTracesJson } from '../../../src/core/trace/json';
import type { AttrValue, Attributes } from '../../../src/core/trace/model';

const OTLP = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'otlp');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = any;

function expectedValue(v: J): AttrValue {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return BigInt(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return v.arrayValue.values.map(expectedValue);
  if ('kvlistValue' in v) return expectedAttrs(v.kvlistValue.values);
  throw new Error(`corpus uses a value kind this test does not know: ${Object.keys(v)}`);
}

function expectedAttrs(list: J[] | undefined): Attributes {
  return new Map((list ?? []).map((kv: J) => [kv.key, expectedValue(kv.value)]));
}

function onlyKnownKeys(o: J, known: string[], where: string): void {
  for (const k of Object.keys(o)) assert.ok(known.includes(k), `${where}: the corpus has "${k}", which this comparison does not check`);
}

function checkResourceAndScope(rawResource: J, rawScope: J, got: { resource: J; scope: J }): void {
  onlyKnownKeys(rawResource, ['attributes'], 'resource');
  onlyKnownKeys(rawScope, ['name', 'version', 'attributes'], 'scope');
  assert.deepEqual(got.resource.attributes, expectedAttrs(rawResource.attributes));
  assert.equal(got.resource.serviceName, 'my.service');
  assert.equal(got.scope.name, rawScope.name);
  assert.equal(got.scope.version, rawScope.version);
  assert.deepEqual(got.scope.attributes, expectedAttrs(rawScope.attributes));
}

describe('OTLP corpus (opentelemetry-proto examples)', function () {
  before(function () {
    if (!existsSync(OTLP)) {
      console.warn(`  skipped: ${OTLP} is absent (the shared corpus is not laid out here)`);
      this.skip();
    }
  });

  it('trace.json decodes exactly, field by field', () => {
    const text = readFileSync(path.join(OTLP, 'trace.json'), 'utf8');
    const raw = JSON.parse(text);
    const { spans } = decodeTracesJson(text);
    const rawSpans = raw.resourceSpans.flatMap((rs: J) => rs.scopeSpans.flatMap((ss: J) => ss.spans));
    assert.equal(spans.length, rawSpans.length);
    assert.equal(spans.length, 1);
    const r = rawSpans[0];
    const s = spans[0];
    onlyKnownKeys(r, ['traceId', 'spanId', 'parentSpanId', 'name', 'startTimeUnixNano', 'endTimeUnixNano', 'kind', 'attributes'], 'span');
    assert.equal(s.traceId, r.traceId.toLowerCase());
    assert.equal(s.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(s.spanId, 'eee19b7ec3c1b174');
    assert.equal(s.parentSpanId, 'eee19b7ec3c1b173');
    assert.equal(s.name, "I'm a server span");
    assert.equal(s.startUnixNano, 1544712660000000000n);
    assert.equal(s.endUnixNano, 1544712661000000000n);
    assert.equal(s.startUnixNano, BigInt(r.startTimeUnixNano));
    assert.equal(s.endUnixNano, BigInt(r.endTimeUnixNano));
    assert.equal(s.durationNs, 1_000_000_000n);
    assert.equal(s.durationMs, 1000);
    assert.equal(s.startUnixMs, 1544712660000);
    assert.equal(s.kind, r.kind);
    assert.deepEqual(s.attributes, expectedAttrs(r.attributes));
    assert.equal(s.attributes.get('my.span.attr'), 'some value');
    // Absent in the payload, so the proto3 defaults.
    assert.deepEqual(s.status, { code: 0, message: '' });
    assert.deepEqual([s.events, s.links, s.traceState, s.flags], [[], [], '', 0]);
    assert.deepEqual([s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount], [0, 0, 0]);
    checkResourceAndScope(raw.resourceSpans[0].resource, raw.resourceSpans[0].scopeSpans[0].scope, s);
  });

  it('logs.json decodes exactly, field by field', () => {
    const text = readFileSync(path.join(OTLP, 'logs.json'), 'utf8');
    const raw = JSON.parse(text);
    const { logs } = decodeLogsJson(text);
    assert.equal(logs.length, 1);
    const r = raw.resourceLogs[0].scopeLogs[0].logRecords[0];
    const l = logs[0];
    onlyKnownKeys(r, ['timeUnixNano', 'observedTimeUnixNano', 'severityNumber', 'severityText', 'traceId', 'spanId', 'body', 'attributes'], 'log record');
    assert.equal(l.timeUnixNano, 1544712660300000000n);
    assert.equal(l.observedTimeUnixNano, BigInt(r.observedTimeUnixNano));
    assert.equal(l.severityNumber, 10);
    assert.equal(l.severityText, 'Information');
    assert.equal(l.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(l.spanId, 'eee19b7ec3c1b174');
    assert.equal(l.body, 'Example log record');
    assert.deepEqual(l.attributes, expectedAttrs(r.attributes));
    // The same, written out, so a wrong reading in expectedAttrs cannot hide a wrong decoder.
    assert.equal(l.attributes.get('string.attribute'), 'some string');
    assert.equal(l.attributes.get('boolean.attribute'), true);
    assert.equal(l.attributes.get('int.attribute'), 10n);
    assert.equal(l.attributes.get('double.attribute'), 637.704);
    assert.deepEqual(l.attributes.get('array.attribute'), ['many', 'values']);
    assert.deepEqual(l.attributes.get('map.attribute'), new Map([['some.map.key', 'some value']]));
    checkResourceAndScope(raw.resourceLogs[0].resource, raw.resourceLogs[0].scopeLogs[0].scope, l);
  });
});
