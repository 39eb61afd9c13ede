import * as assert from 'node:assert/strict';
import { conflictingFields } from '../../../src/core/analysis/rules/istio-validation/conflicting-fields';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const head = (apiVersion: string, kind: string, name: string) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;

const RA = (spec: string) => head('security.istio.io/v1', 'RequestAuthentication', 'jwt') + spec;
const AP = (source: string) => head('security.istio.io/v1', 'AuthorizationPolicy', 'allow') + `  rules:\n    - from:\n        - source: {${source}}\n`;
const SE = (rest: string) => head('networking.istio.io/v1', 'ServiceEntry', 'db') + `  hosts: [db.internal]\n  ports: [{name: tcp, number: 5432, protocol: TCP}]\n${rest}`;
const PA = (spec: string) => head('security.istio.io/v1', 'PeerAuthentication', 'web') + spec;
const TM = (tag: string) =>
  head('telemetry.istio.io/v1', 'Telemetry', 'mesh') + `  metrics:\n    - overrides:\n        - tagOverrides:\n            ${tag}\n`;
const WASM = (env: string) => head('extensions.istio.io/v1alpha1', 'WasmPlugin', 'auth') + `  url: oci://ghcr.io/example/auth:1\n  vmConfig:\n    env:\n      - ${env}\n`;
const EF = (match: string) => head('networking.istio.io/v1alpha3', 'EnvoyFilter', 'wp') + `  configPatches:\n    - applyTo: HTTP_FILTER\n      match: {${match}}\n`;
const VS = (http: string) => head('networking.istio.io/v1', 'VirtualService', 'reviews') + `  hosts: [reviews]\n  http:\n    - ${http}\n`;

