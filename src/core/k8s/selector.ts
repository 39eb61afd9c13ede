/**
 * One requirement of a Kubernetes label selector (`matchExpressions` entry) against a set of
 * labels; undefined for an operator the API does not define.
 */
export function requirementMatches(key: string, operator: unknown, values: readonly string[], labels: Readonly<Record<string, string>>): boolean | undefined {
  switch (operator) {
    case 'In':
      return key in labels && values.includes(labels[key]);
    case 'NotIn':
      return !(key in labels) || !values.includes(labels[key]);
    case 'Exists':
      return key in labels;
    case 'DoesNotExist':
      return !(key in labels);
    default:
      return undefined;
  }
}
