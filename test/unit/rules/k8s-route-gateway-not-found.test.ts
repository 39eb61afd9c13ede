import * as assert from 'node:assert/strict';
import { k8sRouteGatewayNotFound as rule } from '../../../src/core/analysis/rules/istio/gateway-api/k8s-route-gateway-not-found';
import { allFindings, applyFix, engineWith, span } from '../helpers/engine';
import { namespaceObject } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** A Route in `namespace` whose parentRef i is on line 8 + i; `    - {name: ` puts a name at column 14. */
const route = (parentRefs: string[], opts: { kind?: string; namespace?: string } = {}) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: ${opts.kind ?? 'HTTPRoute'}\nmetadata:\n  name: web\n  namespace: ${opts.namespace ?? 'bookinfo'}\nspec:\n  parentRefs:\n${parentRefs.map((p) => `    - ${p}\n`).join('')}  hostnames: [bookinfo.example.com]\n`;

/** A Gateway whose listener i is on line 9 + i. */
const gateway = (name: string, namespace: string, listeners: string[]) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  gatewayClassName: istio\n  listeners:\n${listeners.map((l) => `    - ${l}\n`).join('')}`;

const ALL = 'allowedRoutes: {namespaces: {from: All}}';
const PUBLIC = gateway('public', 'istio-ingress', [`{name: http, port: 80, protocol: HTTP, ${ALL}}`, `{name: https, port: 443, protocol: HTTPS, ${ALL}}`]);
const selectorGateway = (selector: string) => gateway('shared', 'istio-ingress', [`{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: ${selector}}}}`]);

testRule(rule, {
  valid: [
    {
      name: 'a Gateway that takes routes from all namespaces, by name, sectionName and port',
      files: { 'g.yaml': PUBLIC, 'r.yaml': route(['{name: public, namespace: istio-ingress}', '{name: public, namespace: istio-ingress, sectionName: https}', '{name: public, namespace: istio-ingress, port: 80}']) },
    },
    {
      name: 'a Gateway in the Route\'s namespace (from: Same, the default), with group and kind written out',
      files: { 'g.yaml': gateway('local', 'bookinfo', ['{name: http, port: 80, protocol: HTTP}']), 'r.yaml': route(['{group: gateway.networking.k8s.io, kind: Gateway, name: local}']) },
    },
    {
      name: 'a Selector matching the labels of the Namespace object',
      files: { 'g.yaml': selectorGateway('{matchLabels: {shared-gateway: "true"}}'), 'n.yaml': namespaceObject('bookinfo', { 'shared-gateway': '"true"' }), 'r.yaml': route(['{name: shared, namespace: istio-ingress}']) },
    },
    {
      name: 'a Selector on kubernetes.io/metadata.name, decided without the Namespace object',
      files: { 'g.yaml': selectorGateway('{matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [bookinfo, reviews]}]}'), 'r.yaml': route(['{name: shared, namespace: istio-ingress}']) },
    },
    {
      name: 'a Selector on other labels while the Namespace object is not in the workspace (undecided)',
      files: { 'g.yaml': selectorGateway('{matchLabels: {shared-gateway: "true"}}'), 'r.yaml': route(['{name: shared, namespace: istio-ingress}']) },
    },
    {
      name: 'one listener keeps the namespace out, another takes it',
      files: { 'g.yaml': gateway('mixed', 'istio-ingress', ['{name: internal, port: 8080, protocol: HTTP}', `{name: http, port: 80, protocol: HTTP, ${ALL}}`]), 'r.yaml': route(['{name: mixed, namespace: istio-ingress}']) },
    },
    {
      name: 'a GRPCRoute on an HTTPS listener, an HTTPRoute on a listener that lists it',
      files: {
        'g.yaml': gateway('grpc', 'bookinfo', ['{name: https, port: 443, protocol: HTTPS}', '{name: any, port: 8443, protocol: example.com/QUIC, allowedRoutes: {kinds: [{kind: HTTPRoute}]}}']),
        'r.yaml': route(['{name: grpc, sectionName: https}'], { kind: 'GRPCRoute' }),
        'r2.yaml': route(['{name: grpc, sectionName: any}']).replace('name: web', 'name: web2'),
      },
    },
    {
      name: 'parents that are not Gateway API Gateways (a Service, another group)',
      files: { 'r.yaml': route(['{group: "", kind: Service, name: reviews}', '{group: networking.istio.io, kind: Gateway, name: public}']) },
    },
  ],
  invalid: [
    {
      name: 'a misspelt name, an unknown name, a namespace with no Gateway in the workspace',
      files: { 'g.yaml': PUBLIC, 'r.yaml': route(['{name: pubilc, namespace: istio-ingress}', '{name: edge, namespace: istio-ingress}', '{name: public, namespace: istio-system}']) },
      expected: [
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[0].name'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[1].name'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[2].name'],
      ],
      at: ['r.yaml:8:14', 'r.yaml:9:14', 'r.yaml:10:14'],
    },
    {
      name: 'no namespace on a parentRef to a Gateway of another namespace',
      files: { 'g.yaml': PUBLIC, 'r.yaml': route(['{name: public}']) },
      expected: [['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[0].name']],
      at: ['r.yaml:8:14'],
    },
    {
      name: 'a sectionName and a port that no listener has',
      files: { 'g.yaml': PUBLIC, 'r.yaml': route(['{name: public, namespace: istio-ingress, sectionName: http2}', '{name: public, namespace: istio-ingress, port: 8080}', '{name: public, namespace: istio-ingress, sectionName: https, port: 80}']) },
      expected: [
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[0].sectionName'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[1].port'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[2].sectionName'],
      ],
      at: ['r.yaml:8:61', 'r.yaml:9:54', 'r.yaml:10:61'],
    },
    {
      name: 'listeners that keep the namespace out: Same (the default), a Selector the Namespace labels fail, a Selector on the name',
      files: {
        'g.yaml': `${gateway('same', 'istio-ingress', ['{name: http, port: 80, protocol: HTTP}'])}---\n${selectorGateway('{matchLabels: {shared-gateway: "true"}}')}---\n${gateway('named', 'istio-ingress', ['{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {kubernetes.io/metadata.name: shop}}}}}'])}`,
        'n.yaml': namespaceObject('bookinfo', { team: 'books' }),
        'r.yaml': route(['{name: same, namespace: istio-ingress}', '{name: shared, namespace: istio-ingress}', '{name: named, namespace: istio-ingress}']),
      },
      expected: [
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[0].name'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[1].name'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[2].name'],
      ],
      at: ['r.yaml:8:14', 'r.yaml:9:14', 'r.yaml:10:14'],
    },
    {
      name: 'listeners that do not take the Route\'s kind: TCP, and a kinds list without it',
      files: {
        'g.yaml': gateway('tcp', 'bookinfo', ['{name: tcp, port: 3306, protocol: TCP}', '{name: grpc-only, port: 443, protocol: HTTPS, allowedRoutes: {kinds: [{kind: GRPCRoute}]}}']),
        'r.yaml': route(['{name: tcp, sectionName: tcp}', '{name: tcp, port: 443}', '{name: tcp}']),
      },
      expected: [
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[0].name'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[1].name'],
        ['ML1170', 'HTTPRoute bookinfo/web', 'spec.parentRefs[2].name'],
      ],
      at: ['r.yaml:8:14', 'r.yaml:9:14', 'r.yaml:10:14'],
    },
    {
      name: 'a GRPCRoute to a missing Gateway',
      files: { 'g.yaml': PUBLIC, 'r.yaml': route(['{name: grpc, namespace: istio-ingress}'], { kind: 'GRPCRoute' }) },
      expected: [['ML1170', 'GRPCRoute bookinfo/web', 'spec.parentRefs[0].name']],
      at: ['r.yaml:8:14'],
    },
  ],
});

