// Which manifests configure each service, by the name the service graph gives it (service.name):
// the map's badges and its "open the VirtualService" clicks read this.
import { DESTINATION_RULE, SERVICE, VIRTUAL_SERVICE, WORKLOAD_GROUP_KINDS, buildWorkloads, selects } from '../istio/mesh';
import { destinationsOf, hostsOf, specOf } from '../istio/routes';
import { isRecord, type K8sObject } from '../k8s/object';
import { locatePath } from '../yaml/locate';
import { hostService, type CorrelationWorkspace } from './correlate';

export interface ServiceManifestRef {
  kind: string;
  namespace: string;
  name: string;
  uri: string;
  /** 1-based line of the object's `kind:` key. */
  line: number;
}

const ROLLOUT = 'argoproj.io/Rollout';
const MANIFEST_WORKLOADS = ['apps/Deployment', 'apps/StatefulSet', ROLLOUT];

/**
 * Services by name, each with the VirtualServices (its hosts and route destinations), DestinationRules
 * (their host), Services (their name), and Deployments, StatefulSets and Rollouts (the Services that
 * select their pods, their `app` / `app.kubernetes.io/name` label, a Rollout's stable and canary
 * Services) that concern it. A name is a cluster host's short name, or the host as written otherwise.
 */
export function serviceManifests(ws: CorrelationWorkspace): Record<string, ServiceManifestRef[]> {
  const out = new Map<string, Map<string, ServiceManifestRef>>();
  const add = (service: string, o: K8sObject) => {
    if (!service || !o.name) return;
    const file = ws.fileOf(o.uri);
    if (!file) return;
    let refs = out.get(service);
    if (!refs) out.set(service, (refs = new Map()));
    if (refs.has(o.id)) return;
    const at = locatePath(o.doc.node, ['kind'], 'key');
    refs.set(o.id, { kind: o.kind, namespace: o.namespace, name: o.name, uri: o.uri, line: file.lines.positionAt(at.start).line + 1 });
  };
  for (const vs of ws.objectsOfKind(VIRTUAL_SERVICE)) {
    for (const h of hostsOf(vs)) if (h.host !== '*') add(hostService(h.host, vs.namespace).name, vs);
    for (const d of destinationsOf(vs)) if (d.host) add(hostService(d.host, vs.namespace).name, vs);
  }
  for (const dr of ws.objectsOfKind(DESTINATION_RULE)) {
    const host = specOf(dr).host;
    if (typeof host === 'string' && host && !host.startsWith('*')) add(hostService(host, dr.namespace).name, dr);
  }
  const services = ws.objectsOfKind(SERVICE);
  for (const s of services) if (s.name) add(s.name, s);
  const workloads = buildWorkloads((gk) => (WORKLOAD_GROUP_KINDS.includes(gk) ? ws.objectsOfKind(gk) : []));
  for (const w of workloads) {
    if (!MANIFEST_WORKLOADS.includes(`${w.object.group}/${w.object.kind}`)) continue;
    for (const key of ['app.kubernetes.io/name', 'app']) if (w.labels[key]) add(w.labels[key], w.object);
    for (const s of services) {
      const spec = specOf(s);
      const selector = isRecord(spec.selector) ? (spec.selector as Record<string, string>) : undefined;
      if (s.name && s.namespace === w.namespace && selector && Object.keys(selector).length > 0 && selects(selector, w.labels)) add(s.name, w.object);
    }
    if (w.object.kind === 'Rollout') {
      const canary = isRecord(w.object.body.spec) && isRecord(w.object.body.spec.strategy) && isRecord(w.object.body.spec.strategy.canary) ? w.object.body.spec.strategy.canary : undefined;
      for (const role of ['stableService', 'canaryService']) if (typeof canary?.[role] === 'string') add(canary[role] as string, w.object);
    }
  }
  const result: Record<string, ServiceManifestRef[]> = {};
  for (const name of [...out.keys()].sort()) result[name] = [...out.get(name)!.values()];
  return result;
}
