import * as assert from 'node:assert/strict';
import { retriesExceedTimeout } from '../../../src/core/analysis/rules/istio/virtualservice/retries-exceed-timeout';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (timeout: string | undefined, retries: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - route:
        - destination: {host: ratings}
${timeout === undefined ? '' : `      timeout: ${timeout}\n`}      retries:
${retries}`;

testRule(retriesExceedTimeout, {
  valid: [
    { name: 'exactly fits: (2 + 1) x 2s = 6s', files: { 'vs.yaml': vs('6s', '        attempts: 2\n        perTryTimeout: 2s\n') } },
    { name: 'no route timeout', files: { 'vs.yaml': vs(undefined, '        attempts: 5\n        perTryTimeout: 10s\n') } },
    { name: 'timeout 0s disables it', files: { 'vs.yaml': vs('0s', '        attempts: 5\n        perTryTimeout: 10s\n') } },
    { name: 'no perTryTimeout', files: { 'vs.yaml': vs('1s', '        attempts: 5\n') } },
    { name: 'an invalid duration is invalid-duration\'s', files: { 'vs.yaml': vs('1s', '        attempts: 5\n        perTryTimeout: 10 s\n') } },
  ],
  invalid: [
    {
      name: 'three retries of 2s in a 5s budget',
      files: { 'vs.yaml': vs('5s', '        attempts: 3\n        perTryTimeout: 2s\n') },
      expected: [['ML1015', 'VirtualService default/ratings', 'spec.http[0].retries.perTryTimeout']],
      at: ['vs.yaml:13:24'],
    },
  ],
});

describe('ML1015 messages', () => {
  it('adds the tries up, in readable units', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': vs('1s', '        attempts: 2\n        perTryTimeout: 500ms\n') }, [retriesExceedTimeout]));
    assert.equal(f.message, '(1 try + 2 retries) × perTryTimeout 500ms = 1.5s, longer than the route timeout 1s: the last attempts are cut off.');
  });

  it('a per-try timeout above the route timeout', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': vs('1s', '        attempts: 2\n        perTryTimeout: 3s\n') }, [retriesExceedTimeout]));
    assert.equal(f.message, 'perTryTimeout 3s is longer than the route timeout 1s: no try can use it.');
  });
});
