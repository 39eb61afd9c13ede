// Zipkin v2 receiver: `POST /api/v2/spans` with a JSON array of spans, on Zipkin's port 9411, so an
// app instrumented with Brave, zipkin-js or an OpenTelemetry Zipkin exporter needs no change but
// the host. Same bounded server as OTLP/HTTP; only the protocol's own parts are here. Answers as
// the Zipkin server does: 202 with an empty body, or a plain-text 4xx.
import { decodeZipkinJson } from '../core/trace';
import { mediaEncoding, startReceiver, type HttpReceiver, type HttpReceiverOptions, type ReceiverProtocol } from './http';

export const DEFAULT_ZIPKIN_PORT = 9411;

const ZIPKIN: ReceiverProtocol = {
  name: 'Zipkin',
  defaultPort: DEFAULT_ZIPKIN_PORT,
  routes: { '/api/v2/spans': 'traces' },
  routeHint: 'the Zipkin receiver takes POST /api/v2/spans with Zipkin v2 JSON',
  encoding(contentType) {
    const encoding = mediaEncoding(contentType);
    if (encoding === 'json') return encoding;
    // Zipkin also defines thrift (v1) and proto3 (v2) bodies; only its JSON is read here.
    const proto = encoding === 'protobuf' || /thrift/i.test(contentType ?? '');
    return {
      unsupported: proto
        ? `unsupported content type ${JSON.stringify(contentType)}: this receiver reads Zipkin v2 JSON only, not thrift or proto3; send application/json`
        : `unsupported content type ${JSON.stringify(contentType ?? '')}; send Zipkin v2 JSON as application/json`,
    };
  },
  receive(_signal, _encoding, body, ingest, stats) {
    const decoded = decodeZipkinJson(body);
    // Zipkin has no partial success: spans without a valid id are counted by the Ingest only.
    ingest.traces(decoded);
    stats.spans += decoded.spans.length;
    return { status: 202, body: '' };
  },
  failure(status, _encoding, message) {
    return { status, type: 'text/plain; charset=utf-8', body: message };
  },
};

export function startZipkinReceiver(options: HttpReceiverOptions): Promise<HttpReceiver> {
  return startReceiver(options, ZIPKIN);
}
