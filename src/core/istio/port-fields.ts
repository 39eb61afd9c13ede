import { expand, FieldPattern } from './pattern';

/**
 * Where Istio holds port numbers and port names, and who checks them. Written by hand from the
 * Istio CRDs (CEL `0 < self && self <= 65535`, `int(key)` on PeerAuthentication's portLevelMtls,
 * the `port name must be valid` rule on endpoint port maps) and from Istio's webhook
 * (`agent.ValidatePort`, `ValidatePortName`), which checks many more places than the CRD does.
 * A conformance test walks the upstream CRD and compares.
 */
export interface PortField {
  /** For `number` and `name`: the value; for `numberKeys` and `nameKeys`: the map whose keys are checked. */
  pattern: FieldPattern;
  what: 'number' | 'numberKeys' | 'name' | 'nameKeys';
  source: 'cel' | 'webhook';
  /** The webhook treats 0 as "not set" here and skips it. */
  zeroUnset?: boolean;
  /** 0 is allowed when the sibling `bind` (of the parent of the parent) is a unix socket. */
  zeroWithUnixBind?: boolean;
  /** Longest valid name (CEL: `size(key) < 63`; the webhook's DNS-1123 label: 63). */
  maxNameLength?: number;
}

const cel = (pattern: FieldPattern, what: PortField['what'] = 'number', maxNameLength?: number): PortField => ({ pattern, what, source: 'cel', maxNameLength });
const webhook = (pattern: FieldPattern, extra: Partial<PortField> = {}): PortField => ({ pattern, what: 'number', source: 'webhook', ...extra });

const ISTIO_NET = 'networking.istio.io';

function tunnelPorts(prefixes: string[]): PortField[] {
  return expand(prefixes, ['tunnel.targetPort']).map((p) => webhook(p));
}

const TABLE: Record<string, PortField[]> = {
  [`${ISTIO_NET}/ServiceEntry`]: [
    cel('spec.ports[].number'),
    cel('spec.ports[].targetPort'),
    cel('spec.endpoints[].ports{}'),
    cel('spec.endpoints[].ports', 'nameKeys', 62),
    webhook('spec.ports[].name', { what: 'name', maxNameLength: 63 }),
  ],
  [`${ISTIO_NET}/WorkloadEntry`]: [cel('spec.ports{}'), cel('spec.ports', 'nameKeys', 62)],
  [`${ISTIO_NET}/WorkloadGroup`]: [
    cel('spec.probe.httpGet.port'),
    cel('spec.probe.tcpSocket.port'),
    cel('spec.probe.grpc.port'),
    cel('spec.template.ports{}'),
    cel('spec.template.ports', 'nameKeys', 62),
  ],
  [`${ISTIO_NET}/EnvoyFilter`]: [cel('spec.configPatches[].match.waypoint.portNumber')],
  'security.istio.io/PeerAuthentication': [cel('spec.portLevelMtls', 'numberKeys')],
  [`${ISTIO_NET}/VirtualService`]: [
    ...['http', 'tcp', 'tls'].map((r) => webhook(`spec.${r}[].match[].port`, { zeroUnset: true })),
    ...['http', 'tcp', 'tls'].map((r) => webhook(`spec.${r}[].route[].destination.port.number`)),
    webhook('spec.http[].mirror.port.number'),
    webhook('spec.http[].mirrors[].destination.port.number'),
    webhook('spec.http[].redirect.port', { zeroUnset: true }),
  ],
  [`${ISTIO_NET}/Gateway`]: [webhook('spec.servers[].port.number', { zeroWithUnixBind: true })],
  [`${ISTIO_NET}/Sidecar`]: [
    webhook('spec.ingress[].port.number'),
    webhook('spec.egress[].port.number', { zeroWithUnixBind: true }),
    webhook('spec.outboundTrafficPolicy.egressProxy.port.number'),
    webhook('spec.ingress[].port.name', { what: 'name', maxNameLength: 63 }),
    webhook('spec.egress[].port.name', { what: 'name', maxNameLength: 63 }),
  ],
  [`${ISTIO_NET}/DestinationRule`]: tunnelPorts(['spec.trafficPolicy', 'spec.subsets[].trafficPolicy']),
};

export function portFields(groupKind: string): readonly PortField[] {
  return TABLE[groupKind] ?? [];
}

export function portKinds(): string[] {
  return Object.keys(TABLE);
}
