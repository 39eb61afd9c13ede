import { resolvePattern } from '../../../istio/pattern';
import { checkRe2 } from '../../../istio/re2';
import { ObjectRule } from '../../types';

const MAX_LENGTH = 1024;

/** Every StringMatch of a VirtualService route, where `regex` is an RE2 expression. */
const REGEX_FIELDS = [
  ...['uri', 'scheme', 'method', 'authority'].map((f) => `spec.http[].match[].${f}.regex`),
  'spec.http[].match[].headers{}.regex',
  'spec.http[].match[].withoutHeaders{}.regex',
  'spec.http[].match[].queryParams{}.regex',
  'spec.http[].corsPolicy.allowOrigins[].regex',
  'spec.http[].rewrite.uriRegexRewrite.match',
];

function explain(code: string, near: string): string {
  if (/^\(\?<?[=!]/.test(near)) return 'lookahead and lookbehind are not supported';
  if (/^\\[1-9]$/.test(near)) return 'backreferences are not supported';
  if (near === '(?>') return 'atomic groups are not supported';
  return code;
}

export const invalidRegex: ObjectRule = {
  meta: {
    id: 'invalid-regex',
    code: 'ML0025',
    severity: 'error',
    scope: 'object',
    kinds: ['networking.istio.io/VirtualService'],
    title: 'Invalid RE2 regular expression',
    description:
      'A `regex` of a VirtualService match (uri, headers, query parameters, authority, method, scheme, CORS origins) or of a `uriRegexRewrite` that RE2 cannot compile. Istio validates these with Go\'s regexp package and Envoy runs them with RE2: there are no lookaheads or lookbehinds, no backreferences, no possessive or stacked quantifiers, and escapes such as `\\Z` or `\\e` do not exist. Expressions longer than 1024 characters are refused. What RE2 accepts and JavaScript does not (`(?i)`, `(?P<name>...)`, `\\pL`, `[[:alpha:]]`) is fine. istiod\'s webhook rejects the object; the schema only says "string".',
    remediation: 'Rewrite the expression in RE2 syntax (https://github.com/google/re2/wiki/Syntax): match the alternatives explicitly instead of using a lookaround, and repeat a group instead of referring back to it.',
    messages: {
      syntax: 'Not a valid RE2 expression: {reason} at "{near}". Istio and Envoy use RE2 syntax (no lookarounds, no backreferences).',
      tooLong: 'The expression is {length} characters long; Istio accepts at most 1024 ("regex is too large").',
      empty: 'An empty regex is rejected by Istio ("regex string match should not be empty"); write an expression, or match with exact or prefix.',
    },
    upstream: ['istiod webhook: error parsing regexp ...; Istio uses RE2 style regex-based match', 'istiod webhook: regex is too large, max length allowed is 1024'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\nspec:\n  hosts: [api]\n  http:\n    - match:\n        - uri:\n            regex: "^/api/(?!internal).*"\n      route:\n        - destination:\n            host: api\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\nspec:\n  hosts: [api]\n  http:\n    - match:\n        - uri:\n            regex: "^/api/(public|v[0-9]+)/.*"\n      route:\n        - destination:\n            host: api\n',
    },
  },
  check({ object, report }) {
    for (const pattern of REGEX_FIELDS) {
      for (const { path, value } of resolvePattern(object.body, pattern)) {
        if (typeof value !== 'string') continue;
        // In withoutHeaders, `*` means "header present", not a regex.
        if (pattern.includes('withoutHeaders') && value === '*') continue;
        if (value === '') {
          report({ messageId: 'empty', data: { value }, path });
          continue;
        }
        if (value.length > MAX_LENGTH) {
          report({ messageId: 'tooLong', data: { length: value.length }, path });
          continue;
        }
        const error = checkRe2(value);
        if (error) report({ messageId: 'syntax', data: { reason: explain(error.code, error.near), near: error.near, offset: error.offset }, path });
      }
    }
  },
};
