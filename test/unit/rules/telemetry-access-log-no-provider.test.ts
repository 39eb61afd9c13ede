import * as assert from 'node:assert/strict';
import { telemetryAccessLogNoProvider as rule } from '../../../src/core/analysis/rules/istio/telemetry/telemetry-access-log-no-provider';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** accessLogging entry i starts on line 8 + 2i. */
const tm = (entries: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  accessLogging:\n${entries}`;
const mesh = (text: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n${text.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
const NO_PROVIDER = '    - filter:\n        expression: response.code >= 400\n';

testRule(rule, {
  valid: [
    { name: 'a provider named', files: { 't.yaml': tm('    - providers: [{name: envoy}]\n') } },
    { name: 'the mesh config has a default access-log provider', files: { 'm.yaml': mesh('defaultProviders:\n  accessLogging: [envoy]'), 't.yaml': tm(NO_PROVIDER) } },
    { name: 'an entry that disables logging', files: { 't.yaml': tm('    - disabled: true\n') } },
  ],
  invalid: [
    {
      name: 'the mesh config has no default provider',
      files: { 'm.yaml': mesh('accessLogFile: /dev/stdout'), 't.yaml': tm(`    - providers: [{name: envoy}]\n${NO_PROVIDER}`) },
      expected: [['ML1143', 'Telemetry istio-system/mesh-default', 'spec.accessLogging[1]']],
      at: ['t.yaml:9:7'],
    },
    {
      name: 'the mesh config is not in the workspace',
      files: { 't.yaml': tm(NO_PROVIDER) },
      expected: [['ML1143', 'Telemetry istio-system/mesh-default', 'spec.accessLogging[0]']],
      at: ['t.yaml:8:7'],
    },
  ],
});

describe('ML1143 messages', () => {
  it('is sure only when it has the mesh config', () => {
    assert.deepEqual(lint(rule, { 'm.yaml': mesh('accessLogFile: /dev/stdout'), 't.yaml': tm(NO_PROVIDER) }).map((f) => `${f.severity}: ${f.message}`), [
      'warning: This accessLogging entry names no provider and ConfigMap istio-system/istio has no default access-log provider, so it enables nothing.',
    ]);
    assert.deepEqual(lint(rule, { 't.yaml': tm(NO_PROVIDER) }).map((f) => `${f.severity}: ${f.message}`), [
      'info: This accessLogging entry names no provider; unless the mesh config (not in the workspace) sets defaultProviders.accessLogging, it enables nothing.',
    ]);
  });
});
