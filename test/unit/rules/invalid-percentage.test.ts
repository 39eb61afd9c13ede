import * as assert from 'node:assert/strict';
import { invalidPercentage } from '../../../src/core/analysis/rules/istio-validation/invalid-percentage';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - route:
        - destination: {host: ratings}
${http}`;

const DR = (outlier: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
spec:
  host: ratings
  trafficPolicy:
    outlierDetection: {${outlier}}
`;

testRule(invalidPercentage, {
  valid: [
    {
      name: 'fault, mirror and outlier percentages within 0-100',
      files: {
        'vs.yaml': VS('      fault:\n        delay: {fixedDelay: 5s, percentage: {value: 0.1}}\n        abort: {httpStatus: 503, percentage: {value: 0}}\n      mirror: {host: ratings-v2}\n      mirrorPercentage: {value: 100}\n'),
        'dr.yaml': DR('maxEjectionPercent: 100, minHealthPercent: 0'),
      },
    },
  ],
  invalid: [
    {
      name: 'a fault percentage above 100 and one below Envoy\'s resolution',
      files: { 'vs.yaml': VS('      fault:\n        abort: {httpStatus: 503, percentage: {value: 150}}\n        delay: {fixedDelay: 5s, percentage: {value: 0.00001}}\n') },
      expected: [
        ['ML0018', 'VirtualService default/ratings', 'spec.http[0].fault.abort.percentage.value'],
        ['ML0018', 'VirtualService default/ratings', 'spec.http[0].fault.delay.percentage.value'],
      ],
      at: ['vs.yaml:11:54', 'vs.yaml:12:53'],
    },
    {
      name: 'a negative mirror percentage',
      files: { 'vs.yaml': VS('      mirror: {host: ratings-v2}\n      mirrorPercentage: {value: -5}\n') },
      expected: [['ML0018', 'VirtualService default/ratings', 'spec.http[0].mirrorPercentage.value']],
      at: ['vs.yaml:11:33'],
    },
    {
      name: 'an ejection percentage above 100',
      files: { 'dr.yaml': DR('maxEjectionPercent: 150') },
      expected: [['ML0018', 'DestinationRule default/ratings', 'spec.trafficPolicy.outlierDetection.maxEjectionPercent']],
      at: ['dr.yaml:8:44'],
    },
    {
      name: 'a tracing sampling rate above 100',
      files: {
        'tm.yaml': 'apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh\nspec:\n  tracing:\n    - randomSamplingPercentage: 101\n',
      },
      expected: [['ML0018', 'Telemetry default/mesh', 'spec.tracing[0].randomSamplingPercentage']],
      at: ['tm.yaml:7:33'],
    },
  ],
});

describe('ML0018 messages', () => {
  it('say the accepted range, with the stricter one for faults', () => {
    const found = allFindings(engineWith({ 'vs.yaml': VS('      fault:\n        abort: {httpStatus: 503, percentage: {value: 150}}\n      mirrorPercentage: {value: -5}\n') }, [invalidPercentage]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      [
        '11:54-11:57 150 is not a valid fault percentage: use 0, or a value between 0.0001 and 100.',
        '12:33-12:35 -5 is not a percentage: use a value between 0 and 100.',
      ],
    );
  });
});
