// The trace core's public surface: decode OTLP into normalised spans and logs, keep them in a
// bounded store, query it. Pure: no Node built-ins, no vscode (the receiver and the host wrap it).
export * from './model';
export { OtlpDecodeError } from './errors';
export { decodeTracesJson, decodeLogsJson } from './json';
export type { DecodedTraces, DecodedHeads, DecodedLogs, JsonInput, PackedSource } from './json';
export {
  decodeTracesProtobuf,
  decodeLogsProtobuf,
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
  ExportLogsServiceRequest,
  ExportLogsServiceResponse,
  decodeTraceHeadsProtobuf,
} from './protobuf';
// Which attributes a heads decode also collects (decodeTraceHeadsProtobuf's second argument).
export { AttributeKeys, HeadWithAttributes } from './protobuf-spans';
export type { SpanHeadWithAttributes } from './protobuf-spans';
export { SEMCONV, semAttr, semString, semNumber, semconvNames } from './semconv';
export type { SemconvKey, SemconvSource } from './semconv';
export { TraceStore, DEFAULT_MAX_SPANS, DEFAULT_MAX_LOGS, DEFAULT_QUERY_LIMIT, DEFAULT_MAX_DEBUG_SESSIONS, DEFAULT_MAX_BYTES, TRACE_AT_TOLERANCE_MS } from './store';
export type { TraceSummary, TraceView, TraceLayout, PlacedSpan, SpanNode, TraceQuery, StoreStats, StoreChange, TraceStoreOptions, DebugSessionCount, TraceAtQuery, TraceAtResult } from './store';
export { toAttrValueDto, toAttributesDto, toBase64, toSummaryDto, toStoreStatsDto, toStatsDto, toChangedMessage, toTraceDto, toLayoutDto, fromTraceQueryDto, answerFromStore, isStoreMethod, STORE_METHODS, type StoreMethod } from './dto';
export { ChangeCoalescer } from './live';
export { decodeZipkinJson, ZIPKIN_START_ABSENT } from './zipkin';
export { encodeTracesJson, encodeLogsJson } from './export';
export { decodeJaegerJson } from './jaeger';
export { importTraceFile, DEFAULT_MAX_IMPORT_BYTES, ACCEPTED_FORMATS } from './import';
export type { ImportedTraces, ImportOptions, TraceFileFormat } from './import';
export { computeClockSkew, skewDelta, sameClock, hostKey } from './skew';
export type { ClockSkewResult, SkewAdjustment, SkewSpan } from './skew';
