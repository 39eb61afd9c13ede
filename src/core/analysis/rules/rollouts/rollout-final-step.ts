import { int, rec, rolloutView, ROLLOUT } from '../../../rollouts/model';
import { ObjectRule } from '../../types';

export const rolloutFinalStep: ObjectRule = {
  meta: {
    id: 'rollout-final-step',
    code: 'ML3009',
    severity: 'warning',
    scope: 'object',
    kinds: [ROLLOUT],
    title: 'Last canary weight is never held',
    description:
      'After its last step a canary goes to 100% at once. When the last step is a `setWeight` below 100 with nothing after it (no pause, no analysis, no experiment), that weight lasts only as long as the controller takes to reach the next reconcile: the canary jumps from the previous hold to 100% untested at the last weight.',
    remediation: 'Add a pause (or an analysis) after the last `setWeight`, or end the plan with `setWeight: 100`.',
    messages: {
      unheld: 'The last step sets {weight}% and nothing follows: the rollout goes straight on to 100%, so {weight}% is never held. Add a pause or an analysis after it.',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - pause: {duration: 1m}\n      - setWeight: 50\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - pause: {duration: 1m}\n      - setWeight: 50\n      - pause: {duration: 1m}\n',
    },
  },
  check({ object, report }) {
    const { steps } = rolloutView(object);
    const i = steps.length - 1;
    const weight = int(rec(steps[i])?.setWeight);
    // A plan of one setWeight is a traffic split on purpose, not a forgotten pause.
    if (weight === undefined || weight >= 100 || steps.length < 2) return;
    report({
      messageId: 'unheld',
      data: { weight },
      path: ['spec', 'strategy', 'canary', 'steps', i, 'setWeight'],
    });
  },
};
