import { isRecord, K8sObject } from '../../../../k8s/object';
import { NAMESPACE, SERVICE, selects } from '../../../../istio/mesh';
import { podTemplateOf } from '../../../../istio/security';
import { groupKindOf, ObjectRule, WorkspaceView } from '../../../types';

/** Kinds whose pods several Services may select at once (a bare Pod or a Job is not a service backend here). */
const CHECKED = ['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'argoproj.io/Rollout', 'apps.openshift.io/DeploymentConfig'];

interface ServicePorts {
  service: K8sObject;
  selector: Record<string, string>;
  ports: Array<{ port: number; protocol: string; target: string; index: number }>;
}

/** A keyed lookup: a workload depends on its own namespace's Services only. */
function servicesIn(ws: WorkspaceView, namespace: string): readonly ServicePorts[] {
  return ws.lookup('istio.workload.servicePorts', [SERVICE], (of) => {
    const out = new Map<string, ServicePorts[]>();
    for (const s of of(SERVICE)) {
      const spec = isRecord(s.body.spec) ? s.body.spec : {};
      if (!isRecord(spec.selector)) continue;
      const selector: Record<string, string> = {};
      for (const [k, v] of Object.entries(spec.selector)) if (v !== null && v !== undefined) selector[k] = String(v);
      if (!Object.keys(selector).length) continue;
      const ports: ServicePorts['ports'] = [];
      (Array.isArray(spec.ports) ? spec.ports : []).forEach((p, index) => {
        if (!isRecord(p) || typeof p.port !== 'number') return;
        const target = p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? String(p.port) : String(p.targetPort);
        // Kubernetes takes upper case only; `tcp` is the schema rules' finding, not a second protocol.
        ports.push({ port: p.port, protocol: typeof p.protocol === 'string' && p.protocol ? p.protocol.toUpperCase() : 'TCP', target, index });
      });
      const list = out.get(s.namespace) ?? [];
      list.push({ service: s, selector, ports });
      out.set(s.namespace, list);
    }
    return out;
  }, namespace) ?? [];
}

function injectionValue(v: string | undefined): boolean | undefined {
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/**
 * Istio's inMesh: an istio-proxy container, else the pod's `sidecar.istio.io/inject` label or
 * annotation, else its namespace's injection label. A namespace the workspace does not declare is
 * assumed to be in the mesh: that is why the manifests carry Istio configuration.
 */
function inMesh(o: K8sObject, template: Record<string, unknown>, labels: Record<string, string>, ws: WorkspaceView): boolean {
  const spec = isRecord(template.spec) ? template.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.some((c) => isRecord(c) && c.name === 'istio-proxy')) return true;
  const meta = isRecord(template.metadata) ? template.metadata : {};
  const annotations = isRecord(meta.annotations) ? meta.annotations : {};
  const own = injectionValue(labels['sidecar.istio.io/inject']) ?? injectionValue(typeof annotations['sidecar.istio.io/inject'] === 'string' ? annotations['sidecar.istio.io/inject'] : undefined);
  if (own !== undefined) return own;
  const ns = ws.objectsWithKey(`/Namespace//${o.namespace}`)[0];
  if (!ns) return true;
  return ns.labels['istio-injection'] === 'enabled' || 'istio.io/rev' in ns.labels || ns.labels['istio.io/dataplane-mode'] === 'ambient';
}

export const workloadServicePorts: ObjectRule = {
  meta: {
    id: 'workload-service-ports',
    code: 'ML1202',
    severity: 'warning',
    scope: 'object',
    kinds: [...CHECKED, SERVICE, NAMESPACE],
    title: 'Services selecting one workload disagree on a port',
    description:
      'Several Services select the pods of one Deployment (StatefulSet, DaemonSet, Rollout, OpenShift DeploymentConfig) in the mesh and give the same port number different protocols (IST0116), or send the same target port to different service ports (IST0137). The sidecar builds one inbound listener per port and cannot serve both: one Service\'s traffic is handled with the other\'s protocol. A workload is in the mesh when it has an istio-proxy container, its pods say `sidecar.istio.io/inject: "true"`, or its namespace has injection enabled (a namespace the workspace does not declare is assumed to be).',
    remediation: 'Give the Services one protocol per port and one service port per target port, or merge them into one Service.',
    messages: {
      protocols: 'Services {services} select the pods of this {kind} and use port {port} with different protocols ({protocols}); the sidecar can serve only one.',
      targetPorts: 'Services {services} select the pods of this {kind} and send target port {target} to different ports ({ports}); the sidecar can serve only one.',
    },
    upstream: ['IST0116 (DeploymentAssociatedToMultipleServices, deployment.MultiServiceAnalyzer)', 'IST0137 (DeploymentConflictingPorts, deployment.MultiServiceAnalyzer)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: details\nspec:\n  selector:\n    matchLabels:\n      app: details\n  template:\n    metadata:\n      labels:\n        app: details\n    spec:\n      containers:\n      - name: details\n        image: details\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: details-tcp\nspec:\n  selector:\n    app: details\n  ports:\n  - name: tcp\n    port: 9080\n    protocol: TCP\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: details-udp\nspec:\n  selector:\n    app: details\n  ports:\n  - name: udp\n    port: 9080\n    protocol: UDP\n',
      valid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: details\nspec:\n  selector:\n    matchLabels:\n      app: details\n  template:\n    metadata:\n      labels:\n        app: details\n    spec:\n      containers:\n      - name: details\n        image: details\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: details\nspec:\n  selector:\n    app: details\n  ports:\n  - name: http\n    port: 9080\n',
    },
  },
  check({ object, workspace, report }) {
    if (!CHECKED.includes(groupKindOf(object))) return;
    const template = podTemplateOf(object);
    if (!template) return;
    const meta = isRecord(template.metadata) ? template.metadata : {};
    const labels: Record<string, string> = {};
    if (isRecord(meta.labels)) for (const [k, v] of Object.entries(meta.labels)) if (v !== null && v !== undefined && typeof v !== 'object') labels[k] = String(v);
    if (!inMesh(object, template, labels, workspace)) return;
    const matching = servicesIn(workspace, object.namespace).filter((s) => selects(s.selector, labels));
    if (matching.length < 2) return;
    const byPort = new Map<number, Map<string, ServicePorts[]>>();
    const byTarget = new Map<string, Map<number, ServicePorts>>();
    for (const s of matching) {
      for (const p of s.ports) {
        const protocols = byPort.get(p.port) ?? new Map<string, ServicePorts[]>();
        protocols.set(p.protocol, [...(protocols.get(p.protocol) ?? []), s]);
        byPort.set(p.port, protocols);
        const ports = byTarget.get(p.target) ?? new Map<number, ServicePorts>();
        ports.set(p.port, s);
        byTarget.set(p.target, ports);
      }
    }
    const names = (list: ServicePorts[]) => [...new Set(list.map((s) => s.service.name ?? ''))].join(', ');
    const related = (list: ServicePorts[], port: (s: ServicePorts) => number | undefined) =>
      [...new Set(list)].map((s) => ({ object: s.service, path: port(s) !== undefined ? ['spec', 'ports', port(s)!] : ['metadata', 'name'], message: `${s.service.ref} selects these pods` }));
    for (const [port, protocols] of byPort) {
      if (protocols.size < 2) continue;
      const list = [...protocols.values()].flat();
      report({
        messageId: 'protocols',
        upstream: ['IST0116'],
        data: { kind: object.kind, port, services: names(list), protocols: [...protocols.keys()].join(', ') },
        path: ['metadata', 'name'],
        related: related(list, (s) => s.ports.find((p) => p.port === port)?.index),
      });
    }
    for (const [target, ports] of byTarget) {
      if (ports.size < 2) continue;
      const list = [...ports.values()];
      report({
        messageId: 'targetPorts',
        upstream: ['IST0137'],
        data: { kind: object.kind, target, services: names(list), ports: [...ports.keys()].join(', ') },
        path: ['metadata', 'name'],
        related: related(list, (s) => s.ports.find((p) => p.target === target)?.index),
      });
    }
  },
};
