import { isRecord } from '../../../k8s/object';
import { resolvePattern } from '../../../istio/pattern';
import { FieldPath } from '../../../yaml/path';
import { ObjectReport, ObjectRule } from '../../types';

type Report = (r: ObjectReport) => void;

const TOKEN = /^[-_A-Za-z0-9]+$/;
const JWT_CLAIM = '@request.auth.claims';

/** Istio's jwt.ToRoutingClaim: `@request.auth.claims.sub` or `@request.auth.claims[sub][name]`. */
function isClaimRoute(name: string): boolean {
  if (!name.toLowerCase().startsWith(JWT_CLAIM)) return false;
  const rest = name.slice(JWT_CLAIM.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

const isPseudo = (name: string) => name.startsWith(':');
const isHost = (name: string) => name.toLowerCase() === 'host';
const isAuthority = (name: string) => name.toLowerCase() === ':authority' || isHost(name);

/** Where a name comes from decides what Istio allows: a match key, a header to set, one to remove. */
type Use = 'match' | 'requestSet' | 'other' | 'cors';

function check(report: Report, name: string, path: FieldPath, target: 'key' | 'value', use: Use, verb: string): void {
  const at = { path, target };
  if (name === '') {
    report({ messageId: 'empty', ...at });
    return;
  }
  switch (use) {
    case 'match':
      if (!isClaimRoute(name) && !TOKEN.test(name)) report({ messageId: 'invalidMatch', data: { value: name }, ...at });
      break;
    case 'cors':
      if (name !== '*' && !TOKEN.test(name)) report({ messageId: 'invalid', data: { value: name }, ...at });
      break;
    case 'requestSet':
      // Request headers may set the authority (`:authority` or `host`), no other pseudo-header.
      if ((isPseudo(name) || isHost(name)) && !isAuthority(name)) report({ messageId: 'pseudo', data: { value: name, verb }, ...at });
      break;
    case 'other':
      if (isHost(name)) report({ messageId: 'host', data: { value: name, verb }, ...at });
      else if (isPseudo(name)) report({ messageId: 'pseudo', data: { value: name, verb }, ...at });
      break;
  }
}

function keysOf(report: Report, body: unknown, pattern: string, use: Use, verb: string): void {
  for (const { path, value } of resolvePattern(body, pattern)) {
    if (isRecord(value)) for (const key of Object.keys(value)) check(report, key, [...path, key], 'key', use, verb);
  }
}

function itemsOf(report: Report, body: unknown, pattern: string, use: Use, verb: string): void {
  for (const { path, value } of resolvePattern(body, pattern)) if (typeof value === 'string') check(report, value, path, 'value', use, verb);
}

export const invalidHeaderName: ObjectRule = {
  meta: {
    id: 'invalid-header-name',
    code: 'ML0026',
    severity: 'error',
    scope: 'object',
    kinds: ['networking.istio.io/VirtualService'],
    title: 'Invalid HTTP header name',
    description:
      'A header name a VirtualService cannot use: a match on a name that is not an HTTP token (spaces, dots, colons; Istio accepts letters, digits, `-` and `_`, or `@request.auth.claims.<claim>` to route on a JWT claim), a header operation on a pseudo-header such as `:path`, or on `Host` outside the request\'s add and set (use `:authority` or `rewrite.authority` to change the host), a CORS header that is neither a token nor `*`. istiod\'s webhook rejects the object; the schema only says "string".',
    remediation: 'Match and set ordinary header names (x-user-group, x-request-id); change the request\'s host with rewrite.authority.',
    messages: {
      empty: 'A header name must not be empty.',
      invalidMatch: '"{value}" is not a valid header name: use letters, digits, \'-\' and \'_\' (or @request.auth.claims.<claim> to route on a JWT claim).',
      invalid: '"{value}" is not a valid header name: use letters, digits, \'-\' and \'_\', or "*".',
      pseudo: 'Header "{value}" cannot be {verb}: names starting with ":" are pseudo-headers Envoy manages (only ":authority" may be set on requests).',
      host: 'The Host header cannot be {verb} here; to change the host of a request, set ":authority" in request headers or use rewrite.authority.',
    },
    upstream: ['istiod webhook: header name is not a valid header name', 'istiod webhook: invalid header: header cannot have ":" prefix; cannot set Host header'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - match:\n        - headers:\n            "end user":\n              exact: jason\n      route:\n        - destination:\n            host: reviews\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - match:\n        - headers:\n            end-user:\n              exact: jason\n      route:\n        - destination:\n            host: reviews\n',
    },
  },
  check({ object, report }) {
    const body = object.body;
    keysOf(report, body, 'spec.http[].match[].headers', 'match', 'matched');
    keysOf(report, body, 'spec.http[].match[].withoutHeaders', 'match', 'matched');
    for (const owner of ['spec.http[].headers', 'spec.http[].route[].headers']) {
      keysOf(report, body, `${owner}.request.add`, 'requestSet', 'added');
      keysOf(report, body, `${owner}.request.set`, 'requestSet', 'set');
      itemsOf(report, body, `${owner}.request.remove[]`, 'other', 'removed');
      keysOf(report, body, `${owner}.response.add`, 'other', 'added');
      keysOf(report, body, `${owner}.response.set`, 'other', 'set');
      itemsOf(report, body, `${owner}.response.remove[]`, 'other', 'removed');
    }
    itemsOf(report, body, 'spec.http[].corsPolicy.allowHeaders[]', 'cors', 'allowed');
    itemsOf(report, body, 'spec.http[].corsPolicy.exposeHeaders[]', 'cors', 'exposed');
  },
};
