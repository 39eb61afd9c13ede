import { replaceValueFix } from '../../../../istio/security';
import {
  allowedFrom,
  K8S_GATEWAY,
  k8sGatewaysBy,
  Listener,
  listenerAdmitsNamespace,
  listenerRouteKinds,
  listenersOf,
  NAMESPACE,
  parentRefsOf,
  ROUTE_KINDS,
} from '../../../../k8s/gateway-api';
import { K8sObject, objectKey } from '../../../../k8s/object';
import { closestName } from '../../../../istio/routes';
import { sameUnitAs } from '../../../../istio/policy';
import type { FieldPath } from '../../../../yaml/path';
import { groupKindOf, ObjectRule } from '../../../types';

const example = (parentRef: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bookinfo
  namespace: bookinfo
spec:
  parentRefs:
    - ${parentRef}
  hostnames: [bookinfo.example.com]
  rules:
    - backendRefs:
        - name: productpage
          port: 9080
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: istio-ingress
spec:
  gatewayClassName: istio
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: All
`;

/** How a parentRef names a listener, for messages: `named "https"`, `on port 443`. */
function section(sectionName: string | undefined, port: number | undefined): string {
  return [sectionName !== undefined ? `named "${sectionName}"` : '', port !== undefined ? `on port ${port}` : ''].filter(Boolean).join(' ');
}

/** Where a listener says which Routes it takes, for related locations. */
function allowedRoutesPath(l: Listener): FieldPath {
  return ['spec', 'listeners', l.index, ...(l.value.allowedRoutes !== undefined ? ['allowedRoutes'] : ['name'])];
}

export const k8sRouteGatewayNotFound: ObjectRule = {
  meta: {
    id: 'k8s-route-gateway-not-found',
    code: 'ML1170',
    severity: 'error',
    scope: 'object',
    kinds: [...ROUTE_KINDS, K8S_GATEWAY, NAMESPACE],
    title: 'Route attached to a missing or inaccessible Gateway',
    description:
      'An entry of an HTTPRoute\'s or GRPCRoute\'s `parentRefs` names a Gateway API Gateway (`group` and `kind` default to `gateway.networking.k8s.io` and `Gateway`, `namespace` to the Route\'s) that the Route cannot attach to, so its rules are not served there: the Gateway does not exist; it has no listener with the `sectionName` or `port` the parentRef names; or none of the listeners it names takes the Route, because `allowedRoutes.namespaces.from` keeps routes from other namespaces out (`Same`, the default, takes only the Gateway\'s own namespace; `Selector` takes the namespaces whose labels match) or `allowedRoutes.kinds` (by default the kinds of the listener\'s protocol: HTTPRoute and GRPCRoute on HTTP and HTTPS) does not include the Route\'s kind. A `Selector` on labels other than `kubernetes.io/metadata.name` is decided only when the Namespace object is in the workspace. Hostname matching between the Route and the listeners is not checked.',
    remediation:
      'Fix the parentRef (the message suggests the closest Gateway, or the namespace of a Gateway with that name elsewhere), or let the Gateway take the Route: `allowedRoutes.namespaces.from: All`, or `Selector` with a selector that matches the Route\'s namespace.',
    messages: {
      notFound: 'Gateway {namespace}/{name} not found, so the {kind} is not attached to it.',
      didYouMean: 'Gateway {namespace}/{name} not found, so the {kind} is not attached to it; did you mean "{suggestion}"?',
      otherNamespace: 'Gateway {namespace}/{name} not found: the parentRef has no namespace, so it names a Gateway in the {kind}\'s own namespace; {suggestion} is in namespace {suggestionNamespace}.',
      unresolved: 'Gateway {namespace}/{name} is not defined in the workspace (no Gateway in namespace {namespace}); it may be defined elsewhere.',
      noListener: 'Gateway {namespace}/{name} has no listener {section}, so the {kind} is not attached to it.',
      namespaceNotAllowed: 'The listeners of Gateway {namespace}/{name} do not take routes from namespace {routeNamespace} (allowedRoutes.namespaces.from: {from}), so the {kind} is not attached to it.',
      kindNotAllowed: 'The listeners of Gateway {namespace}/{name} do not take {kind}s (they take {accepted}), so the {kind} is not attached to it.',
    },
    upstream: ['KIA1401 (Route is pointing to a non-existent or inaccessible K8s gateway)'],
    fixable: true,
    examples: { invalid: example('{name: pubic, namespace: istio-ingress}'), valid: example('{name: public, namespace: istio-ingress}') },
  },
  check({ object, workspace, report }) {
    const kind = object.kind;
    if (!ROUTE_KINDS.includes(groupKindOf(object))) return;
    const sameUnit = sameUnitAs(workspace, object.uri);
    for (const p of parentRefsOf(object)) {
      if (`${p.group}/${p.kind}` !== K8S_GATEWAY) continue;
      const namePath: FieldPath = [...p.path, 'name'];
      const data = { namespace: p.namespace, name: p.name, kind };
      const inNamespace = k8sGatewaysBy(workspace, `ns|${p.namespace}`);
      const found = inNamespace.filter((g) => g.name === p.name);
      if (!found.length) {
        // Without a namespace the parentRef stays in the Route's namespace: the most common slip
        // with Gateways that live in an ingress namespace.
        const elsewhere = p.namespaceWritten ? [] : k8sGatewaysBy(workspace, `name|${p.name}`).filter((g) => g.namespace !== p.namespace);
        if (elsewhere.length) {
          const target = elsewhere[0];
          report({
            messageId: 'otherNamespace',
            data: { ...data, suggestion: target.ref, suggestionNamespace: target.namespace },
            path: namePath,
            related: elsewhere.map((g) => ({ object: g, path: ['metadata', 'name'], message: `${g.ref} is defined here` })),
          });
          continue;
        }
        if (!inNamespace.length) {
          report({ messageId: 'unresolved', unresolved: true, data, path: namePath });
          continue;
        }
        const near = closestName(p.name, inNamespace.map((g) => g.name!));
        const target = near ? inNamespace.find((g) => g.name === near) : undefined;
        if (!target) {
          report({ messageId: 'notFound', data, path: namePath });
          continue;
        }
        report({
          messageId: 'didYouMean',
          data: { ...data, suggestion: target.name! },
          path: namePath,
          related: [{ object: target, path: ['metadata', 'name'], message: `${target.ref} is defined here` }],
          fixes: [replaceValueFix(object, namePath, target.name!, `Change the Gateway to "${target.name!}"`)],
        });
        continue;
      }
      // Copies of one Gateway under different kustomization roots: the one rendered with the Route decides.
      const gateway: K8sObject = found.find((g) => sameUnit(g.uri)) ?? found[0];
      const listeners = listenersOf(gateway).filter((l) => (p.sectionName === undefined || l.name === p.sectionName) && (p.port === undefined || l.port === p.port));
      if (!listeners.length) {
        if (p.sectionName === undefined && p.port === undefined) continue; // a Gateway without listeners: the schema rules say so
        report({
          messageId: 'noListener',
          data: { ...data, section: section(p.sectionName, p.port) },
          path: [...p.path, p.sectionName !== undefined ? 'sectionName' : 'port'],
          related: [{ object: gateway, path: ['spec', 'listeners'], message: `the listeners of ${gateway.ref}`, target: 'key' }],
        });
        continue;
      }
      const namespaceObject = workspace.objectsWithKey(objectKey('', 'Namespace', '', object.namespace))[0];
      const byNamespace = listeners.map((l) => listenerAdmitsNamespace(l, gateway, object.namespace, namespaceObject));
      if (byNamespace.every((ok) => ok === false)) {
        report({
          messageId: 'namespaceNotAllowed',
          data: { ...data, routeNamespace: object.namespace, from: [...new Set(listeners.map(allowedFrom))].join(', ') },
          path: namePath,
          related: listeners.map((l) => ({ object: gateway, path: allowedRoutesPath(l), message: `listener ${l.name ?? l.index} of ${gateway.ref}`, target: 'key' as const })),
        });
        continue;
      }
      const open = listeners.filter((_, i) => byNamespace[i] !== false);
      const kinds = open.map(listenerRouteKinds);
      if (kinds.every((k) => k !== undefined && !k.includes(groupKindOf(object)))) {
        const accepted = [...new Set(kinds.flatMap((k) => k ?? []).map((gk) => gk.slice(gk.indexOf('/') + 1)))].join(', ') || 'no Route kind';
        report({
          messageId: 'kindNotAllowed',
          data: { ...data, accepted },
          path: namePath,
          related: open.map((l) => ({ object: gateway, path: allowedRoutesPath(l), message: `listener ${l.name ?? l.index} of ${gateway.ref}`, target: 'key' as const })),
        });
      }
    }
  },
};
