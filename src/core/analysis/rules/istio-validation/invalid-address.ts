import { isRecord } from '../../../k8s/object';
import { domainProblem, isCIDR, isIP } from '../../../istio/net';
import { resolvePattern } from '../../../istio/pattern';
import { FieldPath } from '../../../yaml/path';
import { groupKindOf, ObjectReport, ObjectRule } from '../../types';

type Report = (r: ObjectReport) => void;

const UNIX = 'unix://';

/**
 * A workload address (WorkloadEntry, ServiceEntry endpoint, WorkloadGroup template). `required`:
 * an address or a network must be set; `names`: what else than an IP the address may be.
 */
function workloadAddress(report: Report, body: unknown, pattern: string, opts: { required: boolean; names: 'fqdn' | 'ip' | 'any' }): void {
  for (const { path, value } of resolvePattern(body, pattern)) {
    if (!isRecord(value)) continue;
    const address = value.address;
    const hasNetwork = typeof value.network === 'string' && value.network !== '';
    if (opts.required && (address === undefined || address === null) && !hasNetwork) {
      report({ messageId: 'addressRequired', path, target: 'key' });
      continue;
    }
    if (typeof address !== 'string') continue;
    const at: FieldPath = [...path, 'address'];
    if (address.startsWith(UNIX)) {
      const socket = address.slice(UNIX.length);
      if (address.endsWith('/')) report({ messageId: 'udsDir', data: { value: address }, path: at });
      else if (!(socket.startsWith('/') || socket.startsWith('@'))) report({ messageId: 'udsRelative', data: { value: address }, path: at });
      if (value.ports !== undefined && value.ports !== null) report({ messageId: 'udsPorts', data: { value: address }, path: [...path, 'ports'], target: 'key' });
      continue;
    }
    if (address === '' || isIP(address) || opts.names === 'any') continue;
    if (opts.names === 'ip') report({ messageId: 'staticNeedsIp', data: { value: address }, path: at });
    else {
      const reason = domainProblem(address, false);
      if (reason) report({ messageId: 'notIpOrHost', data: { value: address, reason }, path: at });
    }
  }
}

function serviceEntry(report: Report, body: unknown): void {
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  const resolution = typeof spec.resolution === 'string' ? spec.resolution : undefined;
  for (const { path, value } of resolvePattern(body, 'spec.addresses[]')) {
    if (typeof value !== 'string') continue;
    if (value.includes('/') ? !isCIDR(value) : !isIP(value)) report({ messageId: 'notIpOrCidr', data: { value }, path });
    else if (value.includes('/') && resolution !== undefined && resolution !== 'NONE' && resolution !== 'STATIC') {
      report({ messageId: 'cidrResolution', data: { value, resolution }, path });
    }
  }
  // The webhook checks what an endpoint address may be per resolution; CEL checks the rest always.
  const names = resolution === 'STATIC' ? 'ip' : resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN' ? 'fqdn' : 'any';
  workloadAddress(report, body, 'spec.endpoints[]', { required: true, names });
}

function ipBlocks(report: Report, body: unknown, patterns: string[]): void {
  for (const pattern of patterns) {
    for (const { path, value } of resolvePattern(body, pattern)) {
      if (typeof value === 'string' && value !== '' && !(isIP(value) || isCIDR(value))) report({ messageId: 'notIpOrCidr', data: { value }, path });
    }
  }
}

function binds(report: Report, body: unknown, pattern: string): void {
  for (const { path, value } of resolvePattern(body, pattern)) {
    if (typeof value !== 'string' || value === '') continue;
    if (value.startsWith(UNIX)) {
      const socket = value.slice(UNIX.length);
      if (!socket.startsWith('@') && (!socket.startsWith('/') || socket.endsWith('/'))) report({ messageId: 'bindSocket', data: { value }, path });
    } else if (!isIP(value)) report({ messageId: 'bindNotIp', data: { value }, path });
  }
}

