import * as assert from 'node:assert/strict';
import { apiVersion } from '../../../src/core/analysis/rules/objects/api-version';
import { allFindings, applyFix, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const DR = (v: string) => `apiVersion: ${v}\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n`;
const DEPLOY = (v: string) =>
  `apiVersion: ${v}\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n`;

testRule(apiVersion, {
  valid: [
    { name: 'the current Istio version', files: { 'dr.yaml': DR('networking.istio.io/v1') } },
    { name: 'apps/v1', files: { 'd.yaml': DEPLOY('apps/v1') } },
    { name: 'kinds MeshLens does not know are left alone', files: { 'x.yaml': 'apiVersion: example.com/v1beta7\nkind: Widget\nmetadata:\n  name: w\n' } },
    { name: 'EnvoyFilter has only v1alpha3', files: { 'ef.yaml': 'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: e\nspec: {}\n' } },
  ],
  invalid: [
    { name: 'an older Istio version', files: { 'dr.yaml': DR('networking.istio.io/v1alpha3') }, expected: [['ML0008', 'DestinationRule default/reviews', 'apiVersion']], at: ['dr.yaml:1:13'] },
    { name: 'a removed Kubernetes version', files: { 'd.yaml': DEPLOY('extensions/v1beta1') }, expected: [['ML0008', 'Deployment default/web', 'apiVersion']], at: ['d.yaml:1:13'] },
    { name: 'a version typo', files: { 'dr.yaml': DR('networking.istio.io/v1beta') }, expected: [['ML0008', 'DestinationRule default/reviews', 'apiVersion']], at: ['dr.yaml:1:13'] },
  ],
});

describe('ML0008 messages, severities and fixes', () => {
  it('an older Istio version is information, and switching is the preferred fix', () => {
    const text = DR('"networking.istio.io/v1beta1"');
    const [f] = allFindings(engineWith({ 'dr.yaml': text }, [apiVersion]));
    assert.equal(f.severity, 'info');
    assert.equal(f.message, 'networking.istio.io/v1beta1 is an older version of DestinationRule; networking.istio.io/v1 (since Istio 1.22) has the same schema.');
    assert.equal(span(f), '1:13-1:42');
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Switch to networking.istio.io/v1', true]]);
    assert.equal(applyFix(text, f.fixes[0]), DR('"networking.istio.io/v1"'), 'the quotes stay');
  });

  it('a removed version is an error; switching is only a suggestion since apps/v1 asks for more', () => {
    const [f] = allFindings(engineWith({ 'd.yaml': DEPLOY('apps/v1beta2') }, [apiVersion]));
    assert.equal(f.severity, 'error');
    assert.equal(f.message, 'apps/v1beta2 Deployment is no longer served since Kubernetes 1.16; use apps/v1.');
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Switch to apps/v1', false]]);
    const [c] = allFindings(engineWith({ 'c.yaml': 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n' }, [apiVersion]));
    assert.equal(c.message, 'batch/v1beta1 CronJob is no longer served since Kubernetes 1.25; use batch/v1.');
  });

  it('an unknown version is a warning that lists the known ones and offers the current one', () => {
    const [f] = allFindings(engineWith({ 'dr.yaml': DR('networking.istio.io/v1beta') }, [apiVersion]));
    assert.equal(f.severity, 'warning');
    assert.equal(
      f.message,
      'MeshLens does not know networking.istio.io/v1beta for DestinationRule (known: networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3), so its fields are not checked; is it a typo?',
    );
    assert.equal(applyFix(DR('networking.istio.io/v1beta'), f.fixes[0]), DR('networking.istio.io/v1'));
  });
});
