// Semantic-convention names change between versions; everything that reads a convention attribute
// goes through this one table, newest name first, so a span from an old SDK and one from a new SDK
// read the same.
import type { AttrValue, Span } from './model';
import { attrNumber } from './model';

export const SEMCONV = {
  httpMethod: ['http.request.method', 'http.method'],
  httpStatusCode: ['http.response.status_code', 'http.status_code'],
  httpRoute: ['http.route'],
  httpUrl: ['url.full', 'http.url'],
  urlPath: ['url.path', 'http.target'],
  serverAddress: ['server.address', 'net.peer.name', 'net.host.name', 'http.host'],
  serverPort: ['server.port', 'net.peer.port', 'net.host.port'],
  peerService: ['peer.service'],
  rpcSystem: ['rpc.system'],
  rpcService: ['rpc.service'],
  rpcMethod: ['rpc.method'],
  rpcGrpcStatusCode: ['rpc.grpc.status_code'],
  dbSystem: ['db.system.name', 'db.system'],
  dbNamespace: ['db.namespace', 'db.name'],
  dbStatement: ['db.query.text', 'db.statement'],
  messagingSystem: ['messaging.system'],
  messagingDestination: ['messaging.destination.name', 'messaging.destination'],
  codeFilePath: ['code.file.path', 'code.filepath'],
  codeLineNumber: ['code.line.number', 'code.lineno'],
  codeFunction: ['code.function.name', 'code.function'],
  codeStacktrace: ['code.stacktrace'],
  exceptionType: ['exception.type'],
  exceptionMessage: ['exception.message'],
  serviceName: ['service.name'],
  serviceNamespace: ['service.namespace'],
  serviceVersion: ['service.version'],
  k8sNamespace: ['k8s.namespace.name'],
  k8sPod: ['k8s.pod.name'],
  k8sDeployment: ['k8s.deployment.name'],
  // Host identity, read from the resource only: which clock stamped a span (clock-skew adjustment).
  hostId: ['host.id'],
  hostIp: ['host.ip'],
  hostName: ['host.name'],
} as const satisfies Record<string, readonly string[]>;

export type SemconvKey = keyof typeof SEMCONV;

/** What semAttr reads: a whole Span, or a head with the few attributes a heads decode collected. */
export type SemconvSource = Pick<Span, 'attributes' | 'resource'>;

/** All the names of the given conventions, e.g. the attribute keys a heads decode should collect. */
export function semconvNames(keys: readonly SemconvKey[]): string[] {
  return keys.flatMap((k) => SEMCONV[k]);
}

/** The first of the convention's names present on the span (span attributes, then resource). */
export function semAttr(span: SemconvSource, key: SemconvKey): AttrValue | undefined {
  for (const name of SEMCONV[key]) {
    const v = span.attributes.get(name);
    if (v !== undefined) return v;
  }
  for (const name of SEMCONV[key]) {
    const v = span.resource.attributes.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function semString(span: SemconvSource, key: SemconvKey): string | undefined {
  const v = semAttr(span, key);
  return typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v);
}

export function semNumber(span: SemconvSource, key: SemconvKey): number | undefined {
  return attrNumber(semAttr(span, key));
}
