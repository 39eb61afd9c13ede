import type { K8sObject } from '../../../../k8s/object';
import { hostsIntersect, resolveGatewayRef, toFqdn, VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { appliesToMesh, gatewaysOf, hostsOf, pushTo, specOf } from '../../../../istio/routes';
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

/** Claims by exact FQDN, with the wildcard ones apart: a lookup never scans every VirtualService. */
class HostClaims {
  readonly byHost = new Map<string, Claim[]>();
  readonly wildcards: Claim[] = [];
  add(c: Claim): void {
    if (c.fqdn.startsWith('*')) this.wildcards.push(c);
    pushTo(this.byHost, c.fqdn, c);
  }
  /** Claims whose host can name a host in common with `fqdn`. */
  intersecting(fqdn: string): Claim[] {
    const out = [...(this.byHost.get(fqdn) ?? []), ...this.wildcards.filter((c) => c.fqdn !== fqdn && hostsIntersect(c.fqdn, fqdn))];
    // A wildcard host of our own covers concrete hosts: the rare case that needs a scan.
    if (fqdn.startsWith('*')) for (const [h, cs] of this.byHost) if (h !== fqdn && !h.startsWith('*') && hostsIntersect(fqdn, h)) out.push(...cs);
    return out;
  }
}

interface HostIndex {
  /** Mesh claims by `scope|fqdn` (scope `*` for VirtualServices exported everywhere). */
  mesh: Map<string, Claim[]>;
  /** Mesh claims of VirtualServices exported everywhere, and of those kept to some namespaces. */
  meshEverywhere: HostClaims;
  meshScoped: HostClaims;
  /** Gateway claims by `gatewayNs/name|fqdn`. */
  gateway: Map<string, Claim[]>;
}

/** Upstream's host scopes: `*` when exported everywhere (no exportTo, or `*` in it), else the namespaces. */
function scopesOf(vs: K8sObject): string[] {
  const list = specOf(vs).exportTo;
  const names = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && !!x) : [];
  if (!names.length || names.includes('*')) return ['*'];
  return [...new Set(names.map((x) => (x === '.' ? vs.namespace : x)))];
}

function buildIndex(vss: readonly K8sObject[]): HostIndex {
  const idx: HostIndex = { mesh: new Map(), meshEverywhere: new HostClaims(), meshScoped: new HostClaims(), gateway: new Map() };
  const add = (map: Map<string, Claim[]>, key: string, c: Claim) => pushTo(map, key, c);
  for (const vs of vss) {
    const hosts = hostsOf(vs).map((h) => ({ vs, hostIndex: h.index, fqdn: toFqdn(h.host, vs.namespace) }));
    if (appliesToMesh(vs)) {
      const scopes = scopesOf(vs);
      for (const c of hosts) for (const s of scopes) add(idx.mesh, `${s}|${c.fqdn}`, c);
      for (const c of hosts) (scopes[0] === '*' ? idx.meshEverywhere : idx.meshScoped).add(c);
    }
    for (const { ref } of gatewaysOf(vs)) {
      const r = resolveGatewayRef(ref, vs.namespace);
      if (r === 'mesh') continue;
      for (const c of new Map(hosts.map((h) => [h.fqdn, h])).values()) add(idx.gateway, `${r.namespace}/${r.name}|${c.fqdn}`, c);
    }
  }
  return idx;
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
    const idx = workspace.derived('istio.vs.hostClaims', [VIRTUAL_SERVICE], (of) => buildIndex(of(VIRTUAL_SERVICE)));
    const unit = workspace.renderUnitOf(object.uri);
    const other = (c: Claim) => c.vs.id !== object.id && c.vs.key !== object.key && workspace.renderUnitOf(c.vs.uri) === unit;
    const hosts = hostsOf(object).map((h) => ({ ...h, fqdn: toFqdn(h.host, object.namespace) }));
    const related = (cs: Claim[]) => cs.map((c) => ({ object: c.vs, path: ['spec', 'hosts', c.hostIndex], message: `${c.vs.ref} claims it too` }));
    const names = (cs: Claim[]) => [...new Set(cs.map((c) => c.vs.ref))].join(', ');
    if (appliesToMesh(object)) {
      const scopes = scopesOf(object);
      for (const h of hosts) {
        const rivals = scopes.flatMap((s) => idx.mesh.get(`${s}|${h.fqdn}`) ?? []);
        // A VirtualService kept to some namespaces still meets those exported everywhere, wildcards included.
        rivals.push(...(scopes[0] !== '*' ? idx.meshEverywhere : idx.meshScoped).intersecting(h.fqdn));
        const others = [...new Map(rivals.filter(other).map((c) => [c.vs.id, c])).values()];
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
        const others = (idx.gateway.get(`${r.namespace}/${r.name}|${h.fqdn}`) ?? []).filter(other);
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
