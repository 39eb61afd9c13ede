import * as assert from 'node:assert/strict';
import { enumValue } from '../../../src/core/analysis/rules/schema/enum-value';
import { mayBeNewerValue } from '../../../src/core/schema/models';
import { allFindings, applyFix, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const PA = (mode: string) => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: ${mode}\n`;

const EF = (operation: string) =>
  `apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: ef\nspec:\n  configPatches:\n    - applyTo: NETWORK_FILTER\n      patch:\n        operation: ${operation}\n`;
const PVC_POD = (modes: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: a, image: b}]\n  volumes:\n    - name: scratch\n      ephemeral:\n        volumeClaimTemplate:\n          spec:\n            accessModes: ${modes}\n`;

testRule(enumValue, {
  valid: [{ name: 'STRICT', files: { 'pa.yaml': PA('STRICT') } }],
  invalid: [
    { name: 'wrong case', files: { 'pa.yaml': PA('strict') }, expected: [['ML0012', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']], at: ['pa.yaml:8:11'] },
    { name: 'no such value', files: { 'pa.yaml': PA('MUTUAL') }, expected: [['ML0012', 'PeerAuthentication istio-system/default', 'spec.mtls.mode']] },
    {
      // Both live under fields the models write as a CRD oneOf (`{...} & (Exclude<...> | ...)`).
      name: 'inside a DestinationRule load balancer and an AuthorizationPolicy',
      files: {
        'dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  trafficPolicy:\n    loadBalancer:\n      simple: round_robin\n',
        'ap.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  action: allow\n',
      },
      expected: [
        ['ML0012', 'AuthorizationPolicy default/a', 'spec.action'],
        ['ML0012', 'DestinationRule default/r', 'spec.trafficPolicy.loadBalancer.simple'],
      ],
      at: ['ap.yaml:6:11', 'dr.yaml:9:15'],
    },
    {
      // Values a newer release could not have added: no new release adds these.
      name: 'in a custom resource: a value of another style, of words the enum never uses, or close to an allowed one',
      files: { 'a.yaml': EF('merge_deep'), 'b.yaml': EF('BLAH'), 'c.yaml': EF('INSERT_FRIST'), 'd.yaml': PA('ISTIO_MUTUAL') },
      expected: [
        ['ML0012', 'EnvoyFilter default/ef', 'spec.configPatches[0].patch.operation'],
        ['ML0012', 'EnvoyFilter default/ef', 'spec.configPatches[0].patch.operation'],
        ['ML0012', 'EnvoyFilter default/ef', 'spec.configPatches[0].patch.operation'],
        ['ML0012', 'PeerAuthentication istio-system/default', 'spec.mtls.mode'],
      ],
      at: ['a.yaml:9:20', 'b.yaml:9:20', 'c.yaml:9:20', 'd.yaml:8:11'],
    },
    {
      name: 'a flow item with a trailing colon: Kubernetes reads the colon as part of the value',
      files: { 'p.yaml': PVC_POD('[ReadWriteOnce:]') },
      expected: [['ML0012', 'Pod default/p', 'spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes[0]']],
      at: ['p.yaml:12:27'],
    },
  ],
});

describe('ML0012 messages and fixes', () => {
  it('suggests the value in the right case, with a fix, and lists the allowed values', () => {
    const [f] = allFindings(engineWith({ 'pa.yaml': PA('strict') }, [enumValue]));
    assert.match(f.message, /^"strict" is not allowed here: did you mean "STRICT"\? \(allowed: .*PERMISSIVE.*\)$/);
    assert.equal(span(f), '8:11-8:17');
    assert.deepEqual(f.fixes.map((x) => [x.title, x.edits[0].newText]), [['Change to "STRICT"', 'STRICT']]);
  });

  it('lists the allowed values when nothing is close', () => {
    const [f] = allFindings(engineWith({ 'pa.yaml': PA('MUTUAL') }, [enumValue]));
    assert.match(f.message, /^"MUTUAL" is not allowed here; use one of: (\w+, )+\w+\.$/);
    assert.deepEqual(f.fixes, []);
  });
});

describe('ML0012 values a newer release may have added', () => {
  it('in a custom resource, a value built from the enum\'s words with nothing close to it is a warning naming the model', () => {
    const [f] = allFindings(engineWith({ 'ef.yaml': EF('MERGE_DEEP') }, [enumValue]));
    assert.equal(f.severity, 'warning');
    assert.match(
      f.message,
      /^"MERGE_DEEP" is not one of the values the Istio schema MeshLens knows \(@kubernetes-models\/istio \d+\.\d+\.\d+\): INVALID, MERGE, .*REPLACE.*\. If your Istio is newer it may be a new value; otherwise the API server rejects it\.$/,
    );
    assert.equal(span(f), '9:20-9:30');
    assert.deepEqual(f.fixes, []);
  });

  it('the same value in a built-in kind stays an error', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: [{port: 80, protocol: TCP_PROXY}]\n';
    const [f] = allFindings(engineWith({ 's.yaml': svc }, [enumValue]));
    assert.equal(f.severity, 'error');
    assert.equal(f.message, '"TCP_PROXY" is not allowed here; use one of: SCTP, TCP, UDP.');
  });

  it('a near miss stays an error with its fix', () => {
    const [f] = allFindings(engineWith({ 'ef.yaml': EF('INSERT_FRIST') }, [enumValue]));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^"INSERT_FRIST" is not allowed here: did you mean "INSERT_FIRST"\?/);
  });

  it('judges style and words', () => {
    const ops = ['INVALID', 'MERGE', 'ADD', 'REMOVE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE'];
    assert.equal(mayBeNewerValue('MERGE_AND_REPLACE_LIST', ops), true);
    assert.equal(mayBeNewerValue('BLAH', ops), false);
    assert.equal(mayBeNewerValue('Merge_And_Replace', ops), false);
    assert.equal(mayBeNewerValue('merge-deep', ops), false);
    const modes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
    assert.equal(mayBeNewerValue('ReadOnlyOncePod', modes), true);
    assert.equal(mayBeNewerValue('WriteOnly', modes), true);
    assert.equal(mayBeNewerValue('Exclusive', modes), false);
    assert.equal(mayBeNewerValue('READ_ONLY', modes), false);
    // Numbers, and enums mixing styles, give no ground to guess on.
    assert.equal(mayBeNewerValue('3', [1, 2]), false);
    assert.equal(mayBeNewerValue('HTTP_2', ['HTTP', 'Terminate']), false);
  });
});

describe('ML0012 values Kubernetes reads with a trailing colon', () => {
  it('names the value as Kubernetes reads it, and the fix drops the colon', () => {
    const text = PVC_POD('[ReadWriteOnce:]');
    const [f] = allFindings(engineWith({ 'p.yaml': text }, [enumValue]));
    assert.match(f.message, /^"ReadWriteOnce:" is not allowed here: did you mean "ReadWriteOnce"\?/);
    assert.equal(span(f), '12:27-12:41');
    assert.equal(applyFix(text, f.fixes[0]), PVC_POD('[ReadWriteOnce]'));
  });

  it('keeps the key as written, where YAML 1.2 would read a number', () => {
    const [f] = allFindings(engineWith({ 'p.yaml': PVC_POD('[1.10:]') }, [enumValue]));
    assert.match(f.message, /^"1\.10:" is not allowed here; use one of: /);
  });
});
