import { backendRefsOf, grantPermits, parentRefsOf, REFERENCE_GRANT, referenceGrantsIn, RouteRef, ROUTE_KINDS, SERVICE, servicesIn } from '../../../../k8s/gateway-api';
import { replaceValueFix } from '../../../../istio/security';
import { closestName } from '../../../../istio/routes';
import type { FieldPath } from '../../../../yaml/path';
import { groupKindOf, ObjectRule } from '../../../types';

const example = (backend: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
  namespace: bookinfo
spec:
  parentRefs:
    - name: public
      namespace: istio-ingress
  rules:
    - backendRefs:
        - name: ${backend}
          port: 9080
---
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
`;

type Status = 'ok' | 'missing' | 'unresolved';

export const k8sRouteServiceNotFound: ObjectRule = {
  meta: {
    id: 'k8s-route-service-not-found',
    code: 'ML1171',
    severity: 'error',
    scope: 'object',
    kinds: [...ROUTE_KINDS, SERVICE, REFERENCE_GRANT],
    title: 'Route refers to a missing Service, or to one in another namespace without a ReferenceGrant',
    description:
      'A Service an HTTPRoute or GRPCRoute refers to cannot be used: a `backendRefs` entry or a `requestMirror` backend (a core Service unless `group`/`kind` say otherwise, in the Route\'s namespace unless `namespace` says otherwise), or a `parentRefs` entry of kind Service (a mesh route). Either no such Service exists, the name is a host name (`reviews.default.svc.cluster.local`: a reference names a Service object, whose name has no dots), or the Service is in another namespace and no ReferenceGrant there lets the Route\'s kind from the Route\'s namespace refer to it, so the gateway refuses the reference (ResolvedRefs false, RefNotPermitted) and requests to that backend fail. ParentRefs to Services need no ReferenceGrant. Backends of other kinds (Istio\'s `Hostname` for ServiceEntry hosts) are not checked.',
    remediation:
      'Fix the name (the message suggests the closest Service), write the Service name and its `namespace` instead of a host name, or create a ReferenceGrant in the Service\'s namespace with `from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: <route namespace>}]` and `to: [{group: "", kind: Service}]`.',
    messages: {
      notFound: 'Service {namespace}/{name} not found.',
      didYouMean: 'Service {namespace}/{name} not found; did you mean "{suggestion}"?',
      hostName: '"{name}" is a host name, not a Service name: a reference names the Service ({service}) and its namespace.',
      unresolved: 'Service {namespace}/{name} is not defined in the workspace (no Service in namespace {namespace}); it may be defined elsewhere.',
      notGranted: 'No ReferenceGrant in namespace {namespace} lets {kind}s from namespace {routeNamespace} refer to Service {name}, so the reference is refused.',
      grantUnresolved: 'Service {namespace}/{name} is in another namespace and no ReferenceGrant of namespace {namespace} is in the workspace; without one that lets {kind}s from {routeNamespace} refer to it, the reference is refused.',
    },
    upstream: ["KIA1402 (Reference doesn't have a valid service (Service name not found))"],
    fixable: true,
    examples: { invalid: example('reviewz'), valid: example('reviews') },
  },
  check({ object, workspace, report }) {
    const routeKind = groupKindOf(object);
    if (!ROUTE_KINDS.includes(routeKind)) return;
    const kind = object.kind;
    // ReferenceGrant does not govern parentRefs to Services (Gateway API spec): only backends need one.
    const refs: Array<{ ref: RouteRef; needsGrant: boolean }> = [
      ...parentRefsOf(object).map((ref) => ({ ref, needsGrant: false })),
      ...backendRefsOf(object).map((ref) => ({ ref, needsGrant: true })),
    ];
    for (const { ref, needsGrant } of refs) {
      if (`${ref.group}/${ref.kind}` !== SERVICE) continue;
      const namePath: FieldPath = [...ref.path, 'name'];
      const data = { namespace: ref.namespace, name: ref.name, kind, routeNamespace: object.namespace };
      if (ref.name.includes('.')) {
        report({ messageId: 'hostName', data: { ...data, service: ref.name.slice(0, ref.name.indexOf('.')) }, path: namePath });
        continue;
      }
      const services = servicesIn(workspace, ref.namespace);
      const service: Status = services.some((s) => s.name === ref.name) ? 'ok' : services.length ? 'missing' : 'unresolved';
      let grant: Status = 'ok';
      if (needsGrant && ref.namespace !== object.namespace) {
        const grants = referenceGrantsIn(workspace, ref.namespace);
        grant = grants.some((g) => grantPermits(g, routeKind, object.namespace, SERVICE, ref.name)) ? 'ok' : grants.length ? 'missing' : 'unresolved';
      }
      if (service === 'missing') {
        const near = closestName(ref.name, services.map((s) => s.name!));
        const target = near ? services.find((s) => s.name === near) : undefined;
        if (!target) {
          report({ messageId: 'notFound', data, path: namePath });
          continue;
        }
        report({
          messageId: 'didYouMean',
          data: { ...data, suggestion: target.name! },
          path: namePath,
          related: [{ object: target, path: ['metadata', 'name'], message: `${target.ref} is defined here` }],
          fixes: [replaceValueFix(object, namePath, target.name!, `Change the Service to "${target.name!}"`)],
        });
      } else if (grant === 'missing') {
        report({
          messageId: 'notGranted',
          data,
          path: [...ref.path, 'namespace'],
          related: referenceGrantsIn(workspace, ref.namespace).map((g) => ({ object: g, path: ['spec'], message: `${g.ref} does not cover this reference`, target: 'key' as const })),
        });
      } else if (service === 'unresolved') {
        report({ messageId: 'unresolved', unresolved: true, data, path: namePath });
      } else if (grant === 'unresolved') {
        report({ messageId: 'grantUnresolved', unresolved: true, data, path: [...ref.path, 'namespace'] });
      }
    }
  },
};
