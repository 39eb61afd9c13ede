import { isRecord } from '../../../../k8s/object';
import { hostCovers, REGISTRY_KINDS, registry, visibleFrom } from '../../../../istio/mesh';
import { replaceValueFix, SIDECAR } from '../../../../istio/policy';
import { closest } from '../../../../schema/suggest';
import { groupKindOf, ObjectRule } from '../../../types';

export const sidecarEgressHostNotFound: ObjectRule = {
  meta: {
    id: 'sidecar-egress-host-not-found',
    code: 'ML1136',
    severity: 'warning',
    scope: 'object',
    kinds: [SIDECAR, ...REGISTRY_KINDS],
    title: 'Sidecar egress host not found',
    description:
      'An egress `hosts` entry `namespace/host` imports the Services and ServiceEntries for that host defined in that namespace (`.` is the Sidecar\'s own, `*` any). When none visible to the Sidecar\'s namespace exists, the workloads cannot reach that host through the mesh, and with `REGISTRY_ONLY` not at all. Wildcard hosts are not checked; when the namespace has no Service or ServiceEntry in the workspace, the `meshlens.references.unresolved` setting decides.',
    remediation: 'Correct the host or the namespace (the namespace where the Service or ServiceEntry is defined), or add the missing ServiceEntry.',
    messages: {
      notFound: 'Egress host "{host}" matches no Service or ServiceEntry in namespace {namespace}.',
      didYouMean: 'Egress host "{host}" matches no Service or ServiceEntry in namespace {namespace}; did you mean "{suggestion}"?',
      unresolved: 'Egress host "{host}" matches nothing in the workspace (namespace {namespace} has no Service or ServiceEntry here; it may be defined elsewhere).',
    },
    upstream: ['KIA1004'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  ports: [{name: http, port: 9080}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  egress:\n    - hosts:\n        - "bookinfo/reveiws.bookinfo.svc.cluster.local"\n',
      valid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  ports: [{name: http, port: 9080}]\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  egress:\n    - hosts:\n        - "bookinfo/reviews.bookinfo.svc.cluster.local"\n',
    },
  },
  check({ object, workspace, lines, report }) {
    if (groupKindOf(object) !== SIDECAR) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.egress)) return;
    const reg = registry(workspace);
    spec.egress.forEach((listener, i) => {
      if (!isRecord(listener) || !Array.isArray(listener.hosts)) return;
      listener.hosts.forEach((entry, j) => {
        if (typeof entry !== 'string') return;
        const slash = entry.indexOf('/');
        if (slash < 0) return;
        const ns = entry.slice(0, slash);
        const host = entry.slice(slash + 1);
        if (host.includes('*') || ns === '~' || !host) return;
        const namespace = ns === '.' ? object.namespace : ns;
        const inScope = reg.entries.filter((e) => (namespace === '*' || e.namespace === namespace) && visibleFrom(e, object.namespace));
        if (inScope.some((e) => hostCovers(e.host, host))) return;
        const path = ['spec', 'egress', i, 'hosts', j];
        const data = { host, namespace: namespace === '*' ? 'any namespace' : namespace };
        const suggestion = closest(host, inScope.filter((e) => !e.host.startsWith('*')).map((e) => e.host));
        if (suggestion) {
          const text = `${ns}/${suggestion}`;
          report({ messageId: 'didYouMean', data: { ...data, suggestion }, path, fixes: replaceValueFix(object, lines, path, text, `Change the host to "${text}"`) });
        } else if (namespace === '*' ? reg.entries.length > 0 : reg.namespaces.has(namespace)) {
          report({ messageId: 'notFound', data, path });
        } else {
          report({ messageId: 'unresolved', data, path, unresolved: true });
        }
      });
    });
  },
};
