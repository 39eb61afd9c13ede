import { isRecord } from '../../../../k8s/object';
import { SERVICE, selects, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { PodRecord, workloadsIn } from '../../../../istio/security';
import { groupKindOf, ObjectRule } from '../../../types';

const ref = (list: readonly PodRecord[]) => list.slice(0, 3).map((w) => w.object.ref).join(', ') + (list.length > 3 ? ', …' : '');

export const serviceTargetPort: ObjectRule = {
  meta: {
    id: 'service-target-port',
    code: 'ML1205',
    severity: 'error',
    scope: 'object',
    kinds: [SERVICE, ...WORKLOAD_GROUP_KINDS],
    title: 'Service target port that the selected workloads do not expose',
    description:
      'A Service port whose `targetPort` (or `port`, when no `targetPort` is given) the pods it selects do not expose. A named target port that no container declares leaves the Service without endpoints on that port: an error when the containers declare other port names (a typo), a warning when they declare none. A number that none of the containers lists, while they do list ports, is most likely a wrong port (a warning: `containerPort` is informational, so the application may still listen there). Services in istio-system, UDP ports, and Services whose workloads are not in the workspace or list no ports at all are not checked.',
    remediation: 'Set `targetPort` to a port the containers listen on (by number or by the container port\'s name), or declare that port in the pod template.',
    messages: {
      namedMissing: 'No container of {workloads} declares a port named "{target}"; this Service port has no endpoints.',
      numberMissing: 'The pods of {workloads} do not expose port {target} (they expose {exposed}); check the targetPort.',
    },
    upstream: ['KIA0701 (Deployment exposing same port as Service not found)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\nspec:\n  selector:\n    app: ratings\n  ports:\n  - name: http\n    port: 9080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ratings\nspec:\n  selector:\n    matchLabels:\n      app: ratings\n  template:\n    metadata:\n      labels:\n        app: ratings\n    spec:\n      containers:\n      - name: ratings\n        image: ratings\n        ports:\n        - containerPort: 8080\n',
      valid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\nspec:\n  selector:\n    app: ratings\n  ports:\n  - name: http\n    port: 9080\n    targetPort: 8080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ratings\nspec:\n  selector:\n    matchLabels:\n      app: ratings\n  template:\n    metadata:\n      labels:\n        app: ratings\n    spec:\n      containers:\n      - name: ratings\n        image: ratings\n        ports:\n        - containerPort: 8080\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== SERVICE || object.namespace === 'istio-system') return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!isRecord(spec.selector) || !Array.isArray(spec.ports) || spec.type === 'ExternalName') return;
    const selector: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.selector)) if (v !== null && v !== undefined) selector[k] = String(v);
    if (!Object.keys(selector).length) return;
    const matching = workloadsIn(workspace, object.namespace).filter((w) => selects(selector, w.labels));
    if (!matching.length) return;
    const anyNumbers = matching.some((w) => w.portNumbers.length > 0);
    spec.ports.forEach((p, i) => {
      if (!isRecord(p) || (typeof p.protocol === 'string' && p.protocol.toUpperCase() === 'UDP')) return;
      const target = p.targetPort ?? p.port;
      const path = ['spec', 'ports', i, p.targetPort !== undefined ? 'targetPort' : 'port'];
      if (typeof target === 'string' && !/^\d+$/.test(target)) {
        if (matching.some((w) => w.portNames.includes(target))) return;
        // A typo among declared names is certain; with no names declared the port list may simply be unwritten yet.
        const anyNames = matching.some((w) => w.portNames.length > 0);
        report({ messageId: 'namedMissing', severity: anyNames ? undefined : 'warning', data: { target, workloads: ref(matching) }, path });
        return;
      }
      const n = Number(target);
      if (!Number.isInteger(n) || !anyNumbers || matching.some((w) => w.portNumbers.includes(n))) return;
      const all = [...new Set(matching.flatMap((w) => w.portNumbers))].sort((a, b) => a - b);
      report({ messageId: 'numberMissing', severity: 'warning', data: { target: n, workloads: ref(matching), exposed: all.join(', ') }, path });
    });
  },
};

