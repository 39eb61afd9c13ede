/**
 * How Istio reads the protocol of a Kubernetes Service port (istio/istio pkg/config/kube
 * ConvertProtocol and pkg/config/protocol Parse): UDP by `protocol`, otherwise `appProtocol` when
 * set, else the port name's prefix before the first `-` (`grpc-web` as a whole); DNS's port 53
 * counts as TCP when nothing else says.
 */
export const ISTIO_PROTOCOLS: readonly string[] = ['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql'];

/** Kubernetes' standard appProtocol names, which Istio maps to its own. */
const K8S_APP_PROTOCOLS: Readonly<Record<string, string>> = { 'kubernetes.io/h2c': 'http2', 'kubernetes.io/ws': 'http', 'kubernetes.io/wss': 'https' };

const WELL_KNOWN_TCP_PORTS = new Set([53]);

/** The Istio protocol (lower case) of a Service port, or undefined when Istio cannot tell. */
export function portProtocol(port: number | undefined, name: string | undefined, protocol: string | undefined, appProtocol: string | undefined): string | undefined {
  if (protocol === 'UDP') return 'udp';
  let word = name ?? '';
  if (appProtocol !== undefined) {
    if (K8S_APP_PROTOCOLS[appProtocol]) return K8S_APP_PROTOCOLS[appProtocol];
    word = appProtocol;
  }
  let p: string | undefined;
  if (word.toLowerCase().startsWith('grpc-web')) p = 'grpc-web';
  else {
    const prefix = word.split('-')[0].toLowerCase();
    p = ISTIO_PROTOCOLS.includes(prefix) && prefix !== 'grpc-web' ? prefix : undefined;
  }
  if (p === undefined && port !== undefined && WELL_KNOWN_TCP_PORTS.has(port)) return 'tcp';
  return p;
}

/** A likely protocol for a port number, for naming suggestions; `tcp` when nothing suggests more. */
export function guessProtocol(port: number | undefined, targetPort?: unknown): string {
  const n = typeof port === 'number' ? port : undefined;
  const t = typeof targetPort === 'string' ? targetPort.toLowerCase() : '';
  for (const p of ['grpc-web', 'grpc', 'http2', 'https', 'http', 'mysql', 'redis', 'mongo', 'tls']) if (t.startsWith(p)) return p;
  switch (n) {
    case 80: case 8000: case 8080: case 8081: case 9080: case 3000: case 5000:
      return 'http';
    case 443: case 8443:
      return 'https';
    case 3306:
      return 'mysql';
    case 6379:
      return 'redis';
    case 27017:
      return 'mongo';
    case 50051:
      return 'grpc';
    default:
      return 'tcp';
  }
}
