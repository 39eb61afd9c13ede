import { schemaIssues } from '../../../schema/validate';
import { ObjectRule } from '../../types';

const ACTUAL: Record<string, string> = { list: 'a list', mapping: 'a mapping', string: 'a string', number: 'a number', boolean: 'a boolean' };

export const wrongType: ObjectRule = {
  meta: {
    id: 'wrong-type',
    code: 'ML0011',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'Value of the wrong type',
    description:
      'The value has a different type than the schema asks for: a list where one value is expected, a number where a string is (`version: 1.10` is the number 1.1), a mapping where a string is. The API server rejects the object.',
    remediation: 'Write the value in the expected form; quote numbers that are meant as strings.',
    messages: {
      wrongType: 'Expected {expected}, found {actual}.',
    },
    upstream: ['kubectl: ... must be of type string', 'istioctl validate: cannot unmarshal'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: reviews\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n',
    },
  },
  check({ object, report }) {
    for (const issue of schemaIssues(object)) {
      if (issue.kind !== 'wrongType') continue;
      report({ messageId: 'wrongType', data: { expected: issue.expected, actual: ACTUAL[issue.actual] ?? issue.actual }, path: issue.path });
    }
  },
};