describe('ML1170 messages, ranges, severities and fixes', () => {
  const lint = (files: Record<string, string>) => allFindings(engineWith(files, [rule]));

  it('says what is missing or why the Gateway does not take the Route', () => {
    const found = lint({
      'g.yaml': `${PUBLIC}---\n${gateway('same', 'istio-ingress', ['{name: http, port: 80, protocol: HTTP}'])}---\n${gateway('tcp', 'bookinfo', ['{name: tcp, port: 3306, protocol: TCP}'])}`,
      'r.yaml': route([
        '{name: pubilc, namespace: istio-ingress}',
        '{name: edge, namespace: istio-ingress}',
        '{name: public, namespace: istio-system}',
        '{name: public}',
        '{name: public, namespace: istio-ingress, sectionName: admin, port: 9000}',
        '{name: same, namespace: istio-ingress}',
        '{name: tcp}',
      ]),
    });
    assert.deepEqual(
      found.map((f) => [f.message, f.severity, span(f)]),
      [
        ['Gateway istio-ingress/pubilc not found, so the HTTPRoute is not attached to it; did you mean "public"?', 'error', '8:14-8:20'],
        ['Gateway istio-ingress/edge not found, so the HTTPRoute is not attached to it.', 'error', '9:14-9:18'],
        ['Gateway istio-system/public is not defined in the workspace (no Gateway in namespace istio-system); it may be defined elsewhere.', 'warning', '10:14-10:20'],
        ["Gateway bookinfo/public not found: the parentRef has no namespace, so it names a Gateway in the HTTPRoute's own namespace; Gateway istio-ingress/public is in namespace istio-ingress.", 'error', '11:14-11:20'],
        ['Gateway istio-ingress/public has no listener named "admin" on port 9000, so the HTTPRoute is not attached to it.', 'error', '12:61-12:66'],
        ['The listeners of Gateway istio-ingress/same do not take routes from namespace bookinfo (allowedRoutes.namespaces.from: Same), so the HTTPRoute is not attached to it.', 'error', '13:14-13:18'],
        ['The listeners of Gateway bookinfo/tcp do not take HTTPRoutes (they take TCPRoute), so the HTTPRoute is not attached to it.', 'error', '14:14-14:17'],
      ],
    );
    assert.ok(found.every((f) => f.upstream.join() === 'KIA1401'));
  });

  it('points at the Gateway and the listeners that decided', () => {
    const [f] = lint({ 'g.yaml': gateway('same', 'istio-ingress', ['{name: http, port: 80, protocol: HTTP}', '{name: admin, port: 9000, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}']), 'r.yaml': route(['{name: same, namespace: istio-ingress}']) });
    assert.deepEqual(
      f.related.map((r) => [r.uri.slice(r.uri.lastIndexOf('/') + 1), span(r), r.message]),
      [
        ['g.yaml', '9:8-9:12', 'listener http of Gateway istio-ingress/same'],
        ['g.yaml', '10:49-10:62', 'listener admin of Gateway istio-ingress/same'],
      ],
    );
  });

  it('the suggested name, applied, resolves', () => {
    const text = route(['{name: pubilc, namespace: istio-ingress}']);
    const [f] = lint({ 'g.yaml': PUBLIC, 'r.yaml': text });
    assert.equal(f.fixes.length, 1);
    assert.equal(f.fixes[0].preferred, false);
    const fixed = applyFix(text, f.fixes[0]);
    assert.ok(fixed.includes('{name: public, namespace: istio-ingress}'));
    assert.deepEqual(lint({ 'g.yaml': PUBLIC, 'r.yaml': fixed }), []);
  });
});
