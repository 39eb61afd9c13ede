import type { K8sObject } from '../../../k8s/object';
import { at, findObject, list, missingRef, rec, ROLLOUT, str } from '../../../rollouts/model';
import type { FieldPath } from '../../../yaml/path';
import { ObjectRule } from '../../types';

const INGRESS = 'networking.k8s.io/Ingress';
const TR: FieldPath = ['spec', 'strategy', 'canary', 'trafficRouting'];

/** Upstream ingressutil.HasRuleWithService: some rule path of the Ingress has the Service as backend (v1 or v1beta1 form). */
function hasRuleWithService(ingress: K8sObject, service: string): boolean {
  return list(at(ingress.body, ['spec', 'rules'])).some((r) =>
    list(at(r, ['http', 'paths'])).some((p) => {
      const backend = rec(rec(p)?.backend);
      return str(rec(backend?.service)?.name) === service || str(backend?.serviceName) === service;
    }),
  );
}

export const rolloutIngress: ObjectRule = {
  meta: {
    id: 'rollout-ingress',
    code: 'ML3011',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT, INGRESS],
    title: 'NGINX or ALB Ingress the Rollout cannot use',
    description:
      'With NGINX traffic routing the controller copies `stableIngress` (or each of `stableIngresses`) into a canary Ingress that points at the canary Service; with ALB it rewrites the actions of `ingress` (or `ingresses`). Either way the Ingress must exist and have a rule whose backend is the stable Service (for ALB: `rootService` when set). Otherwise the controller stops with `ingress `x` has no rules using service y backend`. `kubectl argo rollouts lint` misses this when the Ingress routes elsewhere, because it only pairs Ingresses that already route to the stable Service; the controller does not. An Ingress in a namespace where the workspace has none is probably defined elsewhere: the `meshlens.references.unresolved` setting decides how that is reported.',
    remediation: "Point the Ingress rule's backend at the stable Service (or the ALB root Service), or name the Ingress that does.",
    messages: {
      missing: 'Ingress "{name}" not found in namespace {namespace}{hint}: ingress.networking.k8s.io "{name}" not found.',
      noBackend: 'ingress `{name}` has no rules using service {service} backend: {router} shifts traffic by {how}, so a rule must send traffic to {service}.',
    },
    upstream: ['Argo Rollouts: ingress `x` has no rules using service y backend', 'Argo Rollouts: ingress.networking.k8s.io "x" not found'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      canaryService: shop-canary\n      stableService: shop-stable\n      trafficRouting:\n        nginx:\n          stableIngress: shop\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: shop, port: {number: 80}}\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      canaryService: shop-canary\n      stableService: shop-stable\n      trafficRouting:\n        nginx:\n          stableIngress: shop\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: shop-stable, port: {number: 80}}\n',
    },
  },
  check({ object, workspace, report }) {
    const tr = rec(at(object.body, TR));
    if (!tr) return;
    const canary = rec(at(object.body, ['spec', 'strategy', 'canary'])) ?? {};
    const refs: Array<{ name: string; path: FieldPath; service: string; router: string; how: string }> = [];
    const add = (router: 'nginx' | 'alb', single: string, multi: string, service: string | undefined, how: string) => {
      const r = rec(tr[router]);
      if (!r || !service) return;
      const one = str(r[single]);
      if (one) refs.push({ name: one, path: [...TR, router, single], service, router: router === 'nginx' ? 'NGINX' : 'ALB', how });
      list(r[multi]).forEach(
        (n, i) => typeof n === 'string' && n && refs.push({ name: n, path: [...TR, router, multi, i], service, router: router === 'nginx' ? 'NGINX' : 'ALB', how }),
      );
    };
    add('nginx', 'stableIngress', 'stableIngresses', str(canary.stableService), 'copying this Ingress for the canary');
    add('alb', 'ingress', 'ingresses', str(rec(tr.alb)?.rootService) ?? str(canary.stableService), 'rewriting the actions of this Ingress');
    if (refs.length === 0) return;
    for (const ref of refs) {
      const ingress = findObject(workspace, INGRESS, object.namespace, ref.name);
      if (!ingress) {
        const miss = missingRef(workspace, INGRESS, object.namespace, ref.name);
        report({
          messageId: 'missing',
          data: { name: ref.name, namespace: object.namespace, hint: miss.hint },
          path: ref.path,
          unresolved: miss.unresolved,
        });
        continue;
      }
      if (!hasRuleWithService(ingress, ref.service)) {
        report({
          messageId: 'noBackend',
          data: { name: ref.name, service: ref.service, router: ref.router, how: ref.how },
          path: ref.path,
          related: [{ object: ingress, path: ['spec', 'rules'], message: `the rules of Ingress ${ingress.ref}`, target: 'key' }],
        });
      }
    }
  },
};
