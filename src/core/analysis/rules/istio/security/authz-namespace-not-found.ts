import { isRecord } from '../../../../k8s/object';
import { closest } from '../../../../schema/suggest';
import { AUTHORIZATION_POLICY, NAMESPACE_SOURCE_KINDS, namespaceFacts, namespaceMatches, replaceValueFix, specOf } from '../../../../istio/security';
import { ObjectRule } from '../../../types';

export const authzNamespaceNotFound: ObjectRule = {
  meta: {
    id: 'authz-namespace-not-found',
    code: 'ML2004',
    severity: 'error',
    scope: 'object',
    kinds: [AUTHORIZATION_POLICY, ...NAMESPACE_SOURCE_KINDS],
    title: 'AuthorizationPolicy source namespace not found',
    description:
      'An entry of `from.source.namespaces` or `notNamespaces` (exact, `prefix*` or `*suffix`) matches no namespace: none is declared by a Namespace object, holds a Service, ServiceEntry or workload of the workspace, or is built into Kubernetes. A misspelt namespace silently lets the rule allow (or deny) nobody. When the workspace declares no Namespace objects at all, the namespace is probably created elsewhere, and the `meshlens.references.unresolved` setting decides how it is shown.',
    remediation: 'Correct the namespace name (the message suggests the closest one), or add the Namespace to the workspace.',
    messages: {
      notFound: 'No namespace matches "{value}" in {field}; the rule never matches requests from it.',
      didYouMean: 'No namespace matches "{value}" in {field}: did you mean "{suggestion}"?',
    },
    upstream: ['IST0101 (ReferencedResourceNotFound, auth.AuthorizationPoliciesAnalyzer)', 'KIA0101 (Namespace not found for this rule)'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: frontend\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-frontend\n  namespace: backend\nspec:\n  rules:\n  - from:\n    - source:\n        namespaces: ["frontent"]\n',
      valid:
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: frontend\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-frontend\n  namespace: backend\nspec:\n  rules:\n  - from:\n    - source:\n        namespaces: ["frontend"]\n',
    },
  },
  check({ object, workspace, report }) {
    if (object.group !== 'security.istio.io') return;
    const rules = specOf(object).rules;
    if (!Array.isArray(rules)) return;
    let facts: ReturnType<typeof namespaceFacts> | undefined;
    rules.forEach((rule, i) => {
      if (!isRecord(rule) || !Array.isArray(rule.from)) return;
      rule.from.forEach((from, j) => {
        const source = isRecord(from) && isRecord(from.source) ? from.source : undefined;
        if (!source) return;
        for (const field of ['namespaces', 'notNamespaces'] as const) {
          const list = source[field];
          if (!Array.isArray(list)) continue;
          list.forEach((value, k) => {
            if (typeof value !== 'string' || !value) return;
            facts ??= namespaceFacts(workspace);
            const known = [...facts.known];
            if (known.some((ns) => namespaceMatches(value, ns))) return;
            const path = ['spec', 'rules', i, 'from', j, 'source', field, k];
            const suggestion = value.includes('*') ? undefined : closest(value, known);
            if (suggestion) {
              report({ messageId: 'didYouMean', data: { value, field, suggestion }, path, fixes: [replaceValueFix(object, path, suggestion)] });
            } else {
              // Without Namespace objects the namespace may simply be created elsewhere.
              report({ messageId: 'notFound', data: { value, field }, path, unresolved: facts.declared.size === 0 ? true : undefined });
            }
          });
        }
      });
    });
  },
};
