/** The fuzz targets (targets.ts), by name: known without loading the seeds. */
export const TARGET_NAMES: readonly string[] = ['otlp-protobuf-traces', 'otlp-protobuf-logs', 'otlp-json-traces', 'otlp-json-logs', 'zipkin-json', 'trace-import', 'yaml-manifests', 'viewer-messages'];
