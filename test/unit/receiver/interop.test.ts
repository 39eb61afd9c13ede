// Interoperability with the real OpenTelemetry JS SDK and its OTLP/HTTP exporters (JSON and
// protobuf, gzip on and off): what the SDK recorded must arrive in the store field by field.
import * as assert from 'node:assert/strict';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { TraceStore } from '../../../src/core/trace';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { assertSpansStored, exportRecorded, GZIP } from './sdk';

const CASES = [
  { name: 'exporter-trace-otlp-http (JSON)', gzip: false, make: (url: string) => new JsonExporter({ url }) },
  { name: 'exporter-trace-otlp-http (JSON, gzip)', gzip: true, make: (url: string) => new JsonExporter({ url, compression: GZIP }) },
  { name: 'exporter-trace-otlp-proto (protobuf)', gzip: false, make: (url: string) => new ProtoExporter({ url }) },
  { name: 'exporter-trace-otlp-proto (protobuf, gzip)', gzip: true, make: (url: string) => new ProtoExporter({ url, compression: GZIP }) },
];

describe('OTLP/HTTP receiver with the OpenTelemetry JS SDK', () => {
  let rx: HttpReceiver;
  let store: TraceStore;
  beforeEach(async () => {
    store = new TraceStore();
    rx = await startHttpReceiver({ port: 0, ingest: store });
  });
  afterEach(async () => {
    await rx.close();
  });

  for (const c of CASES) {
    it(`${c.name}: every span arrives intact`, async () => {
      const recorded = await exportRecorded(c.make(`http://127.0.0.1:${rx.port}/v1/traces`));
      assert.equal(recorded.length, 3);
      assert.deepEqual(rx.stats.rejected, {});
      assert.equal(rx.stats.gzipped > 0, c.gzip, 'the exporter compressed as configured');
      assertSpansStored(store, recorded);
    });
  }
});
