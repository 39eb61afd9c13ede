// Starts the receivers `meshlens serve` (and later the extension host) runs, all into one Ingest.
// Each receiver is one entry in `starts`: another protocol is one line there.
// All or nothing by default: when one cannot listen, those already started are closed and the
// error (a ReceiverListenError for a taken port) is rethrown. With `partial`, a receiver whose port
// is taken is left out and reported in `failed`, and the others run (the editor's choice: one
// taken port must not cost the user the other protocols).
import type { ReceiverStatsDto } from '../shared/protocol';
import { startGrpcReceiver } from './grpc';
import { DEFAULT_HTTP_PORT, startHttpReceiver } from './http';
import { ReceiverListenError } from './listen-error';
import type { Ingest } from './ingest';
import { startZipkinReceiver } from './zipkin';

export interface ReceiversOptions {
  readonly host?: string;
  /** OTLP/HTTP; default 4318, 0 picks a free port. */
  readonly httpPort?: number;
  /** OTLP/gRPC (4317); not started when undefined. */
  readonly grpcPort?: number;
  /** Zipkin v2 JSON (9411); not started when undefined. */
  readonly zipkinPort?: number;
  /** Browser origins that may post to OTLP/HTTP and Zipkin; default: pages served from this machine. */
  readonly corsOrigins?: readonly string[];
  readonly ingest: Ingest;
  /** Start those that can listen; throw only when none can. Default false: all or nothing. */
  readonly partial?: boolean;
}

export interface ReceiverListener {
  /** `otlpHttp`, `otlpGrpc`, `zipkin`: the key of its stats. */
  readonly name: string;
  /** For people: `OTLP/HTTP`. */
  readonly label: string;
  readonly port: number;
  /** Where to send: `http://127.0.0.1:4318/v1/traces`. */
  readonly url: string;
}

export interface Receivers {
  readonly listeners: readonly ReceiverListener[];
  /** With `partial`: the receivers that could not listen (a taken port), each with its reason. */
  readonly failed: readonly ReceiverListenError[];
  stats(): Record<string, ReceiverStatsDto>;
  close(): Promise<void>;
}

interface Running {
  readonly listener: ReceiverListener;
  stats(): ReceiverStatsDto;
  close(): Promise<void>;
}

export async function startReceivers(options: ReceiversOptions): Promise<Receivers> {
  const host = options.host ?? '127.0.0.1';
  const { ingest } = options;
  const base = (port: number) => hostPort(host, port);
  /** A started receiver as one entry; its counters are copied (as JSON), so a reader cannot change them. */
  const entry = (name: string, label: string, url: (port: number) => string, rx: { port: number; stats: object; close(): Promise<void> }): Running => ({
    listener: { name, label, port: rx.port, url: url(rx.port) },
    stats: () => JSON.parse(JSON.stringify(rx.stats)) as ReceiverStatsDto,
    close: () => rx.close(),
  });
  const starts: (() => Promise<Running>)[] = [
    async () => entry('otlpHttp', 'OTLP/HTTP', (p) => `http://${base(p)}/v1/traces`, await startHttpReceiver({ host, port: options.httpPort ?? DEFAULT_HTTP_PORT, ingest, corsOrigins: options.corsOrigins })),
  ];
  const { grpcPort, zipkinPort } = options;
  if (grpcPort !== undefined) starts.push(async () => entry('otlpGrpc', 'OTLP/gRPC', (p) => `http://${base(p)}`, await startGrpcReceiver({ host, port: grpcPort, ingest })));
  if (zipkinPort !== undefined) starts.push(async () => entry('zipkin', 'Zipkin', (p) => `http://${base(p)}/api/v2/spans`, await startZipkinReceiver({ host, port: zipkinPort, ingest, corsOrigins: options.corsOrigins })));

  const running: Running[] = [];
  const failed: ReceiverListenError[] = [];
  try {
    for (const start of starts) {
      try {
        running.push(await start());
      } catch (e) {
        if (!options.partial || !(e instanceof ReceiverListenError)) throw e;
        failed.push(e);
      }
    }
    if (running.length === 0 && failed.length > 0) throw failed[0];
  } catch (e) {
    await Promise.all(running.map((r) => r.close()));
    throw e;
  }
  return {
    listeners: running.map((r) => r.listener),
    failed,
    stats: () => Object.fromEntries(running.map((r) => [r.listener.name, r.stats()])),
    close: async () => {
      await Promise.all(running.map((r) => r.close()));
    },
  };
}

/** `host:port` for a URL; an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
