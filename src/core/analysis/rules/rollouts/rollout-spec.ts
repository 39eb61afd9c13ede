import { at, has, int, list, rec, ROLLOUT, stringMap, str } from '../../../rollouts/model';
import { requirementMatches } from '../../../k8s/selector';
import { ObjectRule } from '../../types';

/** Whether one matchExpressions requirement holds for these labels (Kubernetes label selector semantics). */
function requirementHolds(req: Record<string, unknown>, labels: Record<string, string>): boolean | undefined {
  const key = str(req.key);
  return key ? requirementMatches(key, req.operator, list(req.values).map(String), labels) : undefined;
}

export const rolloutSpec: ObjectRule = {
  meta: {
    id: 'rollout-spec',
    code: 'ML3002',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT],
    title: 'Rollout selector, template or limits the controller rejects',
    description:
      "Before it looks at the strategy, the Argo Rollouts controller validates the rest of the spec the way Kubernetes validates a Deployment: a `selector` is required (unless the pod template comes from `workloadRef`) and must not be empty, it must select the template's labels, a Rollout with `workloadRef` must not have its own `template`, counts must not be negative, and `progressDeadlineSeconds` (default 600) must be greater than `minReadySeconds`.",
    remediation: 'Make `spec.selector.matchLabels` a subset of `spec.template.metadata.labels`, drop the template when using `workloadRef`, and keep the numbers in range.',
    messages: {
      missingSelector: "Rollout has missing field '.spec.selector': add spec.selector.matchLabels with the pod template's labels.",
      emptySelector: 'empty selector is invalid for deployment: it would select every pod in the namespace; list the template labels under matchLabels.',
      selectorMismatch: '`selector` does not match template `labels`: {detail}.',
      workloadRefTemplate: 'template must be empty for workload reference rollout: the pod template comes from {ref}; remove spec.template.',
      negative: '{field}: must be greater than or equal to 0 (it is {value}).',
      progressDeadline: 'spec.progressDeadlineSeconds ({deadline}{implicit}) must be greater than minReadySeconds ({minReady}).',
    },
    upstream: [
      "Argo Rollouts: Rollout has missing field '.spec.selector'",
      'Argo Rollouts: empty selector is invalid for deployment',
      'Argo Rollouts: `selector` does not match template `labels`',
      'Argo Rollouts: template must be empty for workload reference rollout',
      'Argo Rollouts: must be greater than minReadySeconds',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: cart}\n    spec:\n      containers: [{name: shop, image: shop:1}]\n  strategy:\n    canary: {}\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers: [{name: shop, image: shop:1}]\n  strategy:\n    canary: {}\n',
    },
  },
  check({ object, report }) {
    const spec = rec(object.body.spec) ?? {};
    const workloadRef = rec(spec.workloadRef);
    if (!workloadRef) {
      if (!has(spec, 'selector')) {
        report({ messageId: 'missingSelector', path: ['spec'], target: 'key' });
      } else {
        const sel = rec(spec.selector) ?? {};
        const matchLabels = stringMap(sel.matchLabels);
        const exprs = list(sel.matchExpressions).filter((e): e is Record<string, unknown> => !!rec(e));
        if (Object.keys(matchLabels).length + exprs.length === 0) {
          report({
            messageId: 'emptySelector',
            path: ['spec', 'selector'],
            target: 'key',
          });
        } else if (rec(at(spec, ['template', 'metadata']))) {
          const labels = stringMap(at(spec, ['template', 'metadata', 'labels']));
          const wrong = Object.entries(matchLabels).find(([k, v]) => labels[k] !== v);
          if (wrong) {
            const [k, v] = wrong;
            const detail = k in labels ? `the selector wants ${k}=${v}, the template has ${k}=${labels[k]}` : `the template has no label ${k} (the selector wants ${k}=${v})`;
            report({
              messageId: 'selectorMismatch',
              data: { detail },
              path: ['spec', 'selector', 'matchLabels', k],
            });
          } else {
            const i = exprs.findIndex((e) => requirementHolds(e, labels) === false);
            if (i >= 0)
              report({
                messageId: 'selectorMismatch',
                data: {
                  detail: `the template labels fail matchExpressions[${i}]`,
                },
                path: ['spec', 'selector', 'matchExpressions', i],
              });
          }
        }
      }
    } else if (has(spec, 'template') && Object.keys(rec(spec.template) ?? {}).length > 0) {
      const ref = `${str(workloadRef.kind) ?? 'Deployment'} ${str(workloadRef.name) ?? ''}`.trim();
      report({
        messageId: 'workloadRefTemplate',
        data: { ref },
        path: ['spec', 'template'],
        target: 'key',
      });
    }
    for (const field of ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds'] as const) {
      const v = int(spec[field]);
      if (v !== undefined && v < 0)
        report({
          messageId: 'negative',
          data: { field: `spec.${field}`, value: v },
          path: ['spec', field],
        });
    }
    const minReady = int(spec.minReadySeconds) ?? 0;
    const explicit = int(spec.progressDeadlineSeconds);
    const deadline = explicit ?? 600;
    if (deadline >= 0 && deadline <= minReady) {
      report({
        messageId: 'progressDeadline',
        data: {
          deadline,
          minReady,
          implicit: explicit === undefined ? ', the default' : '',
        },
        path: explicit === undefined ? ['spec', 'minReadySeconds'] : ['spec', 'progressDeadlineSeconds'],
      });
    }
  },
};
