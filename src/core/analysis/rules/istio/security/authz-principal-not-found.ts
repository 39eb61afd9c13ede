import { isRecord } from '../../../../k8s/object';
import { closest } from '../../../../schema/suggest';
import { AUTHORIZATION_POLICY, replaceValueFix, SERVICE_ACCOUNT_SOURCE_KINDS, serviceAccounts, specOf } from '../../../../istio/security';
import { ObjectRule } from '../../../types';

/** `<trust domain>/ns/<namespace>/sa/<service account>`, Istio's SPIFFE identity without `spiffe://`. */
const PRINCIPAL = /^(?:spiffe:\/\/)?([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

export const authzPrincipalNotFound: ObjectRule = {
  meta: {
    id: 'authz-principal-not-found',
    code: 'ML2007',
    severity: 'error',
    scope: 'object',
    kinds: [AUTHORIZATION_POLICY, ...SERVICE_ACCOUNT_SOURCE_KINDS],
    title: 'AuthorizationPolicy principal names a ServiceAccount that does not exist',
    description:
      'An entry of `from.source.principals` or `notPrincipals` of the form `cluster.local/ns/<namespace>/sa/<name>` names a service account that neither a ServiceAccount object nor a pod template (`serviceAccountName`) of the workspace has in that namespace, so no workload carries that identity and the rule never matches. The `default` service account always exists; wildcard principals are left alone. When the workspace has no ServiceAccount object in that namespace, the account may be defined elsewhere and the `meshlens.references.unresolved` setting decides.',
    remediation: 'Correct the service account or namespace in the principal (the message suggests the closest one), or add the ServiceAccount.',
    messages: {
      notFound: 'No ServiceAccount "{account}" in namespace {namespace} for principal "{value}"; no workload has this identity.',
      didYouMean: 'No ServiceAccount "{account}" in namespace {namespace} for principal "{value}": did you mean "{suggestion}"?',
    },
    upstream: ['KIA0106 (Service Account not found for this principal)'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sleep\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: httpbin\nspec:\n  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/default/sa/slep"]\n',
      valid:
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sleep\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: httpbin\nspec:\n  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/default/sa/sleep"]\n',
    },
  },
  check({ object, workspace, report }) {
    if (object.group !== 'security.istio.io') return;
    const rules = specOf(object).rules;
    if (!Array.isArray(rules)) return;
    rules.forEach((rule, i) => {
      if (!isRecord(rule) || !Array.isArray(rule.from)) return;
      rule.from.forEach((from, j) => {
        const source = isRecord(from) && isRecord(from.source) ? from.source : undefined;
        if (!source) return;
        for (const field of ['principals', 'notPrincipals'] as const) {
          const list = source[field];
          if (!Array.isArray(list)) continue;
          list.forEach((value, k) => {
            if (typeof value !== 'string' || value.includes('*')) return;
            const m = PRINCIPAL.exec(value);
            if (!m) return;
            const [, , namespace, account] = m;
            if (account === 'default') return;
            const facts = serviceAccounts(workspace, namespace);
            if (facts.known.has(account)) return;
            // Only ServiceAccount objects make the namespace's accounts known; pod templates just use them.
            const accounts = facts.declared;
            const path = ['spec', 'rules', i, 'from', j, 'source', field, k];
            const data = { value, namespace, account };
            const suggestion = accounts ? closest(account, [...accounts]) : undefined;
            if (suggestion) {
              const fixed = value.slice(0, value.length - account.length) + suggestion;
              report({ messageId: 'didYouMean', data: { ...data, suggestion: fixed }, path, fixes: [replaceValueFix(object, path, fixed)] });
            } else {
              report({ messageId: 'notFound', data, path, unresolved: accounts ? undefined : true });
            }
          });
        }
      });
    });
  },
};
