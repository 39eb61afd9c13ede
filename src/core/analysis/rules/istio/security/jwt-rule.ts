import { isRecord } from '../../../../k8s/object';
import { REQUEST_AUTHENTICATION, replaceValueFix, specOf } from '../../../../istio/security';
import { ObjectRule, ObjectReport } from '../../../types';

/** What `jwks` must be for Envoy to verify tokens with it: a JSON Web Key Set with at least one key. */
function jwksProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!isRecord(parsed)) return 'not a JSON object';
  if (!Array.isArray(parsed.keys)) return 'no "keys" array';
  if (parsed.keys.length === 0) return '"keys" is empty';
  const bad = parsed.keys.findIndex((k) => !isRecord(k) || typeof k.kty !== 'string');
  return bad >= 0 ? `key ${bad} has no "kty"` : undefined;
}

export const jwtRule: ObjectRule = {
  meta: {
    id: 'jwt-rule',
    code: 'ML2009',
    severity: 'error',
    scope: 'object',
    kinds: [REQUEST_AUTHENTICATION],
    title: 'RequestAuthentication JWT rule cannot verify tokens',
    description:
      'A `jwtRules` entry without an `issuer` (istiod refuses it: "issuer must be set"), with an inline `jwks` that is not a JSON Web Key Set with keys (istiod: "jwks parse error"; an empty `keys` list verifies nothing), or with a `jwksUri` over plain `http://`, which lets anyone on the path swap the signing keys (a warning; Istio accepts it). Whether `jwksUri` is a URL at all is ML0023\'s business.',
    remediation: 'Set `issuer` to the `iss` claim of the tokens; give `jwks` as the JSON key set your identity provider publishes; fetch keys over `https://`.',
    messages: {
      noIssuer: 'This JWT rule has no issuer; istiod refuses it ("issuer must be set"). Set issuer to the iss claim of the tokens.',
      badJwks: 'jwks is not a usable JSON Web Key Set ({problem}); tokens cannot be verified with it.',
      plainJwksUri: 'jwksUri "{value}" fetches the signing keys over plain HTTP; anyone on the path can replace them. Use https://.',
    },
    upstream: ['istiod webhook: issuer must be set', 'istiod webhook: jwks parse error'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n  - jwksUri: http://auth.example.com/.well-known/jwks.json\n',
      valid:
        'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules:\n  - issuer: https://auth.example.com\n    jwksUri: https://auth.example.com/.well-known/jwks.json\n',
    },
  },
  check({ object, report }) {
    const rules = specOf(object).jwtRules;
    if (!Array.isArray(rules)) return;
    rules.forEach((rule, i) => {
      if (!isRecord(rule)) return;
      const base = ['spec', 'jwtRules', i];
      if (typeof rule.issuer !== 'string' || rule.issuer.trim() === '') {
        report({ messageId: 'noIssuer', path: 'issuer' in rule ? [...base, 'issuer'] : base, target: 'key' });
      }
      if (typeof rule.jwks === 'string' && rule.jwks !== '') {
        const problem = jwksProblem(rule.jwks);
        if (problem) report({ messageId: 'badJwks', data: { problem }, path: [...base, 'jwks'] });
      }
      for (const field of ['jwksUri', 'jwks_uri']) {
        const uri = rule[field];
        if (typeof uri !== 'string' || !/^http:\/\//i.test(uri)) continue;
        const path = [...base, field];
        const r: ObjectReport = { messageId: 'plainJwksUri', severity: 'warning', data: { value: uri }, path };
        r.fixes = [replaceValueFix(object, path, `https://${uri.slice('http://'.length)}`, 'Fetch the keys over https://')];
        report(r);
      }
    });
  },
};
