import { schemaIssues } from '../../../schema/validate';
import { ObjectRule } from '../../types';

export const deprecatedField: ObjectRule = {
  meta: {
    id: 'deprecated-field',
    code: 'ML0015',
    severity: 'info',
    scope: 'object',
    kinds: ['*'],
    title: 'Deprecated field',
    description:
      'The field still works but its API marks it deprecated, usually naming what replaces it (`serviceAccount` → `serviceAccountName`, in-tree volume types). The text comes from the field\'s own description in the Istio, Argo Rollouts and Kubernetes models.',
    remediation: 'Move to the replacement the message names before the field is removed.',
    messages: {
      deprecated: '"{field}" is deprecated: {detail}',
    },
    upstream: ['IST0002 (DeprecatedAnnotation / deprecated fields)', 'kubectl: Warning: ... deprecated'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccount: web\n  containers: [{name: web, image: nginx}]\n',
      valid: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers: [{name: web, image: nginx}]\n',
    },
  },
  check({ object, lines, report }) {
    for (const issue of schemaIssues(object, lines)) {
      if (issue.kind !== 'deprecated') continue;
      report({ messageId: 'deprecated', data: { field: issue.field, detail: issue.detail }, path: issue.path, target: 'key' });
    }
  },
};
