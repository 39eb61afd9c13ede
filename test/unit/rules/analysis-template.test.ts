import * as assert from 'node:assert/strict';
import { analysisTemplate } from '../../../src/core/analysis/rules/rollouts/analysis-template';
import { testRule } from '../helpers/ruleTester';
import { messagesOf } from '../helpers/rollouts';

const T = 'AnalysisTemplate default/rate';
/** Line 1-5 are fixed; `metrics:` is line 6 (or later when `args` is given). */
const at = (metrics: string, args = '', kind = 'AnalysisTemplate') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: rate\nspec:\n${args}  metrics:\n${metrics}`;
const PROM = '    provider:\n      prometheus: {address: "http://prom:9090", query: up}\n';
const metric = (name: string, extra = '') => `  - name: ${name}\n${extra}${PROM}`;

testRule(analysisTemplate, {
  valid: [
    {
      name: 'one provider, interval with count',
      files: {
        'a.yaml': at(metric('rate', '    interval: 1m\n    count: 5\n    failureLimit: 2\n')),
      },
    },
    {
      name: 'declared placeholders',
      files: {
        'a.yaml': at(
          '  - name: rate\n    provider:\n      web: {url: "http://{{ args.service }}/{{args.path}}"}\n',
          '  args:\n  - name: service\n  - name: path\n    value: health\n',
        ),
      },
    },
    {
      name: 'failureLimit -1 disables it',
      files: { 'a.yaml': at(metric('rate', '    failureLimit: -1\n')) },
    },
    {
      name: 'a templated count',
      files: {
        'a.yaml': at(metric('rate', '    count: "{{args.count}}"\n    interval: 1m\n'), '  args:\n  - name: count\n'),
      },
    },
    {
      name: 'one plugin',
      files: {
        'a.yaml': at('  - name: rate\n    provider:\n      plugin:\n        argoproj-labs/metric: {q: 1}\n'),
      },
    },
    {
      name: 'a ClusterAnalysisTemplate',
      files: { 'a.yaml': at(metric('rate'), '', 'ClusterAnalysisTemplate') },
    },
    { name: 'a provider newer than MeshLens counts as one', files: { 'a.yaml': at('  - name: rate\n    provider:\n      opentelemetry: {query: up}\n') } },
  ],
  invalid: [
    {
      name: 'two providers',
      files: {
        'a.yaml': at('  - name: rate\n    provider:\n      prometheus: {address: "http://prom:9090", query: up}\n      web: {url: "http://x"}\n'),
      },
      expected: [['ML3007', T, 'spec.metrics[0].provider']],
      at: ['a.yaml:8:5'],
    },
    {
      name: 'no provider',
      files: { 'a.yaml': at('  - name: rate\n    provider: {}\n') },
      expected: [['ML3007', T, 'spec.metrics[0].provider']],
      at: ['a.yaml:8:5'],
    },
    {
      name: 'count without interval',
      files: { 'a.yaml': at(metric('rate', '    count: 3\n')) },
      expected: [['ML3007', T, 'spec.metrics[0].count']],
      at: ['a.yaml:8:12'],
    },
    {
      name: 'count below failureLimit',
      files: {
        'a.yaml': at(metric('rate', '    count: 1\n    failureLimit: 2\n')),
      },
      expected: [['ML3007', T, 'spec.metrics[0].count']],
      at: ['a.yaml:8:12'],
    },
    {
      name: 'failureLimit below -1',
      files: { 'a.yaml': at(metric('rate', '    failureLimit: -2\n')) },
      expected: [['ML3007', T, 'spec.metrics[0].failureLimit']],
      at: ['a.yaml:8:19'],
    },
    {
      name: 'negative consecutiveErrorLimit',
      files: {
        'a.yaml': at(metric('rate', '    consecutiveErrorLimit: -1\n')),
      },
      expected: [['ML3007', T, 'spec.metrics[0].consecutiveErrorLimit']],
      at: ['a.yaml:8:28'],
    },
    {
      name: 'duplicate metric names',
      files: { 'a.yaml': at(metric('rate') + metric('rate')) },
      expected: [['ML3007', T, 'spec.metrics[1].name']],
      at: ['a.yaml:10:11'],
    },
    {
      name: 'an undeclared placeholder',
      files: {
        'a.yaml': at('  - name: rate\n    provider:\n      web: {url: "http://{{args.svc}}/health"}\n', '  args:\n  - name: service\n'),
      },
      expected: [['ML3007', T, 'spec.metrics[0].provider.web.url']],
      at: ['a.yaml:11:18'],
    },
    {
      name: 'an argument with value and valueFrom',
      files: {
        'a.yaml': at(metric('rate'), '  args:\n  - name: token\n    value: x\n    valueFrom:\n      secretKeyRef: {name: s, key: k}\n'),
      },
      expected: [['ML3007', T, 'spec.args[0].valueFrom']],
      at: ['a.yaml:9:5'],
    },
  ],
});

describe('ML3007 messages', () => {
  it('quote the analysis controller', () => {
    assert.deepEqual(
      messagesOf(analysisTemplate, {
        'a.yaml': at(metric('rate', '    count: 1\n    failureLimit: 2\n') + metric('rate', '    count: 3\n')),
      }),
      [
        'metrics[0]: count (1) must be >= failureLimit + consecutiveSuccessLimit (2 + 0) if both >= 0: the metric can never reach its limit.',
        "metrics[1]: duplicate name 'rate'.",
        'metrics[1]: interval must be specified when count > 1 (count is 3).',
      ],
    );
    assert.deepEqual(
      messagesOf(analysisTemplate, {
        'a.yaml': at('  - name: rate\n    provider:\n      web: {url: "http://{{args.svc}}/health"}\n', '  args:\n  - name: sv\n'),
      }),
      ['metrics[0]: failed to resolve {{args.svc}}: the template declares no argument "svc" (did you mean "sv"?).'],
    );
  });
});
