import { isRecord } from '../../../k8s/object';
import { PortField, portFields, portKinds } from '../../../istio/port-fields';
import { resolvePattern, valueAt } from '../../../istio/pattern';
import { FieldPath } from '../../../yaml/path';
import { groupKindOf, ObjectReport, ObjectRule } from '../../types';

const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
// What CEL's int() and Go's ParseInt read as a decimal integer.
const DECIMAL = /^[+-]?\d+$/;

export const invalidPort: ObjectRule = {
  meta: {
    id: 'invalid-port',
    code: 'ML0017',
    severity: 'error',
    scope: 'object',
    kinds: portKinds(),
    title: 'Invalid port number or port name',
    description:
      'A port number outside 1-65535, a PeerAuthentication `portLevelMtls` key that is not a port number, or a port name that is not a DNS label. The schema in the models types these fields as 32-bit integers and free-form map keys; the Istio CRDs add CEL rules (`port must be between 1-65535`, `port name must be valid`) for ServiceEntry, WorkloadEntry, WorkloadGroup, EnvoyFilter and PeerAuthentication, and istiod\'s webhook checks the ports of VirtualService routes and matches, Gateway servers, Sidecar listeners and DestinationRule tunnels the same way. Where 0 means "not set" (a match port, a redirect port) or a unix socket is bound, 0 is accepted.',
    remediation: 'Use a port between 1 and 65535, a numeric key in `portLevelMtls`, and port names made of letters, digits and `-`.',
    messages: {
      range: 'Port {value} is out of range: ports are 1-65535 ("port must be between 1-65535").',
      zeroWithoutUnix: 'Port 0 is allowed only with a unix:// bind address; otherwise ports are 1-65535.',
      keyNotNumber: 'portLevelMtls key "{value}" is not a port number: keys are port numbers 1-65535.',
      name: 'Port name "{value}" is not valid: use letters, digits and \'-\', starting and ending with a letter or digit, at most {max} characters.',
    },
    upstream: ['Istio CRD (CEL): port must be between 1-65535; port name must be valid', 'istiod webhook: port number must be in the range 1..65535; invalid port name'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  hosts: [api.example.com]\n  resolution: DNS\n  ports:\n    - name: https\n      number: 4430000\n      protocol: TLS\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  hosts: [api.example.com]\n  resolution: DNS\n  ports:\n    - name: https\n      number: 443\n      protocol: TLS\n',
    },
  },
  check({ object, report }) {
    for (const field of portFields(groupKindOf(object))) {
      for (const { path, value } of resolvePattern(object.body, field.pattern)) {
        for (const r of problems(object.body, field, path, value)) report(r);
      }
    }
  },
};

function problems(body: unknown, field: PortField, path: FieldPath, value: unknown): ObjectReport[] {
  const out: ObjectReport[] = [];
  switch (field.what) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isInteger(value)) break;
      if (value >= 1 && value <= 65535) break;
      if (value === 0 && field.zeroUnset) break;
      if (value === 0 && field.zeroWithUnixBind) {
        if (unixBound(body, path)) break;
        out.push({ messageId: 'zeroWithoutUnix', data: { value }, path });
        break;
      }
      out.push({ messageId: 'range', data: { value }, path });
      break;
    }
    case 'numberKeys':
      if (!isRecord(value)) break;
      for (const key of Object.keys(value)) {
        if (!DECIMAL.test(key)) out.push({ messageId: 'keyNotNumber', data: { value: key }, path: [...path, key], target: 'key' });
        else if (!(Number(key) >= 1 && Number(key) <= 65535)) out.push({ messageId: 'range', data: { value: key }, path: [...path, key], target: 'key' });
      }
      break;
    case 'nameKeys':
      if (!isRecord(value)) break;
      for (const key of Object.keys(value)) {
        if (!validName(key, field.maxNameLength!)) out.push({ messageId: 'name', data: { value: key, max: field.maxNameLength! }, path: [...path, key], target: 'key' });
      }
      break;
    case 'name':
      if (typeof value === 'string' && !validName(value, field.maxNameLength!)) out.push({ messageId: 'name', data: { value, max: field.maxNameLength! }, path });
      break;
  }
  return out;
}

function validName(name: string, max: number): boolean {
  return name.length <= max && PORT_NAME.test(name);
}

/** The `bind` next to a `port` (Gateway servers, Sidecar egress listeners) names a unix socket. */
function unixBound(body: unknown, portNumberPath: FieldPath): boolean {
  const node = valueAt(body, portNumberPath.slice(0, -2));
  return isRecord(node) && typeof node.bind === 'string' && node.bind.startsWith('unix://');
}
