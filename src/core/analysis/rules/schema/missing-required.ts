import { formatPath } from '../../../yaml/path';
import { schemaIssues } from '../../../schema/validate';
import { ObjectRule } from '../../types';

export const missingRequired: ObjectRule = {
  meta: {
    id: 'missing-required',
    code: 'ML0013',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'Required field missing',
    description: 'The schema requires this field (a route destination needs `host`, a Deployment needs `selector` and `template`); the API server rejects the object without it.',
    remediation: 'Add the field named in the message.',
    messages: {
      missing: '"{field}" is required in {where}.',
    },
    upstream: ['kubectl: Required value', 'istioctl validate: is required'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination:\n            subset: v1\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination:\n            host: reviews\n            subset: v1\n',
    },
  },
  check({ object, lines, report }) {
    for (const issue of schemaIssues(object, lines)) {
      if (issue.kind !== 'required') continue;
      const parent = issue.path.slice(0, -1);
      report({
        messageId: 'missing',
        data: { field: issue.field, where: parent.length ? `"${formatPath(parent)}"` : `a ${object.kind}` },
        path: issue.path,
        target: 'key',
      });
    }
  },
};
