import { int, rec, rolloutView, ROLLOUT } from '../../../rollouts/model';
import { ObjectRule } from '../../types';

export const rolloutWeightDecrease: ObjectRule = {
  meta: {
    id: 'rollout-weight-decrease',
    code: 'ML3008',
    severity: 'warning',
    scope: 'object',
    kinds: [ROLLOUT],
    title: 'Canary weight goes down between steps',
    description:
      'A canary plan normally only raises `setWeight`. A step that lowers it takes traffic back from pods that just passed the previous steps, which is almost always a typo (`50` after `80` meant for `90`). When it is deliberate (a soak at low traffic after a spike test), say so with `# meshlens-disable-next-line ML3008` above the step.',
    remediation: 'Correct the weight, or mark the step as intended with a disable comment.',
    messages: {
      decrease:
        'setWeight goes down from {previous}% (step {previousStep}) to {weight}%: the canary loses traffic it already had. If this is intended, add "# meshlens-disable-next-line ML3008" above the step.',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 80\n      - pause: {duration: 1m}\n      - setWeight: 50\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 50\n      - pause: {duration: 1m}\n      - setWeight: 80\n',
    },
  },
  check({ object, report }) {
    const { steps } = rolloutView(object);
    let previous: { weight: number; step: number } | undefined;
    steps.forEach((s, i) => {
      const weight = int(rec(s)?.setWeight);
      if (weight === undefined) return;
      if (previous && weight < previous.weight) {
        report({
          messageId: 'decrease',
          data: {
            previous: previous.weight,
            previousStep: previous.step,
            weight,
          },
          path: ['spec', 'strategy', 'canary', 'steps', i, 'setWeight'],
        });
      }
      previous = { weight, step: i };
    });
  },
};
