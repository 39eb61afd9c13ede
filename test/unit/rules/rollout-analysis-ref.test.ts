import * as assert from 'node:assert/strict';
import { rolloutAnalysisRef } from '../../../src/core/analysis/rules/rollouts/rollout-analysis-ref';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const S = 'spec.strategy.canary.steps';
const template = (name: string, spec: string, kind = 'AnalysisTemplate') => `apiVersion: argoproj.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const WEB = (metric: string, extra = '') => `  metrics:\n  - name: ${metric}\n${extra}    provider:\n      web: {url: "http://{{args.service}}/health"}\n`;
const SUCCESS = template('success-rate', `  args:\n  - name: service\n${WEB('success-rate')}`);
const stepAnalysis = (body: string) => rollout(`canary:\n  steps:\n  - setWeight: 20\n  - analysis:\n${body}`);

testRule(rolloutAnalysisRef, {
  valid: [
    {
      name: 'the argument is supplied',
      files: {
        'a.yaml': stepAnalysis('      templates:\n      - templateName: success-rate\n      args:\n      - name: service\n        value: shop\n'),
        't.yaml': SUCCESS,
      },
    },
    {
      name: 'a ClusterAnalysisTemplate whose argument has a default',
      files: {
        'a.yaml': stepAnalysis('      templates:\n      - templateName: success-rate\n        clusterScope: true\n'),
        't.yaml': template('success-rate', `  args:\n  - name: service\n    value: shop\n${WEB('ok')}`, 'ClusterAnalysisTemplate'),
      },
    },
    {
      name: 'a background analysis may run indefinitely',
      files: {
        'a.yaml': rollout('canary:\n  analysis:\n    templates:\n    - templateName: bg\n'),
        't.yaml': template('bg', WEB('ok', '    interval: 1m\n').replace('{{args.service}}', 'shop')),
      },
    },
    { name: 'no analysis', files: { 'a.yaml': rollout('canary: {}\n') } },
  ],
  invalid: [
    {
      name: 'an argument without value the analysis does not supply',
      files: {
        'a.yaml': stepAnalysis('      templates:\n      - templateName: success-rate\n'),
        't.yaml': SUCCESS,
      },
      expected: [['ML3006', R, `${S}[1].analysis.templates`]],
      at: ['a.yaml:25:11'],
    },
    {
      name: 'a missing template: near miss is an error, a namespace without templates is unresolved',
      files: {
        'a.yaml': stepAnalysis('      templates:\n      - templateName: succes-rate\n'),
        't.yaml': SUCCESS,
      },
      expected: [['ML3006', R, `${S}[1].analysis.templates[0].templateName`]],
      at: ['a.yaml:26:27'],
    },
    {
      name: 'two templates with a metric of the same name',
      files: {
        'a.yaml': stepAnalysis('      templates:\n      - templateName: a\n      - templateName: b\n'),
        't.yaml': `${template('a', WEB('rate').replace('{{args.service}}', 'shop'))}---\n${template('b', WEB('rate').replace('{{args.service}}', 'shop'))}`,
      },
      expected: [['ML3006', R, `${S}[1].analysis.templates`]],
      at: ['a.yaml:25:11'],
    },
    {
      name: 'dry-run rules of the same metric in the step and the template',
      files: {
        'a.yaml': stepAnalysis('      templates:\n      - templateName: a\n      dryRun:\n      - metricName: rate\n'),
        't.yaml': template('a', `  dryRun:\n  - metricName: rate\n${WEB('rate').replace('{{args.service}}', 'shop')}`),
      },
      expected: [['ML3006', R, `${S}[1].analysis.templates`]],
      at: ['a.yaml:25:11'],
    },
    {
      name: 'a pre-promotion metric that never stops',
      files: {
        'a.yaml': rollout('blueGreen:\n  activeService: a\n  prePromotionAnalysis:\n    templates:\n    - templateName: smoke\n'),
        't.yaml': template('smoke', WEB('smoke', '    interval: 30s\n    count: 0\n').replace('{{args.service}}', 'shop')),
      },
      expected: [['ML3006', R, 'spec.strategy.blueGreen.prePromotionAnalysis.templates']],
      at: ['a.yaml:24:9'],
    },
  ],
});

describe('ML3006 messages and severities', () => {
  it('quote the controller', () => {
    assert.deepEqual(
      messagesOf(rolloutAnalysisRef, {
        'a.yaml': stepAnalysis('      templates:\n      - templateName: success-rate\n'),
        't.yaml': SUCCESS,
      }),
      ['args.service was not resolved: AnalysisTemplate "success-rate" declares argument "service" without a value and this analysis does not supply it.'],
    );
    assert.deepEqual(
      messagesOf(rolloutAnalysisRef, {
        'a.yaml': rollout('blueGreen:\n  activeService: a\n  prePromotionAnalysis:\n    templates:\n    - templateName: smoke\n'),
        't.yaml': template('smoke', WEB('smoke', '    interval: 30s\n    count: 0\n').replace('{{args.service}}', 'shop')),
      }),
      ['AnalysisTemplate smoke has metric smoke which runs indefinitely. Invalid value for count: 0 (a pre-promotion analysis must finish: set count, or remove interval).'],
    );
  });

  it('a missing template is an error when the namespace has others, else unresolved', () => {
    const near = allFindings(
      engineWith(
        {
          'a.yaml': stepAnalysis('      templates:\n      - templateName: succes-rate\n'),
          't.yaml': SUCCESS,
        },
        [rolloutAnalysisRef],
      ),
    );
    assert.deepEqual(
      near.map((f) => [f.severity, f.message]),
      [['error', 'AnalysisTemplate "succes-rate" not found in namespace default (did you mean "success-rate"?).']],
    );
    const far = allFindings(
      engineWith(
        {
          'a.yaml': stepAnalysis('      templates:\n      - templateName: success-rate\n'),
        },
        [rolloutAnalysisRef],
      ),
    );
    assert.deepEqual(
      far.map((f) => [f.severity, f.unresolved]),
      [['warning', true]],
    );
  });
});

describe('ML3006 quick fix: add the missing argument', () => {
  it('inserts args before templates when the analysis has none', () => {
    const text = stepAnalysis('      templates:\n      - templateName: success-rate\n');
    const [f] = allFindings(engineWith({ 'a.yaml': text, 't.yaml': SUCCESS }, [rolloutAnalysisRef]));
    assert.equal(f.fixes[0].title, 'Add argument service to this analysis');
    const fixed = applyFix(text, f.fixes[0]);
    assert.ok(
      fixed.endsWith('      - analysis:\n          args:\n          - name: service\n            value: ""\n          templates:\n          - templateName: success-rate\n'),
      fixed,
    );
    assert.deepEqual(allFindings(engineWith({ 'a.yaml': fixed, 't.yaml': SUCCESS }, [rolloutAnalysisRef])), []);
  });

  it('appends to existing args', () => {
    const two = template('success-rate', `  args:\n  - name: service\n  - name: namespace\n${WEB('success-rate')}`);
    const text = stepAnalysis('      templates:\n      - templateName: success-rate\n      args:\n      - name: service\n        value: shop\n');
    const [f] = allFindings(engineWith({ 'a.yaml': text, 't.yaml': two }, [rolloutAnalysisRef]));
    const fixed = applyFix(text, f.fixes[0]);
    assert.ok(fixed.endsWith('          - name: service\n            value: shop\n          - name: namespace\n            value: ""\n'), fixed);
    assert.deepEqual(allFindings(engineWith({ 'a.yaml': fixed, 't.yaml': two }, [rolloutAnalysisRef])), []);
  });
});
