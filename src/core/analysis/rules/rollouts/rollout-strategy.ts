import { has, int, intOrPercent, list, rec, Rec, rolloutView, ROLLOUT, str } from '../../../rollouts/model';
import type { FieldPath } from '../../../yaml/path';
import { ObjectReport, ObjectRule } from '../../types';

const C: FieldPath = ['spec', 'strategy', 'canary'];
const B: FieldPath = ['spec', 'strategy', 'blueGreen'];
const TR: FieldPath = [...C, 'trafficRouting'];

/**
 * Traffic routers that need both the canary and the stable Service (upstream
 * requireCanaryStableServices): all of them, except Istio with subsets and ping-pong, which uses
 * its own two Services.
 */
function needsBothServices(canary: Rec, tr: Rec): boolean {
  if (has(canary, 'pingPong')) return false;
  return !(has(tr, 'istio') && has(rec(tr.istio), 'destinationRule'));
}

export const rolloutStrategy: ObjectRule = {
  meta: {
    id: 'rollout-strategy',
    code: 'ML3001',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT],
    title: 'Rollout strategy the controller rejects',
    description:
      'The Argo Rollouts controller validates `spec.strategy` before it does anything (validation.go); a Rollout that fails stays `InvalidSpec` and never progresses. It needs exactly one of `canary` and `blueGreen`; the two Services of a strategy must differ; traffic routing needs both the canary and the stable Service; `maxSurge` and `maxUnavailable` cannot both be zero; `antiAffinity` takes exactly one of its two forms; `scaleDownDelaySeconds` and `dynamicStableScale` need traffic routing and exclude each other; `scaleDownDelayRevisionLimit` cannot exceed `revisionHistoryLimit` (default 10); ping-pong works with ALB only and needs `rootService`; Istio needs exactly one of `virtualService` and `virtualServices`, NGINX one of `stableIngress` and `stableIngresses`, ALB one of `ingress` and `ingresses`. Each message quotes the controller.',
    remediation: 'Change the field the message names as it says; the quoted controller message is what `kubectl argo rollouts lint` or the Rollout status would show.',
    messages: {
      missingStrategy: "Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen': add a canary or a blueGreen strategy.",
      multipleStrategies: 'Multiple Strategies can not be listed: a Rollout has either canary or blueGreen, not both.',
      sameCanary: 'This rollout uses the same service for the stable and canary services, but two different services are required. Both are "{name}".',
      sameBlueGreen: 'This rollout uses the same service for the active and preview services, but two different services are required. Both are "{name}".',
      samePingPong: 'This rollout uses the same service for the ping and pong services, but two different services are required. Both are "{name}".',
      pingPongMissing: 'Ping service and Pong service must to be set to use Ping-Pong feature: {field} is missing.',
      pingPongAlbOnly: 'Ping-pong feature works with the ALB traffic routing only (newer controllers also accept Istio).',
      albRootService: 'Root service field is required for the configuration with ALB and ping-pong feature enabled.',
      trafficRoutingServices: 'Canary service and Stable service must to be set to use Traffic Routing: {field} is missing.',
      maxSurgeZero: 'MaxSurge and MaxUnavailable both can not be zero: the rollout could neither add nor remove a pod.',
      antiAffinityOne: 'AntiAffinity must have exactly one strategy listed: {detail}.',
      antiAffinityWeight: 'AntiAffinity weight must be between 1-100, not {value}.',
      scaleDownDelayNoRouting: 'Canary scaleDownDelaySeconds can only be used with traffic routing.',
      dynamicNoRouting: 'Canary dynamicStableScale can only be used with traffic routing.',
      dynamicWithDelay: 'Canary dynamicStableScale cannot be used with scaleDownDelaySeconds.',
      maxTrafficWeight: 'Canary maxTrafficWeight in traffic routing only support in Nginx and Plugins.',
      revisionLimit:
        "This rollout's revision history limit can not be smaller than the rollout's scale down limit: scaleDownDelayRevisionLimit {limit} > revisionHistoryLimit {history}.",
      istioVirtualServices: 'either VirtualService or VirtualServices must be configured. {detail}',
      nginxIngresses: 'Either StableIngress or StableIngresses must be configured. {detail}',
      albIngresses: 'Either Ingress or Ingresses must be configured. {detail}',
    },
    upstream: [
      "Argo Rollouts: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'",
      'Argo Rollouts: Multiple Strategies can not be listed',
      'Argo Rollouts: This rollout uses the same service for the stable and canary services, but two different services are required.',
      'Argo Rollouts: MaxSurge and MaxUnavailable both can not be zero',
      'Argo Rollouts: AntiAffinity must have exactly one strategy listed',
      'Argo Rollouts: Canary service and Stable service must to be set to use Traffic Routing',
      "Argo Rollouts: This rollout's revision history limit can not be smaller than the rollout's scale down limit",
      'Argo Rollouts: either VirtualService or VirtualServices must be configured',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers: [{name: shop, image: shop:1}]\n  strategy:\n    canary:\n      maxSurge: 0\n      maxUnavailable: 0\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers: [{name: shop, image: shop:1}]\n  strategy:\n    canary:\n      maxSurge: 1\n      maxUnavailable: 0\n',
    },
  },
  check({ object, report }) {
    const { spec, canary, blueGreen, trafficRouting: tr } = rolloutView(object);
    const strategy = rec(spec.strategy);
    if (!canary && !blueGreen) {
      // A strategy written but unreadable is the schema rules' business.
      if (strategy && (has(strategy, 'canary') || has(strategy, 'blueGreen'))) return;
      report({
        messageId: 'missingStrategy',
        path: strategy ? ['spec', 'strategy'] : ['spec'],
        target: 'key',
      });
      return;
    }
    if (canary && blueGreen) {
      report({
        messageId: 'multipleStrategies',
        path: ['spec', 'strategy', 'blueGreen'],
        target: 'key',
      });
      return;
    }
    if (blueGreen) {
      const active = str(blueGreen.activeService);
      if (active && active === str(blueGreen.previewService))
        report({
          messageId: 'sameBlueGreen',
          data: { name: active },
          path: [...B, 'previewService'],
        });
      checkRevisionLimit(spec, blueGreen, B, report);
      checkAntiAffinity(blueGreen, B, report);
      return;
    }
    const c = canary!;
    checkMaxSurge(c, report);
    const canarySvc = str(c.canaryService);
    if (canarySvc && canarySvc === str(c.stableService))
      report({
        messageId: 'sameCanary',
        data: { name: canarySvc },
        path: [...C, 'stableService'],
      });
    const pingPong = rec(c.pingPong);
    if (has(c, 'pingPong')) {
      const pp: FieldPath = [...C, 'pingPong'];
      // Upstream's own e2e suite runs ping-pong with Istio (istio-host-split-ping-pong.yaml): newer controllers accept it.
      if (tr && !has(tr, 'alb') && !has(tr, 'istio')) report({ messageId: 'pingPongAlbOnly', path: [...pp], target: 'key' });
      const ping = str(pingPong?.pingService);
      const pong = str(pingPong?.pongService);
      if (!ping)
        report({
          messageId: 'pingPongMissing',
          data: { field: 'pingService' },
          path: pp,
          target: 'key',
        });
      if (!pong)
        report({
          messageId: 'pingPongMissing',
          data: { field: 'pongService' },
          path: pp,
          target: 'key',
        });
      if (ping && ping === pong)
        report({
          messageId: 'samePingPong',
          data: { name: ping },
          path: [...pp, 'pongService'],
        });
      if (tr && has(tr, 'alb') && !str(rec(tr.alb)?.rootService))
        report({
          messageId: 'albRootService',
          path: [...TR, 'alb'],
          target: 'key',
        });
    }
    if (tr && needsBothServices(c, tr)) {
      for (const field of ['stableService', 'canaryService'] as const) {
        if (!str(c[field]))
          report({
            messageId: 'trafficRoutingServices',
            data: { field },
            path: has(c, field) ? [...C, field] : [...C, 'trafficRouting'],
            target: 'key',
          });
      }
    }
    const delay = has(c, 'scaleDownDelaySeconds');
    const dynamic = c.dynamicStableScale === true;
    if (!tr) {
      if (delay)
        report({
          messageId: 'scaleDownDelayNoRouting',
          path: [...C, 'scaleDownDelaySeconds'],
          target: 'key',
        });
      if (dynamic)
        report({
          messageId: 'dynamicNoRouting',
          path: [...C, 'dynamicStableScale'],
          target: 'key',
        });
    } else {
      if (delay && dynamic)
        report({
          messageId: 'dynamicWithDelay',
          path: [...C, 'dynamicStableScale'],
          target: 'key',
        });
      if (has(tr, 'maxTrafficWeight') && !has(tr, 'nginx') && list(tr.plugins).length === 0 && !rec(tr.plugins)) {
        report({
          messageId: 'maxTrafficWeight',
          path: [...TR, 'maxTrafficWeight'],
          target: 'key',
        });
      }
      checkRouterConfig(tr, report);
    }
    checkAntiAffinity(c, C, report);
  },
};

