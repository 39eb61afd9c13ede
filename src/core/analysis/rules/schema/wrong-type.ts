import { schemaIssues } from '../../../schema/validate';
import type { K8sObject } from '../../../k8s/object';
import type { SchemaIssue } from '../../../schema/validate';
import { locatePath } from '../../../yaml/locate';
import type { LineIndex } from '../../../yaml/positions';
import { FixSpec, ObjectRule } from '../../types';

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
      'The value has a different type than the schema asks for: a list where one value is expected, a number where a string is (`version: 1.10` is the number 1.1), a mapping where a string is. In custom resources (Istio, Argo Rollouts, Gateway API) an empty value (`spec:` with nothing under it) is null, which their CRD schema rejects too. The API server rejects the object. Values are judged as Kubernetes reads them, with Go\'s YAML decoder: `addresses: [2001:db8::]` holds the string `2001:db8::` there, though YAML 1.2 reads a one-pair mapping.',
    remediation: 'Write the value in the expected form; quote numbers that are meant as strings.',
    messages: {
      wrongType: 'Expected {expected}, found {actual}.',
      empty: 'Expected {expected}, found an empty value: the API server rejects null in a custom resource. Give it a value or remove the key.',
    },
    upstream: ['kubectl: ... must be of type string', 'istioctl validate: cannot unmarshal'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels:\n    version: 1.10\n',
      valid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels:\n    version: "1.10"\n',
    },
  },
  check({ object, lines, report }) {
    for (const issue of schemaIssues(object, lines)) {
      if (issue.kind !== 'wrongType') continue;
      if (issue.actual === 'null') {
        // The value is empty, so the key is what there is to point at.
        report({ messageId: 'empty', data: { expected: issue.expected, actual: 'null' }, path: issue.path, target: 'key' });
        continue;
      }
      report({
        messageId: 'wrongType',
        data: { expected: issue.expected, actual: ACTUAL[issue.actual] ?? issue.actual },
        path: issue.path,
        fixes: quoteFix(object, lines, issue),
      });
    }
  },
};

/**
 * Where a string is expected, a value written without quotes is usually meant as that text:
 * `version: 1.10`, `enabled: true`, or a template placeholder `{{args.x}}` that YAML read as a
 * flow mapping. Quoting keeps the exact characters. A suggestion: the string may not be valid.
 */
function quoteFix(object: K8sObject, lines: LineIndex, issue: Extract<SchemaIssue, { kind: 'wrongType' }>): FixSpec[] {
  if (issue.expected !== 'a string') return [];
  const at = locatePath(object.doc.node, issue.path);
  if (!at.exact) return [];
  const raw = lines.slice(at.start, at.end);
  const scalar = issue.actual === 'number' || issue.actual === 'boolean';
  const placeholder = issue.actual === 'mapping' && /^\{\{[^\n]*\}\}$/.test(raw);
  if (!scalar && !placeholder) return [];
  return [{ title: `Quote the value: ${JSON.stringify(raw)}`, preferred: false, edits: [{ start: at.start, end: at.end, newText: JSON.stringify(raw) }] }];
}
