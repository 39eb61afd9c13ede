import * as assert from 'node:assert/strict';
import { k8sRouteServiceNotFound as rule } from '../../../src/core/analysis/rules/istio/gateway-api/k8s-route-service-not-found';
import { allFindings, applyFix, engineWith, span } from '../helpers/engine';
import { service } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** A Route in bookinfo whose backendRef i is on line 10 + i; `        - {name: ` puts a name at column 18. */
const route = (backends: string[], opts: { kind?: string; parentRefs?: string; more?: string } = {}) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: ${opts.kind ?? 'HTTPRoute'}\nmetadata:\n  name: web\n  namespace: bookinfo\nspec:\n  parentRefs: ${opts.parentRefs ?? '[{name: public, namespace: istio-ingress}]'}\n  rules:\n    - backendRefs:\n${backends.map((b) => `        - ${b}\n`).join('')}${opts.more ?? ''}`;

const grant = (namespace: string, from: { kind?: string; namespace?: string } = {}, toName?: string) =>
  `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: from-bookinfo\n  namespace: ${namespace}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: ${from.kind ?? 'HTTPRoute'}, namespace: ${from.namespace ?? 'bookinfo'}}]\n  to: [{group: "", kind: Service${toName ? `, name: ${toName}` : ''}}]\n`;

const SERVICES = [service('reviews', { namespace: 'bookinfo' }), service('ratings', { namespace: 'bookinfo' }), service('details', { namespace: 'shared' }), service('auth', { namespace: 'shared' })].join('---\n');

testRule(rule, {
  valid: [
    {
      name: 'Services of the Route\'s namespace, with the default and the written-out group and kind',
      files: { 's.yaml': SERVICES, 'r.yaml': route(['{name: reviews, port: 9080, weight: 90}', '{group: "", kind: Service, name: ratings, port: 9080, weight: 10}']) },
    },
    {
      name: 'Services of another namespace with a ReferenceGrant for all Services, or for that one',
      files: { 's.yaml': SERVICES, 'g.yaml': `${grant('shared', {}, 'details')}---\n${grant('shared').replace('from-bookinfo', 'all')}`, 'r.yaml': route(['{name: details, namespace: shared, port: 9080}', '{name: auth, namespace: shared, port: 9080}']) },
    },
    {
      name: 'mirrors on the rule and on a backendRef',
      files: {
        's.yaml': SERVICES,
        'r.yaml': route(['{name: reviews, port: 9080, filters: [{type: RequestMirror, requestMirror: {backendRef: {name: ratings, port: 9080}}}]}'], {
          more: '      filters:\n        - type: RequestMirror\n          requestMirror:\n            backendRef: {name: reviews, port: 9080}\n',
        }),
      },
    },
    {
      name: 'backends of other kinds (Istio Hostname) are not Services',
      files: { 's.yaml': SERVICES, 'r.yaml': route(['{group: networking.istio.io, kind: Hostname, name: api.example.com, port: 443}']) },
    },
    {
      name: 'a GRPCRoute granted as a GRPCRoute',
      files: { 's.yaml': SERVICES, 'g.yaml': grant('shared', { kind: 'GRPCRoute' }), 'r.yaml': route(['{name: details, namespace: shared, port: 9080}'], { kind: 'GRPCRoute' }) },
    },
    {
      name: 'a parentRef to a Service of another namespace needs no ReferenceGrant',
      files: { 's.yaml': SERVICES, 'r.yaml': route(['{name: reviews, port: 9080}'], { parentRefs: '[{group: "", kind: Service, name: details, namespace: shared}]' }) },
    },
  ],
  invalid: [
    {
      name: 'a misspelt name, an unknown name, a namespace with no Service in the workspace, a host name',
      files: { 's.yaml': SERVICES, 'r.yaml': route(['{name: reviewz, port: 9080}', '{name: productpage, port: 9080}', '{name: reviews, namespace: other, port: 9080}', '{name: reviews.bookinfo.svc.cluster.local, port: 9080}']) },
      expected: [
        ['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].backendRefs[0].name'],
        ['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].backendRefs[1].name'],
        ['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].backendRefs[2].name'],
        ['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].backendRefs[3].name'],
      ],
      at: ['r.yaml:10:18', 'r.yaml:11:18', 'r.yaml:12:18', 'r.yaml:13:18'],
    },
    {
      name: 'ReferenceGrants that do not cover the reference: another kind, another namespace, another Service',
      files: {
        's.yaml': SERVICES,
        'g.yaml': `${grant('shared', { kind: 'GRPCRoute' })}---\n${grant('shared', { namespace: 'shop' }).replace('from-bookinfo', 'from-shop')}---\n${grant('shared', {}, 'auth').replace('from-bookinfo', 'auth-only')}`,
        'r.yaml': route(['{name: details, namespace: shared, port: 9080}']),
      },
      expected: [['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].backendRefs[0].namespace']],
      at: ['r.yaml:10:38'],
    },
    {
      name: 'no ReferenceGrant in the Service\'s namespace at all',
      files: { 's.yaml': SERVICES, 'r.yaml': route(['{name: details, namespace: shared, port: 9080}']) },
      expected: [['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].backendRefs[0].namespace']],
      at: ['r.yaml:10:38'],
    },
    {
      name: 'mirrors (on a backendRef, on the rule) and a Service parentRef to missing Services',
      files: {
        's.yaml': SERVICES,
        'r.yaml': route(['{name: reviews, port: 9080, filters: [{type: RequestMirror, requestMirror: {backendRef: {name: shadow2, port: 9080}}}]}'], { parentRefs: '[{group: "", kind: Service, name: detail, namespace: shared}]', more: '      filters:\n        - type: RequestMirror\n          requestMirror:\n            backendRef: {name: shadow, port: 9080}\n' }),
      },
      expected: [
        ['ML1171', 'HTTPRoute bookinfo/web', 'spec.parentRefs[0].name'],
        ['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].backendRefs[0].filters[0].requestMirror.backendRef.name'],
        ['ML1171', 'HTTPRoute bookinfo/web', 'spec.rules[0].filters[0].requestMirror.backendRef.name'],
      ],
      at: ['r.yaml:7:49', 'r.yaml:10:106', 'r.yaml:14:32'],
    },
    {
      name: 'a GRPCRoute with a grant for HTTPRoutes only',
      files: { 's.yaml': SERVICES, 'g.yaml': grant('shared'), 'r.yaml': route(['{name: details, namespace: shared, port: 9080}'], { kind: 'GRPCRoute' }) },
      expected: [['ML1171', 'GRPCRoute bookinfo/web', 'spec.rules[0].backendRefs[0].namespace']],
      at: ['r.yaml:10:38'],
    },
  ],
});

describe('ML1171 messages, ranges, severities and fixes', () => {
  const lint = (files: Record<string, string>) => allFindings(engineWith(files, [rule]));

  it('says what is missing, or which grant', () => {
    const found = lint({
      's.yaml': SERVICES,
      'g.yaml': grant('shared', { kind: 'GRPCRoute' }),
      'r.yaml': route([
        '{name: reviewz, port: 9080}',
        '{name: productpage, port: 9080}',
        '{name: reviews, namespace: other, port: 9080}',
        '{name: reviews.bookinfo.svc.cluster.local, port: 9080}',
        '{name: details, namespace: shared, port: 9080}',
        '{name: cache, namespace: redis, port: 6379}',
      ]),
    });
    assert.deepEqual(
      found.map((f) => [f.message, f.severity, span(f)]),
      [
        ['Service bookinfo/reviewz not found; did you mean "reviews"?', 'error', '10:18-10:25'],
        ['Service bookinfo/productpage not found.', 'error', '11:18-11:29'],
        ['Service other/reviews is not defined in the workspace (no Service in namespace other); it may be defined elsewhere.', 'warning', '12:18-12:25'],
        ['"reviews.bookinfo.svc.cluster.local" is a host name, not a Service name: a reference names the Service (reviews) and its namespace.', 'error', '13:18-13:52'],
        ['No ReferenceGrant in namespace shared lets HTTPRoutes from namespace bookinfo refer to Service details, so the reference is refused.', 'error', '14:38-14:44'],
        ['Service redis/cache is not defined in the workspace (no Service in namespace redis); it may be defined elsewhere.', 'warning', '15:18-15:23'],
      ],
    );
    assert.ok(found.every((f) => f.upstream.join() === 'KIA1402'));
  });

  it('a Service of another namespace without any ReferenceGrant there: a warning, as the grant may be elsewhere', () => {
    const found = lint({ 's.yaml': SERVICES, 'r.yaml': route(['{name: details, namespace: shared, port: 9080}']) });
    assert.deepEqual(
      found.map((f) => [f.message, f.severity]),
      [['Service shared/details is in another namespace and no ReferenceGrant of namespace shared is in the workspace; without one that lets HTTPRoutes from bookinfo refer to it, the reference is refused.', 'warning']],
    );
  });

  it('the suggested name, applied, resolves', () => {
    const text = route(['{name: reviewz, port: 9080}']);
    const [f] = lint({ 's.yaml': SERVICES, 'r.yaml': text });
    assert.equal(f.fixes.length, 1);
    assert.equal(f.fixes[0].preferred, false);
    assert.deepEqual(lint({ 's.yaml': SERVICES, 'r.yaml': applyFix(text, f.fixes[0]) }), []);
  });
});