type Report = (r: ObjectReport) => void;

function checkMaxSurge(canary: Rec, report: Report): void {
  // Defaults: maxSurge 25%, maxUnavailable 25% (utils/defaults); unreadable values are the schema's.
  const surge = has(canary, 'maxSurge') ? intOrPercent(canary.maxSurge) : 25;
  const unavailable = has(canary, 'maxUnavailable') ? intOrPercent(canary.maxUnavailable) : 25;
  if (surge === 0 && unavailable === 0) report({ messageId: 'maxSurgeZero', path: [...C, 'maxSurge'] });
}

function checkRevisionLimit(spec: Rec, blueGreen: Rec, base: FieldPath, report: Report): void {
  const limit = int(blueGreen.scaleDownDelayRevisionLimit);
  const history = int(spec.revisionHistoryLimit) ?? 10;
  if (limit !== undefined && history < limit) {
    report({
      messageId: 'revisionLimit',
      data: { limit, history },
      path: [...base, 'scaleDownDelayRevisionLimit'],
    });
  }
}

function checkAntiAffinity(strategy: Rec, base: FieldPath, report: Report): void {
  if (!has(strategy, 'antiAffinity')) return;
  const aa = rec(strategy.antiAffinity) ?? {};
  const path: FieldPath = [...base, 'antiAffinity'];
  const preferred = has(aa, 'preferredDuringSchedulingIgnoredDuringExecution');
  const required = has(aa, 'requiredDuringSchedulingIgnoredDuringExecution');
  if (preferred === required) {
    report({
      messageId: 'antiAffinityOne',
      data: {
        detail: preferred ? 'both preferred and required are set' : 'neither preferred nor required is set',
      },
      path,
      target: 'key',
    });
  }
  const weight = int(rec(aa.preferredDuringSchedulingIgnoredDuringExecution)?.weight);
  if (preferred && (weight === undefined || weight < 1 || weight > 100)) {
    report({
      messageId: 'antiAffinityWeight',
      data: { value: weight ?? 0 },
      path: weight === undefined ? [...path, 'preferredDuringSchedulingIgnoredDuringExecution'] : [...path, 'preferredDuringSchedulingIgnoredDuringExecution', 'weight'],
      target: weight === undefined ? 'key' : 'value',
    });
  }
}

/** The controller's one-of checks on the routers' own fields (ValidateRollout*Config). */
function checkRouterConfig(tr: Rec, report: Report): void {
  const oneOf = (router: string, single: string, multi: string, messageId: string) => {
    if (!has(tr, router)) return;
    const r = rec(tr[router]) ?? {};
    const one = router === 'istio' ? has(r, single) : !!str(r[single]);
    const many = list(r[multi]).length > 0;
    if (one && many)
      report({
        messageId,
        data: { detail: 'Both are configured.' },
        path: [...TR, router],
        target: 'key',
      });
    else if (!one && !many)
      report({
        messageId,
        data: { detail: 'Neither are configured.' },
        path: [...TR, router],
        target: 'key',
      });
  };
  oneOf('istio', 'virtualService', 'virtualServices', 'istioVirtualServices');
  oneOf('nginx', 'stableIngress', 'stableIngresses', 'nginxIngresses');
  oneOf('alb', 'ingress', 'ingresses', 'albIngresses');
}
