import * as assert from 'node:assert/strict';
import { telemetryLightstepProvider as rule } from '../../../src/core/analysis/rules/istio/telemetry/telemetry-lightstep-provider';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** The provider's name is on line 9, column 17. */
const tm = (provider: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  tracing:\n    - providers:\n        - name: ${provider}\n`;
const mesh = (name: string, type: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    extensionProviders:\n      - name: ${name}\n        ${type}:\n          service: tracing.monitoring.svc.cluster.local\n          port: 443\n`;

testRule(rule, {
  valid: [
    { name: 'an opentelemetry provider', files: { 'm.yaml': mesh('otel', 'opentelemetry'), 't.yaml': tm('otel') } },
    { name: 'a provider named lightstep that the mesh config says is opentelemetry', files: { 'm.yaml': mesh('lightstep', 'opentelemetry'), 't.yaml': tm('lightstep') } },
    { name: 'an unknown provider without the mesh config', files: { 't.yaml': tm('zipkin') } },
  ],
  invalid: [
    { name: 'a Lightstep provider in the mesh config', files: { 'm.yaml': mesh('ls', 'lightstep'), 't.yaml': tm('ls') }, expected: [['ML1144', 'Telemetry istio-system/mesh-default', 'spec.tracing[0].providers[0].name']], at: ['t.yaml:9:17'] },
    { name: 'named lightstep, without the mesh config', files: { 't.yaml': tm('lightstep') }, expected: [['ML1144', 'Telemetry istio-system/mesh-default', 'spec.tracing[0].providers[0].name']], at: ['t.yaml:9:17'] },
  ],
});

describe('ML1144 messages', () => {
  it('is sure only when it has the mesh config', () => {
    assert.deepEqual(lint(rule, { 'm.yaml': mesh('ls', 'lightstep'), 't.yaml': tm('ls') }).map((f) => `${f.severity}: ${f.message}`), [
      'warning: Provider "ls" is a Lightstep provider in ConfigMap istio-system/istio; Lightstep is deprecated, use an opentelemetry provider.',
    ]);
    assert.deepEqual(lint(rule, { 't.yaml': tm('lightstep') }).map((f) => `${f.severity}: ${f.message}`), [
      'info: Provider "lightstep" looks like a Lightstep provider (the mesh config is not in the workspace); Lightstep is deprecated, use an opentelemetry provider.',
    ]);
  });
});
