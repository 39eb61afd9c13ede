import { isRecord } from '../../../../k8s/object';
import { VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { firstKeyPath, matchKey, ROUTE_PROTOCOLS, rulesOf } from '../../../../istio/routes';
import type { FieldPath } from '../../../../yaml/path';
import { ObjectRule } from '../../../types';

const example = (second: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
spec:
  hosts: [api]
  http:
    - match:
        - uri: {prefix: /api/v1}
      route:
        - destination: {host: api-v1}
    - match:
        - uri: {prefix: ${second}}
      route:
        - destination: {host: api-v1-products}
`;

/** What upstream compares of an HTTP match whose uri is a prefix (genMatchHTTPRoutes). */
interface PrefixMatch {
  rule: number;
  match: number;
  path: FieldPath;
  prefix: string;
  port: unknown;
  method?: StringMatch;
  authority?: StringMatch;
  headers: Record<string, StringMatch | undefined>;
  queryParams: Record<string, StringMatch | undefined>;
  withoutHeaders: Record<string, StringMatch | undefined>;
  /** Fields the comparison does not understand (regex, sourceLabels, gateways...): never covered. */
  other: string;
}

type StringMatch = { exact: string } | { prefix: string } | { other: string };

const KNOWN = new Set(['name', 'uri', 'port', 'method', 'authority', 'headers', 'queryParams', 'withoutHeaders', 'ignoreUriCase']);

function stringMatch(v: unknown): StringMatch | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v.exact === 'string' && Object.keys(v).length === 1) return { exact: v.exact };
  if (typeof v.prefix === 'string' && Object.keys(v).length === 1) return { prefix: v.prefix };
  return { other: matchKey(v, false) };
}

function stringMap(v: unknown): Record<string, StringMatch | undefined> {
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringMatch(x)])) : {};
}

/** Whether every value `narrow` accepts, `wide` accepts too (absent = anything). */
function covers(wide: StringMatch | undefined, narrow: StringMatch | undefined): boolean {
  if (!wide) return true;
  if (!narrow) return false;
  if ('exact' in wide) return 'exact' in narrow && narrow.exact === wide.exact;
  if ('prefix' in wide) return ('exact' in narrow && narrow.exact.startsWith(wide.prefix)) || ('prefix' in narrow && narrow.prefix.startsWith(wide.prefix));
  return 'other' in narrow && narrow.other === wide.other;
}

function coversMap(wide: Record<string, StringMatch | undefined>, narrow: Record<string, StringMatch | undefined>): boolean {
  return Object.entries(wide).every(([k, w]) => k in narrow && covers(w, narrow[k]));
}

/** A prefix match catches every request a later one would (same port, conditions at least as wide). */
function coversMatch(a: PrefixMatch, b: PrefixMatch): boolean {
  return (
    b.prefix.startsWith(a.prefix) &&
    a.port === b.port &&
    a.other === b.other &&
    covers(a.method, b.method) &&
    covers(a.authority, b.authority) &&
    coversMap(a.headers, b.headers) &&
    coversMap(a.queryParams, b.queryParams) &&
    // withoutHeaders narrows by absence: `b` must exclude at least what `a` excludes.
    Object.entries(a.withoutHeaders).every(([k, w]) => k in b.withoutHeaders && matchKey(w, false) === matchKey(b.withoutHeaders[k], false))
  );
}

export const ineffectiveMatch: ObjectRule = {
  meta: {
    id: 'ineffective-match',
    code: 'ML1010',
    severity: 'info',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Match that earlier matches already take',
    description:
      'A match of a VirtualService rule can never be the one that selects a request: an earlier match (in an earlier rule or the same one) is identical, or an earlier `uri.prefix` match is a prefix of this one with conditions at least as wide (`/api/v1` before `/api/v1/products`). Requests that fit it go to the earlier rule; a more specific match must come first.',
    remediation: 'Move the more specific rule before the general one, or remove the repeated match.',
    messages: {
      duplicate: '{protocol} rule {rule} match {match} repeats a match of rule {earlier}: it never selects a request.',
      covered: 'HTTP rule {rule} match {match} (prefix {prefix}) is covered by match {earlierMatch} of rule {earlier} (prefix {earlierPrefix}): put the more specific rule first.',
    },
    upstream: ['IST0131 (VirtualServiceIneffectiveMatch; istioctl schema.ValidationAnalyzer.VirtualService)'],
    fixable: false,
    examples: { invalid: example('/api/v1/products'), valid: example('/api/v2') },
  },
  check({ object, report }) {
    for (const protocol of ROUTE_PROTOCOLS) {
      const rules = rulesOf(object, protocol);
      const http = protocol === 'http';
      const label = (i: number, name: unknown) => (http && typeof name === 'string' && name ? `"${name}"` : `#${i}`);
      const seen = new Map<string, number>();
      const prefixes: PrefixMatch[] = [];
      const ruleLabel = new Map(rules.map((r) => [r.index, label(r.index, r.rule.name)]));
      for (const { rule, index } of rules) {
        if (!Array.isArray(rule.match)) continue;
        rule.match.forEach((m, j) => {
          const path = firstKeyPath(m, ['spec', protocol, index, 'match', j], ['name', 'uri']);
          const key = matchKey(m, http);
          const earlier = seen.get(key);
          if (earlier !== undefined) {
            report({ messageId: 'duplicate', data: { protocol, rule: ruleLabel.get(index)!, match: label(j, isRecord(m) ? m.name : undefined), earlier: ruleLabel.get(earlier)! }, path, target: 'key' });
            return;
          }
          seen.set(key, index);
          if (!http || !isRecord(m) || !isRecord(m.uri) || typeof m.uri.prefix !== 'string' || !m.uri.prefix) return;
          prefixes.push({
            rule: index,
            match: j,
            path,
            prefix: m.uri.prefix,
            port: m.port,
            method: stringMatch(m.method),
            authority: stringMatch(m.authority),
            headers: stringMap(m.headers),
            queryParams: stringMap(m.queryParams),
            withoutHeaders: stringMap(m.withoutHeaders),
            other: matchKey(Object.fromEntries(Object.entries(m).filter(([k]) => !KNOWN.has(k)).concat([['ignoreUriCase', m.ignoreUriCase ?? false]])), false),
          });
        });
      }
      for (let b = 1; b < prefixes.length; b++) {
        const later = prefixes[b];
        const wide = prefixes.slice(0, b).find((a) => a.prefix !== later.prefix && coversMatch(a, later));
        if (!wide) continue;
        const names = (p: PrefixMatch) => {
          const m = (rules.find((r) => r.index === p.rule)?.rule.match as unknown[])[p.match];
          return label(p.match, isRecord(m) ? m.name : undefined);
        };
        report({
          messageId: 'covered',
          data: { rule: ruleLabel.get(later.rule)!, match: names(later), prefix: later.prefix, earlier: ruleLabel.get(wide.rule)!, earlierMatch: names(wide), earlierPrefix: wide.prefix },
          path: later.path,
          target: 'key',
        });
      }
    }
  },
};
