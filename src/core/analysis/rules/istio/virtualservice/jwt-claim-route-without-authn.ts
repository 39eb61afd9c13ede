import { isRecord } from '../../../../k8s/object';
import { GATEWAY, matchLabelsOf, selectedWorkloads, selects, VIRTUAL_SERVICE, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { gatewaysOf, pushTo, resolveGateway, specOf } from '../../../../istio/routes';
import type { FieldPath } from '../../../../yaml/path';
import { ObjectRule, groupKindOf } from '../../../types';

const REQUEST_AUTHENTICATION = 'security.istio.io/RequestAuthentication';
const ROOT_NAMESPACE = 'istio-system';
const CLAIM_PREFIX = '@request.auth.claims';

const example = (withAuthn: boolean) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
spec:
  hosts: [api.example.com]
  gateways: [istio-system/public]
  http:
    - match:
        - headers:
            "@request.auth.claims.groups": {exact: beta}
      route:
        - destination: {host: api-beta}
    - route:
        - destination: {host: api}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public
  namespace: istio-system
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [api.example.com]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec:
      containers: [{name: istio-proxy, image: auto}]
${
  withAuthn
    ? `---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
  namespace: istio-system
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  jwtRules:
    - issuer: https://issuer.example.com
      jwksUri: https://issuer.example.com/jwks.json
`
    : ''
}`;

export const jwtClaimRouteWithoutAuthn: ObjectRule = {
  meta: {
    id: 'jwt-claim-route-without-authn',
    code: 'ML1014',
    severity: 'error',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE, GATEWAY, REQUEST_AUTHENTICATION, ...WORKLOAD_GROUP_KINDS],
    title: 'JWT-claim route without a RequestAuthentication on the gateway',
    description:
      'A VirtualService bound to a gateway routes on `@request.auth.claims.*` headers, but no RequestAuthentication (in the gateway workload\'s namespace or the root namespace `istio-system`) selects the gateway\'s pods. Claims exist only after a RequestAuthentication validated the token, so the claim match never holds and those routes are dead. The gateway\'s pods are found through the pod templates of the workloads in the workspace.',
    remediation: 'Add a RequestAuthentication whose selector matches the gateway workload (with the issuer of the tokens), in its namespace or in `istio-system`.',
    messages: {
      noAuthn: 'Routes on JWT claim "{claim}" through {gateway}, but no RequestAuthentication applies to its workload {workloads}: the claim is never set.',
    },
    upstream: ['IST0149 (JwtClaimBasedRoutingWithoutRequestAuthN; istioctl virtualservice.JWTClaimRouteAnalyzer)'],
    fixable: false,
    examples: { invalid: example(false), valid: example(true) },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== VIRTUAL_SERVICE) return;
    const claim = claimMatch(object.body);
    if (!claim) return;
    const authn = workspace.derived('istio.requestAuthn.byNamespace', [REQUEST_AUTHENTICATION], (of) => {
      const out = new Map<string, Array<Record<string, string>>>();
      for (const ra of of(REQUEST_AUTHENTICATION)) pushTo(out, ra.namespace, matchLabelsOf(specOf(ra).selector) ?? {});
      return out;
    });
    for (const { ref, index } of gatewaysOf(object)) {
      const gw = resolveGateway(workspace, ref, object.namespace)?.found[0];
      const selector = gw && isRecord(specOf(gw).selector) ? (specOf(gw).selector as Record<string, unknown>) : undefined;
      if (!gw || !selector || !Object.keys(selector).length) continue;
      const labels = Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)]));
      const uncovered = selectedWorkloads(workspace, labels, undefined).filter(
        (w) => ![...(authn.get(ROOT_NAMESPACE) ?? []), ...(w.namespace === ROOT_NAMESPACE ? [] : (authn.get(w.namespace) ?? []))].some((s) => selects(s, w.labels)),
      );
      if (!uncovered.length) continue;
      report({
        messageId: 'noAuthn',
        data: { claim: claim.key, gateway: gw.ref, workloads: uncovered.map((w) => w.object.ref).join(', ') },
        path: claim.path,
        target: 'key',
        related: [{ object: gw, path: ['spec', 'selector'], message: `${gw.ref} (gateways[${index}]) selects ${uncovered[0].object.ref}` }],
      });
    }
  },
};

/** The first `@request.auth.claims.*` header match of the http rules, with where it is. */
function claimMatch(body: Record<string, unknown>): { key: string; path: FieldPath } | undefined {
  const spec = isRecord(body.spec) ? body.spec : {};
  const http = Array.isArray(spec.http) ? spec.http : [];
  for (let i = 0; i < http.length; i++) {
    const rule = http[i];
    if (!isRecord(rule) || !Array.isArray(rule.match)) continue;
    for (let j = 0; j < rule.match.length; j++) {
      const m = rule.match[j];
      if (!isRecord(m)) continue;
      for (const field of ['headers', 'withoutHeaders'] as const) {
        const h = m[field];
        if (!isRecord(h)) continue;
        const key = Object.keys(h).find((k) => k.startsWith(CLAIM_PREFIX));
        if (key) return { key, path: ['spec', 'http', i, 'match', j, field, key] };
      }
    }
  }
  return undefined;
}
