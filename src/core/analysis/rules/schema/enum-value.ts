import { locatePath } from '../../../yaml/locate';
import { schemaIssues } from '../../../schema/validate';
import { ObjectRule } from '../../types';

export const enumValue: ObjectRule = {
  meta: {
    id: 'enum-value',
    code: 'ML0012',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'Value not allowed',
    description: 'The field accepts only a fixed set of values (an enum in the schema), and this is not one of them. Values are case-sensitive: `strict` is not `STRICT`.',
    remediation: 'Use one of the allowed values listed in the message.',
    messages: {
      notAllowed: '"{value}" is not allowed here; use one of: {allowed}.',
      didYouMean: '"{value}" is not allowed here: did you mean "{suggestion}"? (allowed: {allowed})',
    },
    upstream: ['kubectl: Unsupported value', 'istioctl validate: unknown value for enum'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: strict\n',
      valid: 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n',
    },
  },
  check({ object, lines, report }) {
    for (const issue of schemaIssues(object, lines)) {
      if (issue.kind !== 'enum') continue;
      const allowed = issue.allowed.join(', ');
      const at = locatePath(object.doc.node, issue.path);
      report({
        messageId: issue.suggestion ? 'didYouMean' : 'notAllowed',
        data: { value: issue.value, allowed, suggestion: issue.suggestion ?? '' },
        path: issue.path,
        fixes: issue.suggestion
          ? [{ title: `Change to "${issue.suggestion}"`, preferred: false, edits: [{ start: at.start, end: at.end, newText: issue.suggestion }] }]
          : [],
      });
    }
  },
};
