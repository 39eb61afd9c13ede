import { isRecord } from '../../../../k8s/object';
import { AUTHORIZATION_POLICY, replaceValueFix, specOf } from '../../../../istio/security';
import { ObjectRule } from '../../../types';

/** RFC 9110 methods plus PATCH (RFC 5789), the set Kiali accepts; methods are case-sensitive. */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
/** A fully-qualified gRPC method: `/package.Service/Method`. */
const GRPC_METHOD = /^\/[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+\/[A-Za-z_][\w]*$/;

export const authzInvalidMethod: ObjectRule = {
  meta: {
    id: 'authz-invalid-method',
    code: 'ML2005',
    severity: 'warning',
    scope: 'object',
    kinds: [AUTHORIZATION_POLICY],
    title: 'AuthorizationPolicy method is neither an HTTP method nor a gRPC method name',
    description:
      'An entry of `to.operation.methods` or `notMethods` that no request can carry: not an HTTP method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH; case-sensitive, so `get` never matches) and not a fully-qualified gRPC method (`/package.Service/Method`). The operation then never matches. Values with a `*` wildcard are left alone.',
    remediation: 'Write the method in upper case, or the full gRPC name `/package.Service/Method`.',
    messages: {
      invalid: '"{value}" in {field} is not an HTTP method or a fully-qualified gRPC method (/package.Service/Method); this operation never matches it.',
      didYouMean: '"{value}" in {field} is not an HTTP method (methods are case-sensitive): did you mean "{suggestion}"?',
    },
    upstream: ['KIA0102 (Only HTTP methods and fully-qualified gRPC names are allowed)'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: read-only\nspec:\n  rules:\n  - to:\n    - operation:\n        methods: ["get", "READ"]\n',
      valid:
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: read-only\nspec:\n  rules:\n  - to:\n    - operation:\n        methods: ["GET", "/bookinfo.Reviews/List"]\n',
    },
  },
  check({ object, report }) {
    const rules = specOf(object).rules;
    if (!Array.isArray(rules)) return;
    rules.forEach((rule, i) => {
      if (!isRecord(rule) || !Array.isArray(rule.to)) return;
      rule.to.forEach((to, j) => {
        const op = isRecord(to) && isRecord(to.operation) ? to.operation : undefined;
        if (!op) return;
        for (const field of ['methods', 'notMethods'] as const) {
          const list = op[field];
          if (!Array.isArray(list)) continue;
          list.forEach((value, k) => {
            if (typeof value !== 'string' || !value || value.includes('*')) return;
            if (HTTP_METHODS.includes(value) || GRPC_METHOD.test(value)) return;
            const path = ['spec', 'rules', i, 'to', j, 'operation', field, k];
            const upper = value.toUpperCase();
            if (HTTP_METHODS.includes(upper)) {
              report({ messageId: 'didYouMean', data: { value, field, suggestion: upper }, path, fixes: [replaceValueFix(object, path, upper)] });
            } else {
              report({ messageId: 'invalid', data: { value, field }, path });
            }
          });
        }
      });
    });
  },
};
