// OTLP/gRPC receiver. The service definition is written by hand with a pass-through deserializer:
// grpc-js hands the handler the raw (already decompressed) bytes, and our own protobuf decoders run
// inside the handler, so a malformed request becomes an INVALID_ARGUMENT status rather than an
// exception inside grpc-js. Size limits, gzip and unknown methods are grpc-js's own business.
// The ingest queue (shared with the other receivers) is checked by an interceptor when a call's
// headers arrive, before grpc-js reads its message: past it, UNAVAILABLE with a RetryInfo, as the
// OTLP specification's gRPC throttling asks.
import * as grpc from '@grpc/grpc-js';
import {
  OtlpDecodeError,
  decodeLogsProtobuf,
  ExportLogsServiceResponse,
  ExportTraceServiceResponse,
  type TraceStore,
} from '../core/trace';
import { Ingest, RETRY_AFTER_SECONDS, type Accepted, type QueueTicket, type Signal } from './ingest';
import { exportResponse } from './http';
import { listenError } from './listen-error';
import { encodeRpcStatus } from './status';

export const DEFAULT_GRPC_PORT = 4317;
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_CLOSE_GRACE_MS = 2000;

export interface GrpcReceiverOptions {
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  /** Where decoded requests go; or just a store, wrapped in an Ingest of its own. */
  readonly ingest: Ingest | TraceStore;
  /** Largest request message, after decompression; larger ones get RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes?: number;
  /** How long close() lets calls in flight finish before it cuts the connections. */
  readonly closeGraceMs?: number;
}

/** Unlike the HTTP receiver's, no gzip count: grpc-js decompresses and hides the encoding from handlers. */
export interface GrpcReceiverStats {
  /**
   * Export calls that got past grpc-js (it answers unknown methods itself) and that the ingest
   * queue took or refused; oversize messages, refused by grpc-js after that, are counted here too.
   */
  requests: number;
  spans: number;
  logs: number;
  /** Export calls answered with a non-OK status, by gRPC status code. */
  rejected: Record<number, number>;
}

export interface GrpcReceiver {
  readonly host: string;
  readonly port: number;
  readonly stats: Readonly<GrpcReceiverStats>;
  close(): Promise<void>;
}

// grpc-js logs a failed bind itself ("E No address added out of total 1 resolved") before we get
// the error; we report it (with the remedy), so its own logging only duplicates, on stderr. This
// grpc-js is ours (bundled into the trace worker and the CLI), so the setting touches no one else.
grpc.setLogVerbosity(grpc.logVerbosity.NONE);

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

function exportMethod(path: string, signal: Signal): grpc.MethodDefinition<Buffer, Record<string, unknown>> {
  const type = signal === 'traces' ? ExportTraceServiceResponse : ExportLogsServiceResponse;
  const pass = (b: Buffer): Buffer => b;
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: pass,
    requestDeserialize: pass,
    responseSerialize: (r) => Buffer.from(type.encode(r).finish()),
    responseDeserialize: (b) => type.toObject(type.decode(b)),
  };
}

export async function startGrpcReceiver(options: GrpcReceiverOptions): Promise<GrpcReceiver> {
  const host = options.host ?? '127.0.0.1';
  const wantPort = options.port ?? DEFAULT_GRPC_PORT;
  const ingest = options.ingest instanceof Ingest ? options.ingest : new Ingest(options.ingest);
  const stats: GrpcReceiverStats = { requests: 0, spans: 0, logs: 0, rejected: {} };

  const throttled = (details: string): grpc.StatusObject => {
    const metadata = new grpc.Metadata();
    // RetryInfo for OTLP exporters; grpc-retry-pushback-ms for grpc's own retry policy (gRFC A6).
    metadata.set('grpc-status-details-bin', Buffer.from(encodeRpcStatus(grpc.status.UNAVAILABLE, details, RETRY_AFTER_SECONDS)));
    metadata.set('grpc-retry-pushback-ms', String(RETRY_AFTER_SECONDS * 1000));
    return { code: grpc.status.UNAVAILABLE, details, metadata };
  };

  /** A place in the ingest queue from a call's headers to its status; none: refused before its message is read. */
  const queue: grpc.ServerInterceptor = (_method, call) => {
    let ticket: QueueTicket | undefined;
    const intercepted: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            stats.requests++;
            const place = ingest.enter();
            if (!('refused' in place)) {
              ticket = place;
              return pass(metadata);
            }
            stats.rejected[grpc.status.UNAVAILABLE] = (stats.rejected[grpc.status.UNAVAILABLE] ?? 0) + 1;
            intercepted.sendStatus(throttled(place.refused));
          },
          // Decompressed already, and in memory: counted, not refused (that would free nothing).
          onReceiveMessage: (message: Buffer, pass) => {
            ticket?.grow(message.length);
            pass(message);
          },
          // grpc-js calls it once every call has ended, answered or not.
          onCancel: () => ticket?.leave(),
        }),
      sendStatus: (status, next) => {
        ticket?.leave();
        next(status);
      },
    });
    return intercepted;
  };

  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    // grpc-js sets SO_REUSEPORT on Linux by default: a second receiver on a taken port would then
    // bind without error and silently get half the connections. Fail loudly instead.
    'grpc.so_reuseport': 0,
    interceptors: [queue],
  });

  function handler(signal: Signal): grpc.handleUnaryCall<Buffer, Record<string, unknown>> {
    return (call, callback) => {
      const fail = (code: grpc.status, details: string): void => {
        stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
        callback({ code, details });
      };
      try {
        const bytes = call.request;
        const raw = { signal, encoding: 'protobuf' as const, bytes };
        let accepted: Accepted;
        if (signal === 'traces') {
          const got = ingest.protobufTraces(bytes, raw);
          accepted = got.accepted;
          stats.spans += got.spans;
        } else {
          const decoded = decodeLogsProtobuf(bytes);
          accepted = ingest.logs(decoded, raw);
          stats.logs += decoded.logs.length;
        }
        callback(null, exportResponse(signal, accepted));
      } catch (e) {
        if (e instanceof OtlpDecodeError) fail(grpc.status.INVALID_ARGUMENT, e.message);
        // A bug of ours, not the client's: answer INTERNAL and keep serving.
        else fail(grpc.status.INTERNAL, `internal error: ${(e as Error)?.message ?? String(e)}`);
      }
    };
  }

  server.addService({ Export: exportMethod(TRACE_EXPORT, 'traces') }, { Export: handler('traces') });
  server.addService({ Export: exportMethod(LOGS_EXPORT, 'logs') }, { Export: handler('logs') });

  const address = `${host.includes(':') ? `[${host}]` : host}:${wantPort}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (!err) return resolve(bound);
      // grpc-js folds the listen error into its message ("... [listen EADDRINUSE: ...]") without a code.
      const code = /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(err.message)?.[1] ?? 'UNKNOWN';
      server.forceShutdown();
      reject(listenError('OTLP/gRPC receiver', host, wantPort, code, err.message, 'OTLP receiver'));
    });
  });

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    stats,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        // Exporters keep their channel open; after the grace period the connections are cut.
        const timer = setTimeout(() => server.forceShutdown(), options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
