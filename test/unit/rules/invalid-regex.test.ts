import * as assert from 'node:assert/strict';
import { invalidRegex } from '../../../src/core/analysis/rules/istio-validation/invalid-regex';
import { checkRe2 } from '../../../src/core/istio/re2';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (match: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
spec:
  hosts: [api]
  http:
    - match:
        - ${match}
      route:
        - destination: {host: api}
`;

testRule(invalidRegex, {
  valid: [
    {
      name: 'RE2 syntax JavaScript would refuse: flags, named groups, Unicode and POSIX classes',
      files: {
        'a.yaml': VS('uri: {regex: "(?i)^/api/(?P<version>v[0-9]+)/.*"}'),
        'b.yaml': VS('headers: {x-name: {regex: "\\\\pL+[[:digit:]]*"}}'),
      },
    },
    { name: '"*" in withoutHeaders means "present", not a regex', files: { 'a.yaml': VS('withoutHeaders: {x-debug: {regex: "*"}}') } },
  ],
  invalid: [
    {
      name: 'a negative lookahead in a URI match',
      files: { 'a.yaml': VS('uri: {regex: "^/api/(?!internal).*"}') },
      expected: [['ML0025', 'VirtualService default/api', 'spec.http[0].match[0].uri.regex']],
      at: ['a.yaml:9:24'],
    },
    {
      name: 'a backreference in a header match, and a stacked quantifier in a query parameter',
      files: { 'a.yaml': VS('headers: {x-pair: {regex: "(a)\\\\1"}}\n          queryParams: {id: {regex: "[0-9]++"}}') },
      expected: [
        ['ML0025', 'VirtualService default/api', 'spec.http[0].match[0].headers.x-pair.regex'],
        ['ML0025', 'VirtualService default/api', 'spec.http[0].match[0].queryParams.id.regex'],
      ],
      at: ['a.yaml:9:37', 'a.yaml:10:37'],
    },
    {
      name: 'an unclosed group in a rewrite',
      files: {
        'a.yaml':
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\nspec:\n  hosts: [api]\n  http:\n    - rewrite:\n        uriRegexRewrite: {match: "^/v1/(.*", rewrite: "/v2/\\\\1"}\n      route:\n        - destination: {host: api}\n',
      },
      expected: [['ML0025', 'VirtualService default/api', 'spec.http[0].rewrite.uriRegexRewrite.match']],
      at: ['a.yaml:9:34'],
    },
  ],
});

describe('ML0025 messages', () => {
  it('say what RE2 lacks, and where', () => {
    const found = allFindings(engineWith({ 'a.yaml': VS('uri: {regex: "^/api/(?!internal).*"}') }, [invalidRegex]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      ['9:24-9:46 Not a valid RE2 expression: lookahead and lookbehind are not supported at "(?!". Istio and Envoy use RE2 syntax (no lookarounds, no backreferences).'],
    );
  });
});

describe('RE2 syntax check', () => {
  it('accepts what Go\'s regexp accepts', () => {
    for (const re of ['', 'abc', '^/api/v[0-9]+/.*$', '(?i)foo', '(?P<n>x)', '(?<n>x)', '\\pL+', '\\p{Greek}', '[[:alpha:]]+', '\\Qa.b\\E', 'a{2,3}', 'x{', 'a{,3}', '[]a]', '[^]a]', '\\12', 'a*?', '\\.', '[a-z-]', '\\x41\\x{10FFFF}', '\\A\\z', '(?)', '(?-i:a)', '^*']) {
      assert.equal(checkRe2(re), null, re);
    }
  });

  it('refuses what it refuses, with Go\'s words', () => {
    const cases: Array<[string, string, string]> = [
      ['(?=a)', 'invalid or unsupported Perl syntax', '(?='],
      ['(?<!a)b', 'invalid or unsupported Perl syntax', '(?<!'],
      ['(a)\\1', 'invalid escape sequence', '\\1'],
      ['a**', 'invalid nested repetition operator', '**'],
      ['a*??', 'invalid nested repetition operator', '*??'],
      ['*a', 'missing argument to repetition operator', '*'],
      ['(*)', 'missing argument to repetition operator', '*'],
      ['(ab', 'missing closing )', '(ab'],
      ['ab)', 'unexpected )', ')'],
      ['[a', 'missing closing ]', '[a'],
      ['[z-a]', 'invalid character class range', 'z-a'],
      ['[[:foo:]]', 'invalid character class range', '[:foo:]'],
      ['a\\', 'trailing backslash at end of expression', '\\'],
      ['a{1001}', 'invalid repeat count', '{1001}'],
      ['a{3,2}', 'invalid repeat count', '{3,2}'],
      ['\\Z', 'invalid escape sequence', '\\Z'],
      ['(?>a)', 'invalid or unsupported Perl syntax', '(?>'],
      ['(?P<a>x)(?P<a>y)', 'duplicate capture group name', '(?P<a>'],
      ['(?P<a-b>x)', 'invalid named capture', '(?P<a-b>'],
      ['[\\b]', 'invalid escape sequence', '\\b'],
    ];
    for (const [re, code, near] of cases) assert.deepEqual(checkRe2(re) && { code: checkRe2(re)!.code, near: checkRe2(re)!.near }, { code, near }, re);
  });
});
