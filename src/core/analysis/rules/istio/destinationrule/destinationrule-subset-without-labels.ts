import { isRecord } from '../../../../k8s/object';
import { DESTINATION_RULE } from '../../../../istio/mesh';
import { groupKindOf, ObjectRule } from '../../../types';

export const destinationruleSubsetWithoutLabels: ObjectRule = {
  meta: {
    id: 'destinationrule-subset-without-labels',
    code: 'ML1103',
    severity: 'warning',
    scope: 'object',
    kinds: [DESTINATION_RULE],
    title: 'DestinationRule subset without labels',
    description:
      'A subset with no `labels` selects every endpoint of the host, so routing to it is the same as routing to the host: a weighted split between such a subset and another does not separate versions. Kiali flags it (KIA0209). A subset that exists only to carry its own `trafficPolicy` for all endpoints is the exception; silence the finding there.',
    remediation: 'Give the subset the labels of the version it stands for (`version: v2`), or route to the host without a subset.',
    messages: {
      noLabels: 'Subset "{subset}" has no labels, so it selects every endpoint of the host.',
    },
    upstream: ['KIA0209'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v2\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n    - name: v2\n      labels:\n        version: v2\n',
    },
  },
  check({ object, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.subsets)) return;
    spec.subsets.forEach((subset, i) => {
      if (!isRecord(subset)) return;
      if (isRecord(subset.labels) && Object.keys(subset.labels).length > 0) return;
      const hasLabelsKey = 'labels' in subset;
      report({ messageId: 'noLabels', data: { subset: typeof subset.name === 'string' ? subset.name : String(i) }, path: hasLabelsKey ? ['spec', 'subsets', i, 'labels'] : ['spec', 'subsets', i, 'name'], target: 'key' });
    });
  },
};
