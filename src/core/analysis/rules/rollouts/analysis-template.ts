import { argDecls, argPlaceholders, intOrArg } from '../../../rollouts/analysis';
import { ANALYSIS_TEMPLATE, closest, CLUSTER_ANALYSIS_TEMPLATE, has, list, rec, str } from '../../../rollouts/model';
import type { FieldPath } from '../../../yaml/path';
import { ObjectRule } from '../../types';

export const analysisTemplate: ObjectRule = {
  meta: {
    id: 'analysis-template',
    code: 'ML3007',
    severity: 'error',
    scope: 'object',
    kinds: [ANALYSIS_TEMPLATE, CLUSTER_ANALYSIS_TEMPLATE],
    title: 'AnalysisTemplate the analysis controller rejects',
    description:
      'The API server accepts an AnalysisTemplate that the analysis controller later refuses to run: the AnalysisRun made from it fails at once ("Analysis spec invalid"), and the Rollout using it aborts. Each metric needs exactly one provider, unique names, an `interval` when `count` is above 1, limits that are not negative (`failureLimit` may be -1 to disable it) and a `count` of at least `failureLimit + consecutiveSuccessLimit`. Every `{{args.x}}` placeholder must name an argument of `spec.args`, and an argument cannot have both `value` and `valueFrom`.',
    remediation: 'Fix the metric as the message says; declare the argument under `spec.args` (without a value, the Rollout must supply it).',
    messages: {
      duplicateName: "metrics[{index}]: duplicate name '{name}'.",
      noProvider: 'metrics[{index}]: no provider specified: add one of prometheus, web, job, datadog, newRelic, … under provider.',
      multipleProviders: 'metrics[{index}]: multiple providers specified ({providers}): a metric queries exactly one.',
      intervalRequired: 'metrics[{index}]: interval must be specified when count > 1 (count is {count}).',
      countTooLow:
        'metrics[{index}]: count ({count}) must be >= failureLimit + consecutiveSuccessLimit ({failure} + {success}) if both >= 0: the metric can never reach its limit.',
      inconclusiveTooHigh: 'metrics[{index}]: count ({count}) must be >= inconclusiveLimit ({inconclusive}).',
      failureLimit: 'metrics[{index}]: failureLimit must be >= 0, or -1 to be disabled (it is {value}).',
      negative: 'metrics[{index}]: {field} must be >= 0 (it is {value}).',
      undeclaredArg: 'metrics[{index}]: failed to resolve {{args.{arg}}}: the template declares no argument "{arg}"{hint}.',
      valueAndValueFrom: "arg '{name}' has both Value and ValueFrom fields.",
    },
    upstream: [
      'Argo Rollouts: multiple providers specified',
      'Argo Rollouts: interval must be specified when count > 1',
      "Argo Rollouts: metrics[1]: duplicate name 'x'",
      'Argo Rollouts: failureLimit must be >= 0, or -1 to be disabled',
      'Argo Rollouts: consecutiveErrorLimit must be >= 0',
      'Argo Rollouts: failed to resolve {{args.x}}',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: success-rate\nspec:\n  metrics:\n  - name: success-rate\n    count: 5\n    successCondition: result[0] >= 0.95\n    provider:\n      prometheus:\n        address: http://prometheus:9090\n        query: sum(rate(requests{service="{{args.service}}"}[1m]))\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: success-rate\nspec:\n  args:\n  - name: service\n  metrics:\n  - name: success-rate\n    interval: 1m\n    count: 5\n    successCondition: result[0] >= 0.95\n    provider:\n      prometheus:\n        address: http://prometheus:9090\n        query: sum(rate(requests{service="{{args.service}}"}[1m]))\n',
    },
  },
  check({ object, report }) {
    const spec = rec(object.body.spec);
    if (!spec) return;
    const args = argDecls(spec);
    for (const a of args) {
      const r = rec(list(spec.args)[a.index]);
      if (has(r, 'value') && has(r, 'valueFrom'))
        report({
          messageId: 'valueAndValueFrom',
          data: { name: a.name },
          path: ['spec', 'args', a.index, 'valueFrom'],
          target: 'key',
        });
    }
    const declared = new Set(args.map((a) => a.name));
    const seen = new Set<string>();
    list(spec.metrics).forEach((raw, index) => {
      const metric = rec(raw);
      if (!metric) return;
      const path: FieldPath = ['spec', 'metrics', index];
      const name = str(metric.name);
      if (name && seen.has(name))
        report({
          messageId: 'duplicateName',
          data: { index, name },
          path: [...path, 'name'],
        });
      if (name) seen.add(name);

      const provider = rec(metric.provider) ?? {};
      // Every key counts, known or not: a provider newer than this list is still one provider (ML0010 names unknown keys).
      const providers = Object.keys(provider).filter((p) => provider[p] !== null && provider[p] !== undefined);
      const plugins = Object.keys(rec(provider.plugin) ?? {}).length;
      const n = providers.length - (providers.includes('plugin') ? 1 : 0) + plugins;
      if (n === 0 && has(metric, 'provider'))
        report({
          messageId: 'noProvider',
          data: { index },
          path: [...path, 'provider'],
          target: 'key',
        });
      else if (n === 0)
        report({
          messageId: 'noProvider',
          data: { index },
          path: [...path, 'name'],
          target: 'key',
        });
      else if (n > 1)
        report({
          messageId: 'multipleProviders',
          data: { index, providers: providers.join(', ') },
          path: [...path, 'provider'],
          target: 'key',
        });

      const count = intOrArg(metric.count, args);
      const failure = has(metric, 'failureLimit') ? intOrArg(metric.failureLimit, args) : 0;
      const success = has(metric, 'consecutiveSuccessLimit') ? intOrArg(metric.consecutiveSuccessLimit, args) : 0;
      const inconclusive = has(metric, 'inconclusiveLimit') ? intOrArg(metric.inconclusiveLimit, args) : 0;
      if (count !== undefined && count > 0 && failure !== undefined && success !== undefined && failure >= 0 && success >= 0 && count < failure + success) {
        report({
          messageId: 'countTooLow',
          data: { index, count, failure, success },
          path: [...path, 'count'],
        });
      }
      if (count !== undefined && count > 0 && inconclusive !== undefined && count < inconclusive) {
        report({
          messageId: 'inconclusiveTooHigh',
          data: { index, count, inconclusive },
          path: [...path, 'count'],
        });
      }
      if (count !== undefined && count > 1 && !str(metric.interval))
        report({
          messageId: 'intervalRequired',
          data: { index, count },
          path: [...path, 'count'],
        });
      if (failure !== undefined && failure < -1)
        report({
          messageId: 'failureLimit',
          data: { index, value: failure },
          path: [...path, 'failureLimit'],
        });
      for (const field of ['inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit']) {
        const v = intOrArg(metric[field], args);
        if (v !== undefined && v < 0)
          report({
            messageId: 'negative',
            data: { index, field, value: v },
            path: [...path, field],
          });
      }

      const reported = new Set<string>();
      for (const { arg, path: at } of argPlaceholders(metric, path)) {
        if (declared.has(arg) || reported.has(arg)) continue;
        reported.add(arg);
        const near = closest(arg, [...declared]);
        report({
          messageId: 'undeclaredArg',
          data: { index, arg, hint: near ? ` (did you mean "${near}"?)` : '' },
          path: at,
        });
      }
    });
  },
};
