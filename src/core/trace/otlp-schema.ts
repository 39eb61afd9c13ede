// The OTLP messages MeshLens decodes, as a protobufjs JSON descriptor. Field names and numbers are
// those of opentelemetry-proto (common/v1, resource/v1, trace/v1, logs/v1, and the collector's
// Export*ServiceRequest); fields we do not read (e.g. Resource.entity_refs) are skipped on the wire
// as unknown fields. Enums are declared int32: the same varint on the wire, and the decoder checks
// the range itself so protobuf and JSON give the same errors.
// No .proto files at run time: the receiver's gRPC service reuses these types as its codec.
import type { INamespace } from 'protobufjs';

const f = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });

export const OTLP_DESCRIPTOR: INamespace = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
          fields: {
            stringValue: f(1, 'string'),
            boolValue: f(2, 'bool'),
            intValue: f(3, 'int64'),
            doubleValue: f(4, 'double'),
            arrayValue: f(5, 'ArrayValue'),
            kvlistValue: f(6, 'KeyValueList'),
            bytesValue: f(7, 'bytes'),
          },
        },
        ArrayValue: { fields: { values: f(1, 'AnyValue', 'repeated') } },
        KeyValueList: { fields: { values: f(1, 'KeyValue', 'repeated') } },
        KeyValue: { fields: { key: f(1, 'string'), value: f(2, 'AnyValue') } },
        InstrumentationScope: {
          fields: { name: f(1, 'string'), version: f(2, 'string'), attributes: f(3, 'KeyValue', 'repeated'), droppedAttributesCount: f(4, 'uint32') },
        },
        Resource: { fields: { attributes: f(1, 'KeyValue', 'repeated'), droppedAttributesCount: f(2, 'uint32') } },

        ExportTraceServiceRequest: { fields: { resourceSpans: f(1, 'ResourceSpans', 'repeated') } },
        ResourceSpans: { fields: { resource: f(1, 'Resource'), scopeSpans: f(2, 'ScopeSpans', 'repeated'), schemaUrl: f(3, 'string') } },
        ScopeSpans: { fields: { scope: f(1, 'InstrumentationScope'), spans: f(2, 'Span', 'repeated'), schemaUrl: f(3, 'string') } },
        Span: {
          fields: {
            traceId: f(1, 'bytes'),
            spanId: f(2, 'bytes'),
            traceState: f(3, 'string'),
            parentSpanId: f(4, 'bytes'),
            flags: f(16, 'fixed32'),
            name: f(5, 'string'),
            kind: f(6, 'int32'),
            startTimeUnixNano: f(7, 'fixed64'),
            endTimeUnixNano: f(8, 'fixed64'),
            attributes: f(9, 'KeyValue', 'repeated'),
            droppedAttributesCount: f(10, 'uint32'),
            events: f(11, 'SpanEvent', 'repeated'),
            droppedEventsCount: f(12, 'uint32'),
            links: f(13, 'SpanLink', 'repeated'),
            droppedLinksCount: f(14, 'uint32'),
            status: f(15, 'Status'),
          },
        },
        SpanEvent: {
          fields: { timeUnixNano: f(1, 'fixed64'), name: f(2, 'string'), attributes: f(3, 'KeyValue', 'repeated'), droppedAttributesCount: f(4, 'uint32') },
        },
        SpanLink: {
          fields: {
            traceId: f(1, 'bytes'),
            spanId: f(2, 'bytes'),
            traceState: f(3, 'string'),
            attributes: f(4, 'KeyValue', 'repeated'),
            droppedAttributesCount: f(5, 'uint32'),
            flags: f(6, 'fixed32'),
          },
        },
        Status: { fields: { message: f(2, 'string'), code: f(3, 'int32') } },
        ExportTraceServiceResponse: { fields: { partialSuccess: f(1, 'ExportTracePartialSuccess') } },
        ExportTracePartialSuccess: { fields: { rejectedSpans: f(1, 'int64'), errorMessage: f(2, 'string') } },

        ExportLogsServiceRequest: { fields: { resourceLogs: f(1, 'ResourceLogs', 'repeated') } },
        ResourceLogs: { fields: { resource: f(1, 'Resource'), scopeLogs: f(2, 'ScopeLogs', 'repeated'), schemaUrl: f(3, 'string') } },
        ScopeLogs: { fields: { scope: f(1, 'InstrumentationScope'), logRecords: f(2, 'LogRecord', 'repeated'), schemaUrl: f(3, 'string') } },
        LogRecord: {
          fields: {
            timeUnixNano: f(1, 'fixed64'),
            observedTimeUnixNano: f(11, 'fixed64'),
            severityNumber: f(2, 'int32'),
            severityText: f(3, 'string'),
            body: f(5, 'AnyValue'),
            attributes: f(6, 'KeyValue', 'repeated'),
            droppedAttributesCount: f(7, 'uint32'),
            flags: f(8, 'fixed32'),
            traceId: f(9, 'bytes'),
            spanId: f(10, 'bytes'),
            eventName: f(12, 'string'),
          },
        },
        ExportLogsServiceResponse: { fields: { partialSuccess: f(1, 'ExportLogsPartialSuccess') } },
        ExportLogsPartialSuccess: { fields: { rejectedLogRecords: f(1, 'int64'), errorMessage: f(2, 'string') } },
      },
    },
  },
};
