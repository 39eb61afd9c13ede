import type { K8sObject } from '../../../../k8s/object';
import { hostsIntersect, resolveGatewayRef, toFqdn, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { appliesToMesh, gatewaysOf, hostsOf, specOf } from '../../../../istio/routes';
import { ObjectRule } from '../../../types';

const example = (host: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - route:
        - destination:
            host: ratings
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings-canary
spec:
  hosts: [${host}]
  http:
    - route:
        - destination:
            host: ratings
            subset: v2
`;

interface Claim {
  vs: K8sObject;
  hostIndex: number;
  fqdn: string;
}

/** Upstream's host scopes: `*` when exported everywhere (no exportTo, or `*` in it), else the namespaces. */
function scopesOf(vs: K8sObject): string[] {
  const list = specOf(vs).exportTo;
  const names = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && !!x) : [];
  if (!names.length || names.includes('*')) return ['*'];
  return [...new Set(names.map((x) => (x === '.' ? vs.namespace : x)))];
}

/**
 * Host claims, keyed so that a VirtualService reads (and depends on) only the entries of its own
 * hosts: `mesh|<scope>|<fqdn>` (scope `*` for VirtualServices exported everywhere); `all|*` and
 * `scoped|*` for wildcard hosts, `scoped|<fqdn>` for the VirtualServices kept to some namespaces;
 * `gw|<ns>/<name>|<fqdn>`.
 */
function claimsOf(vs: K8sObject): Array<[string, Claim]> {
  const out: Array<[string, Claim]> = [];
  const hosts = hostsOf(vs).map((h) => ({ vs, hostIndex: h.index, fqdn: toFqdn(h.host, vs.namespace) }));
  if (appliesToMesh(vs)) {
    const scopes = scopesOf(vs);
    const group = scopes[0] === '*' ? 'all' : 'scoped';
    for (const c of hosts) {
      for (const s of scopes) out.push([`mesh|${s}|${c.fqdn}`, c]);
      // Claims exported everywhere are `mesh|*|<fqdn>` already.
      if (group === 'scoped') out.push([`scoped|${c.fqdn}`, c]);
      if (c.fqdn.startsWith('*')) out.push([`${group}|*`, c]);
    }
  }
  for (const { ref } of gatewaysOf(vs)) {
    const r = resolveGatewayRef(ref, vs.namespace);
    if (r === 'mesh') continue;
    for (const c of new Map(hosts.map((h) => [h.fqdn, h])).values()) out.push([`gw|${r.namespace}/${r.name}|${c.fqdn}`, c]);
  }
  return out;
}

export const conflictingHosts: ObjectRule = {
  meta: {
    id: 'conflicting-hosts',
    code: 'ML1008',
    severity: 'error',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Two VirtualServices claim one host',
    description:
      'Two VirtualServices that apply to the mesh (no `gateways`, or `mesh` among them) name the same host for the same namespaces. Sidecars take the routes of only one of them, and which one is not defined; hosts are compared as FQDNs, and `exportTo` keeps VirtualServices of different namespaces apart. Two VirtualServices bound to the same Gateway with the same host are merged by the gateway in creation order, which is easy to get wrong: a warning. VirtualServices of different kustomize overlays are never compared.',
    remediation: 'Merge the routes into one VirtualService per host, or restrict one of them with `exportTo`; for a gateway, keep one VirtualService per host or use delegate VirtualServices.',
    messages: {
      mesh: 'Host "{host}" is also claimed for the mesh by {others}: sidecars use only one of them, which one is undefined.',
      gateway: 'Host "{host}" on gateway {gateway} is also claimed by {others}: the gateway merges their routes in creation order.',
    },
    upstream: [
      'IST0109 (ConflictingMeshGatewayVirtualServiceHosts; istioctl virtualservice.ConflictingMeshGatewayHostsAnalyzer)',
      'KIA1106 (More than one Virtual Service for same host)',
    ],
    fixable: false,
    examples: { invalid: example('ratings'), valid: example('ratings-canary') },
  },
  check({ object, workspace, report }) {
    const claims = (key: string) => workspace.keyed('istio.vs.hostClaims', [VIRTUAL_SERVICE], claimsOf, key);
    const unit = workspace.renderUnitOf(object.uri);
    const rival = (c: Claim) => c.vs.id !== object.id && c.vs.key !== object.key && workspace.renderUnitOf(c.vs.uri) === unit;
    const hosts = hostsOf(object).map((h) => ({ ...h, fqdn: toFqdn(h.host, object.namespace) }));
    const related = (cs: Claim[]) => cs.map((c) => ({ object: c.vs, path: ['spec', 'hosts', c.hostIndex], message: `${c.vs.ref} claims it too` }));
    const names = (cs: Claim[]) => [...new Set(cs.map((c) => c.vs.ref))].join(', ');
    if (appliesToMesh(object)) {
      const scopes = scopesOf(object);
      for (const h of hosts) {
        const rivals = scopes.flatMap((s) => claims(`mesh|${s}|${h.fqdn}`));
        // A VirtualService kept to some namespaces still meets those exported everywhere, wildcards included.
        const other = scopes[0] !== '*' ? 'all' : 'scoped';
        rivals.push(...claims(other === 'all' ? `mesh|*|${h.fqdn}` : `scoped|${h.fqdn}`), ...claims(`${other}|*`).filter((c) => c.fqdn !== h.fqdn && hostsIntersect(c.fqdn, h.fqdn)));
        const others = [...new Map(rivals.filter(rival).map((c) => [c.vs.id, c])).values()];
        if (!others.length) continue;
        report({ messageId: 'mesh', data: { host: h.host, others: names(others) }, path: ['spec', 'hosts', h.index], related: related(others) });
        // One finding per VirtualService, as upstream reports it.
        break;
      }
    }
    for (const { ref } of gatewaysOf(object)) {
      const r = resolveGatewayRef(ref, object.namespace);
      if (r === 'mesh') continue;
      for (const h of hosts) {
        const others = claims(`gw|${r.namespace}/${r.name}|${h.fqdn}`).filter(rival);
        if (!others.length) continue;
        report({
          messageId: 'gateway',
          severity: 'warning',
          upstream: ['KIA1106'],
          data: { host: h.host, gateway: `${r.namespace}/${r.name}`, others: names(others) },
          path: ['spec', 'hosts', h.index],
          related: related(others),
        });
        break;
      }
    }
  },
};
