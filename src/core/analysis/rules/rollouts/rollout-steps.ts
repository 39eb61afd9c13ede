import { has, int, list, rec, Rec, rolloutView, ROLLOUT, str } from '../../../rollouts/model';
import type { FieldPath } from '../../../yaml/path';
import { ObjectReport, ObjectRule } from '../../types';

const C: FieldPath = ['spec', 'strategy', 'canary'];
const ACTIONS = ['setWeight', 'pause', 'experiment', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin'];
/** The actions upstream counts when it forbids two in one step (hasMultipleStepsType). */
const EXCLUSIVE = ['setWeight', 'pause', 'experiment', 'analysis'];

/** What `fieldpath.ExtractFieldPathAsString` can read from a Rollout's metadata (the downward API's fields). */
const DOWNWARD = /^metadata\.(name|namespace|uid|labels|annotations)$|^metadata\.(labels|annotations)\[(['"]?)[^\]'"]+\3\]$/;

type Report = (r: ObjectReport) => void;

export const rolloutSteps: ObjectRule = {
  meta: {
    id: 'rollout-steps',
    code: 'ML3003',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT],
    title: 'Canary step the controller rejects',
    description:
      'Each canary step does one thing (`setWeight`, `pause`, `experiment`, `analysis`, `setCanaryScale`, `setHeaderRoute`, `setMirrorRoute`). The controller rejects a step with none or several of them, a `setWeight` outside 0 to the maximum weight (100 unless `trafficRouting.maxTrafficWeight` says otherwise), `setCanaryScale` and experiment weights without traffic routing, header and mirror routes without a router that supports them or without a `managedRoutes` entry of that name, match values that are not exactly one of `exact`, `regex` and `prefix`, and analysis arguments whose `fieldRef` reads metadata the downward API does not offer. A background analysis whose `startingStep` is past the last step never runs.',
    remediation: 'Split the step, bring the weight into range, add `trafficRouting` (and the route to `managedRoutes`), or fix the argument as the message says.',
    messages: {
      noAction: 'Step must have one of the following set: experiment, setWeight, setCanaryScale or pause (this step has none).',
      multipleActions: 'Step must have one of the following set: experiment, setWeight, setCanaryScale or pause ({actions} are in one step; split them into separate steps).',
      setWeight: 'SetWeight needs to be between 0 and {max}, not {value}.',
      canaryScaleNoRouting: 'SetCanaryScale requires TrafficRouting to be set: without it the canary weight is the share of pods, so the scale cannot be set apart from it.',
      canaryScaleSeveral: 'setCanaryScale sets {fields}: the controller uses only {used} (matchTrafficWeight first, then replicas, then weight).',
      canaryScaleWeight: 'setCanaryScale weight {value} is outside 0-100: it is a percentage of spec.replicas.',
      headerRouteRouter: 'SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix.',
      mirrorRouteRouter: 'SetMirrorRoute requires TrafficRouting, supports Istio only.',
      missingManagedRoutes: 'Rollout has missing field \'spec.strategy.canary.trafficRouting.managedRoutes\': list the route "{name}" there.',
      routeNotManaged: 'Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes: "{name}"{hint}.',
      matchMissing: 'StringMatch value missed, match value must have one of the following: exact, regex, prefix.',
      matchMultiple: 'StringMatch match value must have exactly one of the following: exact, regex, prefix (found {found}).',
      albExactOnly: "SetHeaderRoute match value invalid. ALB supports 'exact' value only.",
      experimentWeightNoRouting: 'Experiment template weight cannot be set unless TrafficRouting is enabled.',
      experimentWeightRouter: 'Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time.',
      fieldRef:
        "Analyses arguments must refer to valid object metadata supported by downwardAPI: \"{path}\" is not one of metadata.name, metadata.namespace, metadata.uid, metadata.labels['key'], metadata.annotations['key'].",
      startingStep: 'analysis.startingStep is {value} but the rollout has {count} steps: the background analysis would never start.',
    },
    upstream: [
      'Argo Rollouts: Step must have one of the following set: experiment, setWeight, setCanaryScale or pause',
      'Argo Rollouts: SetWeight needs to be between 0 and 100',
      'Argo Rollouts: SetCanaryScale requires TrafficRouting to be set',
      'Argo Rollouts: Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes',
      'Argo Rollouts: StringMatch value missed, match value must have one of the following: exact, regex, prefix',
      'Argo Rollouts: Experiment template weight cannot be set unless TrafficRouting is enabled',
      'Argo Rollouts: Analyses arguments must refer to valid object metadata supported by downwardAPI',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 120\n      - pause: {}\n',
      valid: 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - pause: {}\n',
    },
  },
  check({ object, report }) {
    const { canary, trafficRouting: tr, steps } = rolloutView(object);
    if (!canary) return;
    const maxWeight = int(tr?.maxTrafficWeight) ?? 100;
    const managed = list(tr?.managedRoutes).map((r) => str(rec(r)?.name));
    steps.forEach((raw, i) => {
      const step = rec(raw);
      const path: FieldPath = [...C, 'steps', i];
      if (!step) return;
      const present = ACTIONS.filter((a) => has(step, a));
      if (present.length === 0) {
        report({ messageId: 'noAction', path });
        return;
      }
      const exclusive = EXCLUSIVE.filter((a) => has(step, a));
      if (exclusive.length > 1)
        report({
          messageId: 'multipleActions',
          data: { actions: exclusive.join(' and ') },
          path: [...path, exclusive[1]],
          target: 'key',
        });
      const weight = int(step.setWeight);
      if (weight !== undefined && (weight < 0 || weight > maxWeight))
        report({
          messageId: 'setWeight',
          data: { max: maxWeight, value: weight },
          path: [...path, 'setWeight'],
        });
      if (has(step, 'setCanaryScale') && !tr)
        report({
          messageId: 'canaryScaleNoRouting',
          path: [...path, 'setCanaryScale'],
          target: 'key',
        });
      const scale = rec(step.setCanaryScale);
      if (scale) checkCanaryScale(scale, [...path, 'setCanaryScale'], report);
      if (has(step, 'setHeaderRoute')) checkHeaderRoute(rec(step.setHeaderRoute) ?? {}, [...path, 'setHeaderRoute'], tr, report);
      if (has(step, 'setMirrorRoute')) checkMirrorRoute(rec(step.setMirrorRoute) ?? {}, [...path, 'setMirrorRoute'], tr, report);
      for (const kind of ['setHeaderRoute', 'setMirrorRoute'] as const) {
        if (!has(step, kind) || !tr) continue;
        const name = str(rec(step[kind])?.name) ?? '';
        if (!has(tr, 'managedRoutes'))
          report({
            messageId: 'missingManagedRoutes',
            data: { name },
            path: [...path, kind],
            target: 'key',
          });
        else if (!managed.includes(name)) {
          const known = managed.filter((m): m is string => !!m);
          report({
            messageId: 'routeNotManaged',
            data: {
              name,
              hint: known.length ? ` (managed routes: ${known.join(', ')})` : '',
            },
            path: [...path, kind, 'name'],
          });
        }
      }
      const experiment = rec(step.experiment);
      list(experiment?.templates).forEach((t, j) => {
        if (!has(rec(t), 'weight')) return;
        const wpath: FieldPath = [...path, 'experiment', 'templates', j, 'weight'];
        if (!tr) report({ messageId: 'experimentWeightNoRouting', path: wpath });
        else if (!['alb', 'smi', 'istio', 'plugins'].some((k) => has(tr, k))) report({ messageId: 'experimentWeightRouter', path: wpath });
      });
      list(experiment?.analyses).forEach((a, j) => checkArgs(rec(a)?.args, [...path, 'experiment', 'analyses', j, 'args'], report));
      checkArgs(rec(step.analysis)?.args, [...path, 'analysis', 'args'], report);
    });
    const analysis = rec(canary.analysis);
    const starting = int(analysis?.startingStep);
    if (starting !== undefined && starting > steps.length) {
      report({
        messageId: 'startingStep',
        severity: 'warning',
        data: { value: starting, count: steps.length },
        path: [...C, 'analysis', 'startingStep'],
      });
    }
  },
};

/** The controller reads one of the three (GetCanaryReplicasOrWeight): say which when several are set. */
function checkCanaryScale(scale: Rec, path: FieldPath, report: Report): void {
  const set = ['matchTrafficWeight', 'replicas', 'weight'].filter((k) => (k === 'matchTrafficWeight' ? scale[k] === true : has(scale, k)));
  if (set.length > 1) report({ messageId: 'canaryScaleSeveral', severity: 'warning', data: { fields: set.join(' and '), used: set[0] }, path: [...path, set[1]], target: 'key' });
  const weight = int(scale.weight);
  if (weight !== undefined && (weight < 0 || weight > 100)) report({ messageId: 'canaryScaleWeight', severity: 'warning', data: { value: weight }, path: [...path, 'weight'] });
}

function checkHeaderRoute(route: Rec, path: FieldPath, tr: Rec | undefined, report: Report): void {
  if (!tr || !['istio', 'alb', 'apisix', 'plugins'].some((k) => has(tr, k))) {
    report({ messageId: 'headerRouteRouter', path, target: 'key' });
    return;
  }
  list(route.match).forEach((m, j) => {
    const value = rec(m)?.headerValue;
    const mpath: FieldPath = [...path, 'match', j];
    if (has(tr, 'alb')) {
      const v = rec(value);
      if (!has(rec(m), 'headerValue')) report({ messageId: 'matchMissing', path: mpath });
      else if (!str(v?.exact) || str(v?.regex) || str(v?.prefix))
        report({
          messageId: 'albExactOnly',
          path: [...mpath, 'headerValue'],
          target: 'key',
        });
    } else checkStringMatch(value, has(rec(m), 'headerValue') ? [...mpath, 'headerValue'] : mpath, report);
  });
}

function checkMirrorRoute(route: Rec, path: FieldPath, tr: Rec | undefined, report: Report): void {
  if (!tr || !has(tr, 'istio')) report({ messageId: 'mirrorRouteRouter', path, target: 'key' });
  list(route.match).forEach((m, j) => {
    const match = rec(m) ?? {};
    for (const field of ['method', 'path']) if (has(match, field)) checkStringMatch(match[field], [...path, 'match', j, field], report);
  });
}

function checkStringMatch(value: unknown, path: FieldPath, report: Report): void {
  const v = rec(value);
  const found = ['exact', 'regex', 'prefix'].filter((k) => !!str(v?.[k]));
  if (found.length === 0) report({ messageId: 'matchMissing', path, target: 'key' });
  else if (found.length > 1)
    report({
      messageId: 'matchMultiple',
      data: { found: found.join(', ') },
      path,
      target: 'key',
    });
}

function checkArgs(args: unknown, path: FieldPath, report: Report): void {
  list(args).forEach((a, k) => {
    const fieldPath = str(rec(rec(rec(a)?.valueFrom)?.fieldRef)?.fieldPath);
    if (fieldPath && fieldPath.startsWith('metadata') && !DOWNWARD.test(fieldPath)) {
      report({
        messageId: 'fieldRef',
        data: { path: fieldPath },
        path: [...path, k, 'valueFrom', 'fieldRef', 'fieldPath'],
      });
    }
  });
}
