// Log records from the real OpenTelemetry JS SDK through each of its OTLP log exporters (JSON,
// protobuf, gRPC; gzip on and off) must arrive field by field as the SDK recorded them, and join
// the span they were emitted in.
import * as assert from 'node:assert/strict';
import { context, trace, SpanKind as ApiSpanKind } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { TraceStore, type LogRecord } from '../../../src/core/trace';
import { Ingest } from '../../../src/receiver/ingest';
import { startHttpReceiver } from '../../../src/receiver/http';
import { startGrpcReceiver } from '../../../src/receiver/grpc';
import { attrs, compareOrigin, GZIP, hrNanos, plain, sdkAttrs, startGrpcSniffer } from './sdk';

type Make<T> = (base: string, gzip: boolean) => T;
const gz = (gzip: boolean): { compression?: typeof GZIP } => (gzip ? { compression: GZIP } : {});

const TRANSPORTS: { name: string; grpc: boolean; logs: Make<LogRecordExporter>; traces: Make<SpanExporter> }[] = [
  {
    name: 'exporter-logs-otlp-http (JSON)',
    grpc: false,
    logs: (base, gzip) => new JsonLogExporter({ url: `${base}/v1/logs`, ...gz(gzip) }),
    traces: (base) => new ProtoExporter({ url: `${base}/v1/traces` }),
  },
  {
    name: 'exporter-logs-otlp-proto (protobuf)',
    grpc: false,
    logs: (base, gzip) => new ProtoLogExporter({ url: `${base}/v1/logs`, ...gz(gzip) }),
    traces: (base) => new ProtoExporter({ url: `${base}/v1/traces` }),
  },
  {
    name: 'exporter-logs-otlp-grpc',
    grpc: true,
    logs: (base, gzip) => new GrpcLogExporter({ url: base, ...gz(gzip) }),
    traces: (base) => new GrpcExporter({ url: base }),
  },
];

/** Two records inside a server span (one with an explicit timestamp and a map body), one outside any span. */
function emit(provider: BasicTracerProvider, logs: LoggerProvider): void {
  const logger = logs.getLogger('meshlens-logs', '2.0.1');
  const span = provider.getTracer('meshlens-interop', '1.2.3').startSpan('POST /checkout', { kind: ApiSpanKind.SERVER });
  const inSpan = trace.setSpan(context.active(), span);
  logger.emit({
    context: inSpan,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'order placed',
    attributes: { seq: 1, 'order.id': 'o-17', total: 12.5, gift: false, tags: ['a', 'b'] },
  });
  logger.emit({
    context: inSpan,
    timestamp: [1700000000, 123456789],
    severityNumber: SeverityNumber.ERROR2,
    severityText: 'ERROR',
    eventName: 'payment.failed',
    body: { message: 'payment declined', code: 402, retry: [1, 2], card: { brand: 'visa' } },
    attributes: { seq: 2, 'exception.type': 'CardError' },
  });
  span.end();
  logger.emit({ severityNumber: SeverityNumber.WARN, body: 'no span here', attributes: { seq: 3 } });
}

function compareLog(got: LogRecord, want: ReadableLogRecord): void {
  const where = `log ${String(want.attributes.seq)}`;
  assert.equal(got.timeUnixNano, hrNanos(want.hrTime), `${where} time`);
  assert.equal(got.observedTimeUnixNano, hrNanos(want.hrTimeObserved), `${where} observed time`);
  assert.equal(got.severityNumber, want.severityNumber ?? 0, where);
  assert.equal(got.severityText, want.severityText ?? '', where);
  assert.equal(got.eventName, want.eventName ?? '', where);
  assert.deepEqual(plain(got.body), want.body, `${where} body`);
  assert.deepEqual(attrs(got.attributes), sdkAttrs(want.attributes), `${where} attributes`);
  assert.equal(got.droppedAttributesCount, want.droppedAttributesCount, where);
  assert.equal(got.traceId, want.spanContext?.traceId, `${where} trace id`);
  assert.equal(got.spanId, want.spanContext?.spanId, `${where} span id`);
  assert.equal(got.flags, want.spanContext?.traceFlags ?? 0, `${where} flags`);
  compareOrigin(got, want, where);
}

describe('OTLP log records from the OpenTelemetry JS SDK', () => {
  for (const t of TRANSPORTS) {
    for (const gzip of [false, true]) {
      it(`${t.name}${gzip ? ' (gzip)' : ''}: every record arrives intact and joins its span`, async () => {
        const store = new TraceStore();
        const arrived: LogRecord[] = [];
        // The forwarder's view is the only one with the logs that belong to no trace.
        const ingest = new Ingest(store, { offer: (_raw, _spans, logs) => arrived.push(...(logs ?? [])) });
        const httpRx = t.grpc ? undefined : await startHttpReceiver({ port: 0, ingest });
        const rx = httpRx ?? (await startGrpcReceiver({ port: 0, ingest }));
        const base = `http://127.0.0.1:${rx.port}`;
        const resource = resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '4.1.0', 'host.cpu.count': 2 });
        const memory = new InMemoryLogRecordExporter();
        const logExporter = t.logs(base, gzip);
        const logs = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter }), new SimpleLogRecordProcessor({ exporter: memory })] });
        const tracing = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(t.traces(base, false))] });
        let recorded: ReadableLogRecord[];
        try {
          emit(tracing, logs);
          await tracing.forceFlush();
          // The simple processor does not wait for its exports; the exporter's own flush does.
          await logExporter.forceFlush?.();
          recorded = [...memory.getFinishedLogRecords()];
        } finally {
          await Promise.all([logs.shutdown(), tracing.shutdown()]);
          await rx.close();
        }

        assert.equal(recorded.length, 3);
        assert.equal(arrived.length, 3);
        // The store keeps only the logs of a trace; the other one is counted.
        assert.equal(store.stats().logs, 2);
        assert.equal(store.stats().logsWithoutTrace, 1);
        assert.deepEqual(rx.stats.rejected, {});
        // gRPC hides compression from the receiver; the sniffer test below covers that exporter.
        if (httpRx) assert.equal(httpRx.stats.gzipped > 0, gzip, 'the exporter compressed as configured');
        for (const want of recorded) {
          const got = arrived.find((l) => plain(l.attributes.get('seq')) === want.attributes.seq);
          assert.ok(got, `log ${String(want.attributes.seq)} arrived`);
          compareLog(got, want);
        }

        const inSpan = recorded.filter((r) => r.spanContext);
        assert.equal(inSpan.length, 2);
        const view = store.getTrace(inSpan[0].spanContext!.traceId);
        assert.ok(view, 'the trace is stored');
        assert.equal(view.spans.length, 1);
        assert.deepEqual(
          view.spans[0].logs.map((l) => plain(l.attributes.get('seq'))),
          // In time order: record 2 carries an explicit timestamp from 2023.
          [2, 1],
          'both records hang off their span, in time order',
        );
        assert.deepEqual(view.unattachedLogs, []);
      });
    }
  }

  it('exporter-logs-otlp-grpc with gzip really compresses (seen on a bare HTTP/2 server)', async () => {
    const sniffer = await startGrpcSniffer();
    const exporter = new GrpcLogExporter({ url: sniffer.url, compression: GZIP });
    const logs = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    try {
      logs.getLogger('gz').emit({ body: 'compressed?' });
      await exporter.forceFlush();
      assert.deepEqual(sniffer.seen, [{ path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export', encoding: 'gzip', compressed: true }]);
    } finally {
      await logs.shutdown();
      await sniffer.close();
    }
  });
});
