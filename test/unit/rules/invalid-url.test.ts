import * as assert from 'node:assert/strict';
import { invalidUrl } from '../../../src/core/analysis/rules/istio-validation/invalid-url';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const RA = (uri: string) => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
spec:
  jwtRules:
    - issuer: example
      jwksUri: ${uri}
`;

const WASM = (url: string) => `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: auth
spec:
  url: ${url}
`;

testRule(invalidUrl, {
  valid: [
    { name: 'http and https JWKS locations', files: { 'a.yaml': RA('https://example.com/.well-known/jwks.json'), 'b.yaml': RA('HTTP://keys.internal:8080/jwks') } },
    {
      name: 'Wasm modules from OCI, HTTP and files, and a bare image reference',
      files: { 'a.yaml': WASM('oci://ghcr.io/example/auth:1.0'), 'b.yaml': WASM('https://example.com/auth.wasm'), 'c.yaml': WASM('file:///opt/auth.wasm'), 'd.yaml': WASM('ghcr.io/example/auth:1.0') },
    },
    {
      name: 'an upper-case probe scheme',
      files: { 'wg.yaml': 'apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: vms\nspec:\n  template: {}\n  probe:\n    httpGet: {port: 8080, scheme: HTTPS}\n' },
    },
  ],
  invalid: [
    {
      name: 'a JWKS location that is not http(s), and one with a control character',
      files: { 'a.yaml': RA('ftp://example.com/jwks'), 'b.yaml': RA('"hTPp\\\\\\blah"') },
      expected: [
        ['ML0023', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].jwksUri'],
        ['ML0023', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].jwksUri'],
      ],
      at: ['a.yaml:8:16', 'b.yaml:8:16'],
    },
    {
      name: 'a Wasm module with an unknown scheme, and one that does not parse',
      files: { 'a.yaml': WASM('s3://modules/auth.wasm'), 'b.yaml': WASM('"#%blah$#@"') },
      expected: [
        ['ML0023', 'WasmPlugin default/auth', 'spec.url'],
        ['ML0023', 'WasmPlugin default/auth', 'spec.url'],
      ],
      at: ['a.yaml:6:8', 'b.yaml:6:8'],
    },
    {
      name: 'a lower-case probe scheme',
      files: { 'wg.yaml': 'apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: vms\nspec:\n  template: {}\n  probe:\n    httpGet: {port: 8080, scheme: https}\n' },
      expected: [['ML0023', 'WorkloadGroup default/vms', 'spec.probe.httpGet.scheme']],
      at: ['wg.yaml:8:35'],
    },
  ],
});

describe('ML0023 messages', () => {
  it('name the scheme or the parse problem, with control characters made visible', () => {
    const found = allFindings(engineWith({ 'a.yaml': RA('"hTPp\\\\\\blah"'), 'b.yaml': WASM('s3://modules/auth.wasm') }, [invalidUrl]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      [
        '8:16-8:29 jwksUri "hTPp\\\\x08lah" is not a URL (invalid control character in URL); it must be an http:// or https:// URL.',
        '6:8-6:30 url "s3://modules/auth.wasm" has scheme s3; Wasm modules are fetched from http, https, file or oci URLs ("url must have schema one of [http, https, file, oci]").',
      ],
    );
  });
});