const CHECKS: Record<string, (report: Report, body: unknown) => void> = {
  'networking.istio.io/WorkloadEntry': (r, b) => workloadAddress(r, b, 'spec', { required: true, names: 'fqdn' }),
  'networking.istio.io/WorkloadGroup': (r, b) => workloadAddress(r, b, 'spec.template', { required: false, names: 'any' }),
  'networking.istio.io/ServiceEntry': serviceEntry,
  'security.istio.io/AuthorizationPolicy': (r, b) =>
    ipBlocks(r, b, ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'].map((f) => `spec.rules[].from[].source.${f}[]`)),
  'networking.istio.io/VirtualService': (r, b) => ipBlocks(r, b, ['spec.tcp[].match[].destinationSubnets[]', 'spec.tls[].match[].destinationSubnets[]']),
  'networking.istio.io/Gateway': (r, b) => binds(r, b, 'spec.servers[].bind'),
};

export const invalidAddress: ObjectRule = {
  meta: {
    id: 'invalid-address',
    code: 'ML0022',
    severity: 'error',
    scope: 'object',
    kinds: Object.keys(CHECKS),
    title: 'Invalid address, CIDR block or unix socket',
    description:
      'An address Istio refuses: a workload or endpoint without an address (and without a network), a unix domain socket that is a directory, a relative path or carries ports, a ServiceEntry address that is neither an IP nor a CIDR block, a CIDR block under a resolution other than NONE or STATIC, a STATIC endpoint that is a host name, an IP block of an authorization rule that does not parse. The schema in the models only says "string"; the Istio CRDs\' CEL rules and istiod\'s webhook reject the object.',
    remediation: 'Write IP addresses (10.0.0.1, 2001:db8::1) or CIDR blocks (10.0.0.0/16) where they are expected, host names only under DNS resolution, and unix sockets as unix:///absolute/path or unix://@abstract.',
    messages: {
      addressRequired: 'This workload needs an address, or a network for one reached through a gateway ("Address is required").',
      udsDir: 'Unix socket "{value}" ends with "/": it must name a socket, not a directory ("UDS may not be a dir").',
      udsRelative: 'Unix socket "{value}" must be an absolute path (unix:///var/run/app.sock) or an abstract socket (unix://@name) ("UDS must be an absolute path or abstract socket").',
      udsPorts: 'A workload at unix socket "{value}" cannot have ports ("UDS may not include ports").',
      notIpOrCidr: '"{value}" is not an IP address or CIDR block (such as 10.0.0.1 or 10.0.0.0/16).',
      cidrResolution: 'CIDR block "{value}" needs resolution NONE or STATIC, not {resolution} ("CIDR addresses are allowed only for NONE/STATIC resolution types").',
      staticNeedsIp: 'With resolution STATIC, endpoint address "{value}" must be an IP address or a unix:// socket; use resolution DNS for host names.',
      notIpOrHost: '"{value}" is neither an IP address nor a valid host name ({reason}).',
      bindNotIp: 'bind "{value}" must be an IP address (or a unix:// socket path).',
      bindSocket: 'bind "{value}" must be an absolute unix socket path (unix:///var/run/gw.sock) or an abstract one (unix://@name).',
    },
    upstream: [
      'Istio CRD (CEL): Address is required; UDS may not be a dir; UDS must be an absolute path or abstract socket; UDS may not include ports; CIDR addresses are allowed only for NONE/STATIC resolution types',
      'istiod webhook: is not a valid CIDR block; endpoint address is not a valid IP address; endpoint address is not a valid FQDN or an IP address',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata:\n  name: vm-1\nspec:\n  address: unix://var/run/app.sock\n  labels:\n    app: legacy\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata:\n  name: vm-1\nspec:\n  address: unix:///var/run/app.sock\n  labels:\n    app: legacy\n',
    },
  },
  check({ object, report }) {
    CHECKS[groupKindOf(object)]?.(report, object.body);
  },
};
