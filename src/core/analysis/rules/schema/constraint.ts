import { constraintIssues } from '../../../schema/constraints';
import { ObjectRule } from '../../types';

export const constraint: ObjectRule = {
  meta: {
    id: 'constraint',
    code: 'ML0014',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'Value outside the schema\'s limits',
    description:
      'The value breaks a limit of the schema: an empty string where one is required to be non-empty, a number out of range (a port above 65535, a negative concurrency), too few or too many entries, two fields that exclude each other (`exact` and `prefix` in one match), a string that does not match the required pattern or format. The API server rejects the object. The limits come from the compiled schema validators of the Istio, Argo Rollouts, Gateway API and Kubernetes models.',
    remediation: 'Change the value to satisfy the limit named in the message.',
    messages: {
      minLength: 'Must not be empty.',
      minLengthN: 'Must be at least {limit} characters long.',
      maxLength: 'Must be at most {limit} characters long.',
      minimum: 'Must be at least {limit}.',
      maximum: 'Must be at most {limit}.',
      exclusiveMinimum: 'Must be greater than {limit}.',
      exclusiveMaximum: 'Must be less than {limit}.',
      minItems: 'Needs at least {limit} item(s).',
      maxItems: 'Takes at most {limit} item(s).',
      minProperties: 'Needs at least {limit} entry(ies).',
      maxProperties: 'Takes at most {limit} entry(ies).',
      pattern: 'Does not match the required pattern {limit}.',
      format: 'Is not a valid {limit}.',
      uniqueItems: 'Items must be unique.',
      oneOf: 'Only one of {fields} may be set here.',
    },
    upstream: ['kubectl: in body should be at least 1 chars long', 'kubectl: should be less than or equal to', 'kubectl: should match'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n    - issuer: https://issuer.example.com\n      audiences: [""]\n',
      valid:
        'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n    - issuer: https://issuer.example.com\n      audiences: [bookinfo]\n',
    },
  },
  check({ object, report }) {
    for (const issue of constraintIssues(object)) {
      const messageId = issue.keyword === 'minLength' && issue.limit !== 1 ? 'minLengthN' : issue.keyword;
      if (issue.conflicting) {
        const fields = issue.conflicting.map((f) => `"${f}"`).join(', ');
        // Point at the second of the exclusive fields: the first one set is usually the intended one.
        report({ messageId, data: { fields }, path: [...issue.path, issue.conflicting[1]], target: 'key' });
      } else report({ messageId, data: issue.limit === undefined ? {} : { limit: issue.limit }, path: issue.path });
    }
  },
};