testRule(conflictingFields, {
  valid: [
    { name: 'a policy with target references only', files: { 'ra.yaml': RA('  targetRefs:\n    - {kind: Service, group: "", name: api}\n  jwtRules:\n    - {issuer: example, jwksUri: "https://example.com/jwks"}\n') } },
    { name: 'service accounts alone in a source', files: { 'ap.yaml': AP('serviceAccounts: [bookinfo/reviews]') } },
    {
      name: 'endpoints under STATIC, one endpoint under DNS_ROUND_ROBIN',
      files: { 'a.yaml': SE('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1}, {address: 10.0.0.2}]\n'), 'b.yaml': SE('  resolution: DNS_ROUND_ROBIN\n  endpoints: [{address: db.example.com}]\n') },
    },
    { name: 'port-level mTLS with a workload selector', files: { 'pa.yaml': PA('  selector:\n    matchLabels: {app: web}\n  portLevelMtls:\n    "8080": {mode: DISABLE}\n') } },
    { name: 'an UPSERT with a value, a REMOVE without', files: { 'a.yaml': TM('foo: {operation: UPSERT, value: "request.host"}'), 'b.yaml': TM('foo: {operation: REMOVE}') } },
    { name: 'an inline env value, a host env without one', files: { 'a.yaml': WASM('{name: A, value: x}'), 'b.yaml': WASM('{name: B, valueFrom: HOST}') } },
    { name: 'a waypoint match in the WAYPOINT context', files: { 'ef.yaml': EF('context: WAYPOINT, waypoint: {portNumber: 8080}') } },
    { name: 'a redirect alone, a delegate alone', files: { 'a.yaml': VS('redirect: {uri: /v2}'), 'b.yaml': VS('delegate: {name: reviews-v2}') } },
  ],
  invalid: [
    {
      name: 'a selector and a target reference',
      files: { 'ra.yaml': RA('  selector:\n    matchLabels: {app: api}\n  targetRef: {kind: Service, group: "", name: api}\n') },
      expected: [['ML0021', 'RequestAuthentication default/jwt', 'spec.targetRef']],
      at: ['ra.yaml:8:3'],
    },
    {
      name: 'jwks inline and jwksUri in one rule',
      files: { 'ra.yaml': RA('  jwtRules:\n    - issuer: example\n      jwksUri: https://example.com/jwks\n      jwks: "{}"\n') },
      expected: [['ML0021', 'RequestAuthentication default/jwt', 'spec.jwtRules[0].jwks']],
      at: ['ra.yaml:9:7'],
    },
    {
      name: 'service accounts with namespaces',
      files: { 'ap.yaml': AP('serviceAccounts: [bar/sa], namespaces: [bar]') },
      expected: [['ML0021', 'AuthorizationPolicy default/allow', 'spec.rules[0].from[0].source.namespaces']],
      at: ['ap.yaml:8:47'],
    },
    {
      name: 'endpoints under the default resolution NONE, and with a workload selector',
      files: { 'se.yaml': SE('  workloadSelector:\n    labels: {app: db}\n  endpoints: [{address: 10.0.0.1}]\n') },
      expected: [
        ['ML0021', 'ServiceEntry default/db', 'spec.endpoints'],
        ['ML0021', 'ServiceEntry default/db', 'spec.endpoints'],
      ],
      at: ['se.yaml:10:3', 'se.yaml:10:3'],
    },
    {
      name: 'two endpoints under DNS_ROUND_ROBIN',
      files: { 'se.yaml': SE('  resolution: DNS_ROUND_ROBIN\n  endpoints: [{address: a.example.com}, {address: b.example.com}]\n') },
      expected: [['ML0021', 'ServiceEntry default/db', 'spec.endpoints[1]']],
      at: ['se.yaml:9:41'],
    },
    {
      name: 'port-level mTLS without a selector',
      files: { 'pa.yaml': PA('  portLevelMtls:\n    "8080": {mode: DISABLE}\n') },
      expected: [['ML0021', 'PeerAuthentication default/web', 'spec.portLevelMtls']],
      at: ['pa.yaml:6:3'],
    },
    {
      name: 'tag overrides: UPSERT without a value (said or by default), REMOVE with one',
      files: { 'a.yaml': TM('foo: {operation: UPSERT}'), 'b.yaml': TM('foo: {}'), 'c.yaml': TM('foo: {operation: REMOVE, value: oops}') },
      expected: [
        ['ML0021', 'Telemetry default/mesh', 'spec.metrics[0].overrides[0].tagOverrides.foo.operation'],
        ['ML0021', 'Telemetry default/mesh', 'spec.metrics[0].overrides[0].tagOverrides.foo'],
        ['ML0021', 'Telemetry default/mesh', 'spec.metrics[0].overrides[0].tagOverrides.foo.value'],
      ],
      at: ['a.yaml:9:19', 'b.yaml:9:13', 'c.yaml:9:38'],
    },
    {
      name: 'a host env variable with a value',
      files: { 'w.yaml': WASM('{name: A, valueFrom: HOST, value: x}') },
      expected: [['ML0021', 'WasmPlugin default/auth', 'spec.vmConfig.env[0].value']],
      at: ['w.yaml:9:36'],
    },
    {
      name: 'a waypoint match outside WAYPOINT, and WAYPOINT without one',
      files: { 'a.yaml': EF('context: SIDECAR_INBOUND, waypoint: {portNumber: 8080}'), 'b.yaml': EF('context: WAYPOINT, listener: {portNumber: 8080}') },
      expected: [
        ['ML0021', 'EnvoyFilter default/wp', 'spec.configPatches[0].match.waypoint'],
        ['ML0021', 'EnvoyFilter default/wp', 'spec.configPatches[0].match.context'],
      ],
      at: ['a.yaml:8:41', 'b.yaml:8:24'],
    },
    {
      name: 'a route and a redirect in one HTTP route',
      files: { 'vs.yaml': VS('route: [{destination: {host: reviews}}]\n      redirect: {uri: /v2}') },
      expected: [['ML0021', 'VirtualService default/reviews', 'spec.http[0].redirect']],
      at: ['vs.yaml:9:7'],
    },
    {
      name: 'a TLS credential name and names',
      files: {
        'gw.yaml':
          head('networking.istio.io/v1', 'Gateway', 'gw') +
          '  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: ["*"]\n      tls: {mode: SIMPLE, credentialName: a, credentialNames: [a, b]}\n',
      },
      expected: [['ML0021', 'Gateway default/gw', 'spec.servers[0].tls.credentialNames']],
      at: ['gw.yaml:9:46'],
    },
    {
      name: 'a tunnel with the PROXY protocol',
      files: {
        'dr.yaml': head('networking.istio.io/v1', 'DestinationRule', 'egress') + '  host: egress\n  trafficPolicy:\n    tunnel: {protocol: CONNECT, targetHost: a.example.com, targetPort: 443}\n    proxyProtocol: {version: V1}\n',
      },
      expected: [['ML0021', 'DestinationRule default/egress', 'spec.trafficPolicy.proxyProtocol']],
      at: ['dr.yaml:9:5'],
    },
  ],
});

describe('ML0021 messages', () => {
  it('name both fields and quote the upstream rule', () => {
    const messages = (files: Record<string, string>) => allFindings(engineWith(files, [conflictingFields])).map((f) => `${span(f)} ${f.message}`);
    assert.deepEqual(messages({ 'ra.yaml': RA('  selector:\n    matchLabels: {app: api}\n  targetRef: {kind: Service, group: "", name: api}\n') }), [
      '8:3-8:12 "targetRef" cannot be set together with "selector" (only one of targetRefs or selector can be set); keep one of them.',
    ]);
    assert.deepEqual(messages({ 'se.yaml': SE('  endpoints: [{address: 10.0.0.1}]\n') }), [
      '8:3-8:12 resolution NONE (the default) takes no endpoints ("NONE mode cannot set endpoints"): set resolution to STATIC or DNS, or remove the endpoints.',
    ]);
    assert.deepEqual(messages({ 'b.yaml': TM('foo: {}') }), [
      '9:13-9:16 Tag override "foo" has no operation (UPSERT is the default) but no value ("value must be set when operation is UPSERT").',
    ]);
  });
});
