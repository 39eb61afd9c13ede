import { has, rec, rolloutView, ROLLOUT } from '../../../rollouts/model';
import { ObjectRule } from '../../types';

export const rolloutManualPause: ObjectRule = {
  meta: {
    id: 'rollout-manual-pause',
    code: 'ML3010',
    severity: 'info',
    scope: 'object',
    kinds: [ROLLOUT],
    title: 'Pause without duration waits for a person',
    description:
      'A canary `pause` without `duration` (`pause: {}`) holds the rollout until someone runs `kubectl argo rollouts promote` (or clicks Promote). That is right for a manual gate, and a surprise in an automated pipeline, where the deploy job then waits until it times out.',
    remediation: 'Give the pause a duration (`pause: {duration: 10m}`) if the rollout should continue by itself.',
    messages: {
      manual: 'This pause has no duration: the rollout stops here until it is promoted by hand (kubectl argo rollouts promote {name}).',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - pause: {}\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - pause: {duration: 10m}\n',
    },
  },
  check({ object, report }) {
    const { steps } = rolloutView(object);
    steps.forEach((s, i) => {
      const step = rec(s);
      if (!has(step, 'pause') || has(rec(step?.pause), 'duration')) return;
      report({
        messageId: 'manual',
        data: { name: object.name ?? '<name>' },
        path: ['spec', 'strategy', 'canary', 'steps', i, 'pause'],
        target: 'key',
      });
    });
  },
};
