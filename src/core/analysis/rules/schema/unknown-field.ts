import { locatePath } from '../../../yaml/locate';
import { formatPath } from '../../../yaml/path';
import { schemaIssues } from '../../../schema/validate';
import { ObjectRule } from '../../types';

export const unknownField: ObjectRule = {
  meta: {
    id: 'unknown-field',
    code: 'ML0010',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'Field not in the schema',
    description:
      'The field is not part of this kind\'s schema at this place. Kubernetes prunes unknown fields of custom resources without a word (or rejects the object under strict field validation), so a misspelt `weigth: 20` or a `subset` at the wrong depth silently does nothing. The schema comes from the models of the Istio, Argo Rollouts and Kubernetes APIs.',
    remediation: 'Fix the spelling (the message suggests the closest field) or move the field to where it belongs.',
    messages: {
      unknown: 'Unknown field "{field}" in {where}; Kubernetes drops it.',
      didYouMean: 'Unknown field "{field}" in {where}: did you mean "{suggestion}"?',
      belongsUnder: 'Unknown field "{field}" in {where}: "{field}" belongs under "{under}".',
    },
    upstream: ['kubectl --validate=strict: unknown field', 'istioctl validate: unknown field'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination:\n            host: reviews\n          weigth: 100\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination:\n            host: reviews\n          weight: 100\n',
    },
  },
  check({ object, report }) {
    for (const issue of schemaIssues(object)) {
      if (issue.kind !== 'unknownField') continue;
      const where = issue.parentPath.length ? `"${formatPath(issue.parentPath)}"` : `a ${object.kind}`;
      const data = { field: issue.field, where, suggestion: issue.suggestion ?? '', under: issue.belongsUnder ?? '' };
      const key = locatePath(object.doc.node, issue.path, 'key');
      report({
        messageId: issue.suggestion ? 'didYouMean' : issue.belongsUnder ? 'belongsUnder' : 'unknown',
        data,
        path: issue.path,
        target: 'key',
        fixes: issue.suggestion
          ? [{ title: `Rename "${issue.field}" to "${issue.suggestion}"`, preferred: false, edits: [{ start: key.start, end: key.end, newText: issue.suggestion }] }]
          : [],
      });
    }
  },
};
