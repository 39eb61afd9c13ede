// One wording for every listener that cannot bind (OTLP/HTTP, OTLP/gRPC, Zipkin, the API server):
// what happened, on which port, and what the user can do about it without knowing our process.

/** Listening failed: the port is taken or not ours to take. `code` is the system's (EADDRINUSE, EACCES). */
export class ReceiverListenError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReceiverListenError';
  }
}

/**
 * The error for `label` (e.g. "OTLP/HTTP receiver") failing to listen on host:port with the system
 * error `code`; `other` names what probably holds the port ("OTLP receiver", "process").
 */
export function listenError(label: string, host: string, port: number, code: string, detail: string, other: string): ReceiverListenError {
  const why =
    code === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use (EADDRINUSE); stop the other ${other} or choose another port`
      : code === 'EACCES'
        ? `not allowed to listen on port ${port} on ${host} (EACCES); choose a port above 1023`
        : `cannot listen on ${host}:${port}: ${detail}`;
  return new ReceiverListenError(host, port, code, `${label}: ${why}`);
}
