import { isRecord } from '../../../k8s/object';
import { has, resolvePattern } from '../../../istio/pattern';
import { FieldPath } from '../../../yaml/path';
import { ObjectRule } from '../../types';

const nonEmptyList = (v: unknown) => Array.isArray(v) && v.length > 0;

/** A short place to point at: the first key of the route (a whole route spans many lines). */
function firstKey(path: FieldPath, route: Record<string, unknown>): { path: FieldPath; target: 'key' } {
  const key = Object.keys(route)[0];
  return key === undefined ? { path, target: 'key' } : { path: [...path, key], target: 'key' };
}

export const missingRouteAction: ObjectRule = {
  meta: {
    id: 'missing-route-action',
    code: 'ML0027',
    severity: 'error',
    scope: 'object',
    kinds: ['networking.istio.io/VirtualService'],
    title: 'Route without a destination',
    description:
      'An HTTP route of a VirtualService that neither routes (`route` with destinations), redirects (`redirect`), answers (`directResponse`) nor delegates (`delegate`); a TCP or TLS route without `route`; a TLS route without `match`. Every field is optional in the schema, so the schema is satisfied, but istiod\'s webhook rejects the object ("HTTP route, redirect or direct_response is required", "TCP route is required").',
    remediation: 'Add the destinations under `route` (or a `redirect` or `directResponse`); a route that only matches does nothing.',
    messages: {
      http: 'This HTTP route has no action: add route (destinations), redirect, directResponse or delegate ("HTTP route, redirect or direct_response is required").',
      tcp: 'This TCP route has no destinations: add route ("TCP route is required").',
      tls: 'This TLS route has no destinations: add route ("TLS route is required").',
      tlsMatch: 'A TLS route needs a match with sniHosts ("TLS route must have at least one match condition").',
    },
    upstream: ['istiod webhook: HTTP route, redirect or direct_response is required', 'istiod webhook: TCP route is required; TLS route is required; TLS route must have at least one match condition'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - match:\n        - uri:\n            prefix: /v2\n    - route:\n        - destination:\n            host: reviews\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - match:\n        - uri:\n            prefix: /v2\n      route:\n        - destination:\n            host: reviews\n            subset: v2\n    - route:\n        - destination:\n            host: reviews\n',
    },
  },
  check({ object, report }) {
    for (const { path, value } of resolvePattern(object.body, 'spec.http[]')) {
      if (!isRecord(value)) continue;
      if (nonEmptyList(value.route) || has(value, 'redirect') || has(value, 'directResponse') || has(value, 'delegate')) continue;
      report({ messageId: 'http', ...firstKey(path, value) });
    }
    for (const kind of ['tcp', 'tls'] as const) {
      for (const { path, value } of resolvePattern(object.body, `spec.${kind}[]`)) {
        if (!isRecord(value)) continue;
        if (kind === 'tls' && !nonEmptyList(value.match)) report({ messageId: 'tlsMatch', ...firstKey(path, value) });
        if (!nonEmptyList(value.route)) report({ messageId: kind, ...firstKey(path, value) });
      }
    }
  },
};
