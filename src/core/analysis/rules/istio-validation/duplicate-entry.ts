import { domainProblem, hostsOverlap, isIP } from '../../../istio/net';
import { resolvePattern, valueAt } from '../../../istio/pattern';
import { formatPath, PathSegment } from '../../../yaml/path';
import { groupKindOf, ObjectContext, ObjectRule } from '../../types';

interface UniqueKey {
  /** The list whose items must differ. */
  list: string;
  /** Path inside an item to the value that must be unique; [] for lists of scalars. */
  key: PathSegment[];
  what: string;
  rule: string;
  /** Items whose key has this value are left out (a 0 port means a unix socket listener). */
  skip?: unknown;
}

const LIST_MAP = 'Duplicate value';
const EXPORT_TO: UniqueKey = { list: 'spec.exportTo', key: [], what: 'exportTo entry', rule: 'duplicate entries in exportTo' };

const KEYS: Record<string, UniqueKey[]> = {
  'networking.istio.io/ServiceEntry': [
    { list: 'spec.ports', key: ['name'], what: 'port name', rule: LIST_MAP },
    { list: 'spec.ports', key: ['number'], what: 'port number', rule: 'port number cannot be duplicated' },
    EXPORT_TO,
  ],
  'extensions.istio.io/WasmPlugin': [
    { list: 'spec.match[].ports', key: ['number'], what: 'port', rule: LIST_MAP },
    { list: 'spec.vmConfig.env', key: ['name'], what: 'env name', rule: LIST_MAP },
  ],
  'extensions.istio.io/TrafficExtension': [
    { list: 'spec.match[].ports', key: ['number'], what: 'port', rule: LIST_MAP },
    { list: 'spec.wasm.vmConfig.env', key: ['name'], what: 'env name', rule: LIST_MAP },
  ],
  'networking.istio.io/DestinationRule': [{ list: 'spec.subsets', key: ['name'], what: 'subset name', rule: 'duplicate subset names' }, EXPORT_TO],
  'networking.istio.io/Gateway': [{ list: 'spec.servers', key: ['port', 'name'], what: 'server port name', rule: 'port names in servers must be unique' }],
  'networking.istio.io/Sidecar': [
    { list: 'spec.ingress', key: ['port', 'number'], what: 'ingress port', rule: 'sidecar: ports on IP bound listeners must be unique' },
    { list: 'spec.egress', key: ['port', 'number'], what: 'egress port', rule: 'sidecar: ports on IP bound listeners must be unique', skip: 0 },
  ],
  'networking.istio.io/VirtualService': [EXPORT_TO],
};

export const duplicateEntry: ObjectRule = {
  meta: {
    id: 'duplicate-entry',
    code: 'ML0024',
    severity: 'error',
    scope: 'object',
    kinds: Object.keys(KEYS),
    title: 'Duplicate entry in a list that must be unique',
    description:
      'Two entries of a list share the value that must tell them apart: two ServiceEntry ports with the same name or number, two Wasm env variables or match ports with the same key, two DestinationRule subsets with the same name, two Gateway servers with the same port name, two Sidecar listeners on the same port, VirtualService hosts that overlap (`*.example.com` and `api.example.com`), an `exportTo` namespace listed twice. The API server rejects duplicate keys of list maps (`Duplicate value`), the CRD\'s CEL rules and istiod\'s webhook the others.',
    remediation: 'Give each entry its own name, port or host, or merge the two entries.',
    messages: {
      duplicate: 'Duplicate {what} "{value}": {first} has it already ("{rule}").',
      overlap: 'Host "{value}" overlaps with "{other}" ({first}) in the same VirtualService ("duplicate hosts in virtual service"); keep one.',
    },
    upstream: ['API server: Duplicate value (list-type map)', 'Istio CRD (CEL): port number cannot be duplicated', 'istiod webhook: duplicate subset names; port names in servers must be unique; duplicate hosts in virtual service'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v1\n      labels: {version: v1}\n    - name: v1\n      labels: {version: v2}\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v1\n      labels: {version: v1}\n    - name: v2\n      labels: {version: v2}\n',
    },
  },
  check(ctx) {
    const gk = groupKindOf(ctx.object);
    for (const unique of KEYS[gk] ?? []) checkUnique(ctx, unique);
    if (gk === 'networking.istio.io/VirtualService') checkHosts(ctx);
  },
};

function checkUnique({ object, report }: ObjectContext, unique: UniqueKey): void {
  for (const { path, value } of resolvePattern(object.body, unique.list)) {
    if (!Array.isArray(value)) continue;
    const seen = new Map<string, number>();
    value.forEach((item, i) => {
      const key = valueAt(item, unique.key);
      if (key === undefined || key === null || typeof key === 'object' || key === unique.skip) return;
      const id = `${typeof key}:${String(key)}`;
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, i);
        return;
      }
      const firstPath = [...path, first, ...unique.key];
      report({
        messageId: 'duplicate',
        data: { what: unique.what, value: String(key), first: formatPath([...path, first]), rule: unique.rule },
        path: [...path, i, ...unique.key],
        related: [{ object, path: firstPath, message: `first ${unique.what} "${String(key)}"` }],
      });
    });
  }
}

/** Istio compares hosts only when all of them are valid; so does this. */
function checkHosts({ object, report }: ObjectContext): void {
  const hosts = resolvePattern(object.body, 'spec.hosts[]');
  if (!hosts.every(({ value }) => typeof value === 'string' && (!domainProblem(value, true) || isIP(value)))) return;
  for (let j = 1; j < hosts.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [hosts[i].value as string, hosts[j].value as string];
      if (!hostsOverlap(a, b)) continue;
      const data = { value: b, other: a, first: formatPath(hosts[i].path) };
      if (a === b) report({ messageId: 'duplicate', data: { ...data, what: 'host', rule: 'duplicate hosts in virtual service' }, path: hosts[j].path, related: [{ object, path: hosts[i].path, message: `first host "${a}"` }] });
      else report({ messageId: 'overlap', data, path: hosts[j].path, related: [{ object, path: hosts[i].path, message: `overlapping host "${a}"` }] });
      break;
    }
  }
}
