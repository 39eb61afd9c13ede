import { isRecord, K8sObject } from '../../../../k8s/object';
import { closest } from '../../../../schema/suggest';
import { DOMAIN_SUFFIX, GATEWAY, lookupHost, NAMESPACE, REGISTRY_KINDS, registry, VIRTUAL_SERVICE, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { AUTHORIZATION_POLICY, namespaceFacts, replaceValueFix, specOf } from '../../../../istio/security';
import { WorkspaceView } from '../../../types';
import { ObjectRule } from '../../../types';

const INGRESS_KINDS = [GATEWAY, VIRTUAL_SERVICE];

/** Hosts that Gateways serve and VirtualServices route: Host headers a workload may see without a registry entry. */
function routedHosts(ws: WorkspaceView): readonly string[] {
  return ws.derived('istio.security.routedHosts', INGRESS_KINDS, (of) => {
    const out = new Set<string>();
    for (const gw of of(GATEWAY)) {
      const servers = isRecord(gw.body.spec) ? gw.body.spec.servers : undefined;
      if (!Array.isArray(servers)) continue;
      for (const s of servers) if (isRecord(s) && Array.isArray(s.hosts)) for (const h of s.hosts) if (typeof h === 'string') out.add(h.slice(h.indexOf('/') + 1));
    }
    for (const vs of of(VIRTUAL_SERVICE)) {
      const hosts = isRecord(vs.body.spec) ? vs.body.spec.hosts : undefined;
      if (Array.isArray(hosts)) for (const h of hosts) if (typeof h === 'string') out.add(h);
    }
    return [...out];
  });
}

function covers(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  return pattern.startsWith('*') ? host.endsWith(pattern.slice(1)) : pattern === host;
}

interface Resolved {
  fqdn: string;
  /** The namespace of a cluster-local name, undefined for other hosts. */
  namespace?: string;
  /** How the service name is written, for a suggestion in the same form. */
  service?: string;
}

/** A Host header as Kubernetes DNS resolves it from the policy's namespace. */
function resolve(host: string, namespace: string, namespaces: ReadonlySet<string>): Resolved {
  const labels = host.split('.');
  if (labels.length === 1) return { fqdn: `${host}.${namespace}.${DOMAIN_SUFFIX}`, namespace, service: host };
  if ((labels.length === 2 && namespaces.has(labels[1])) || (labels.length === 3 && labels[2] === 'svc') || host.endsWith(`.${DOMAIN_SUFFIX}`) && labels.length === 5) {
    return { fqdn: `${labels[0]}.${labels[1]}.${DOMAIN_SUFFIX}`, namespace: labels[1], service: labels[0] };
  }
  return { fqdn: host };
}

export const authzHostNotFound: ObjectRule = {
  meta: {
    id: 'authz-host-not-found',
    code: 'ML2006',
    severity: 'error',
    scope: 'object',
    kinds: [AUTHORIZATION_POLICY, ...REGISTRY_KINDS, NAMESPACE, ...WORKLOAD_GROUP_KINDS, ...INGRESS_KINDS],
    title: 'AuthorizationPolicy host has no registry entry',
    description:
      'An entry of `to.operation.hosts` or `notHosts` names a host that no Service or ServiceEntry of the workspace provides, and that no Gateway serves or VirtualService routes: a short name (`ratings`), `name.namespace`, or a full `name.namespace.svc.cluster.local` is looked up among the Services of that namespace; other names among ServiceEntries, Gateway and VirtualService hosts. A port (`:8080`) is ignored; wildcard hosts are left alone. When the namespace has no Service in the workspace, or the host is external, it may be defined elsewhere and the `meshlens.references.unresolved` setting decides.',
    remediation: 'Correct the host (the message suggests the closest Service), or add the Service or ServiceEntry that provides it.',
    messages: {
      notFound: 'No Service or ServiceEntry provides host "{value}" ({fqdn}) in {field}; this operation never matches it.',
      didYouMean: 'No Service provides host "{value}" ({fqdn}) in {field}: did you mean "{suggestion}"?',
    },
    upstream: ['KIA0104 (This host has no matching entry in the service registry)'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\nspec:\n  ports:\n  - name: http\n    port: 9080\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ratings\nspec:\n  rules:\n  - to:\n    - operation:\n        hosts: ["ratigns"]\n',
      valid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\nspec:\n  ports:\n  - name: http\n    port: 9080\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ratings\nspec:\n  rules:\n  - to:\n    - operation:\n        hosts: ["ratings", "ratings.default:9080"]\n',
    },
  },
  check({ object, workspace, report }) {
    if (object.group !== 'security.istio.io') return;
    const rules = specOf(object).rules;
    if (!Array.isArray(rules)) return;
    rules.forEach((rule, i) => {
      if (!isRecord(rule) || !Array.isArray(rule.to)) return;
      rule.to.forEach((to, j) => {
        const op = isRecord(to) && isRecord(to.operation) ? to.operation : undefined;
        if (!op) return;
        for (const field of ['hosts', 'notHosts'] as const) {
          const list = op[field];
          if (!Array.isArray(list)) continue;
          list.forEach((raw, k) => {
            if (typeof raw !== 'string' || !raw || raw.includes('*')) return;
            checkHost(object, workspace, raw, field, ['spec', 'rules', i, 'to', j, 'operation', field, k], report);
          });
        }
      });
    });
  },
};

function checkHost(object: K8sObject, workspace: WorkspaceView, raw: string, field: string, path: (string | number)[], report: Parameters<ObjectRule['check']>[0]['report']): void {
  const port = /:(\d+|\*)$/.exec(raw);
  const value = port ? raw.slice(0, port.index) : raw;
  const reg = registry(workspace);
  const r = resolve(value.toLowerCase(), object.namespace, namespaceFacts(workspace).known);
  if (lookupHost(reg, r.fqdn, object.namespace).length) return;
  if (routedHosts(workspace).some((h) => covers(h, value) || covers(h, r.fqdn))) return;
  const data = { value: raw, fqdn: r.fqdn, field };
  if (r.namespace === undefined || !reg.namespaces.has(r.namespace)) {
    report({ messageId: 'notFound', data, path, unresolved: true });
    return;
  }
  const names = reg.entries.filter((e) => e.namespace === r.namespace && e.object.kind === 'Service').map((e) => e.object.name ?? '');
  const suggestion = r.service ? closest(r.service, names) : undefined;
  if (!suggestion) {
    report({ messageId: 'notFound', data, path });
    return;
  }
  const fixed = suggestion + raw.slice(r.service!.length);
  report({ messageId: 'didYouMean', data: { ...data, suggestion: fixed }, path, fixes: [replaceValueFix(object, path, fixed)] });
}
