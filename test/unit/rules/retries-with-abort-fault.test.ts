import * as assert from 'node:assert/strict';
import { retriesWithAbortFault } from '../../../src/core/analysis/rules/istio/virtualservice/retries-with-abort-fault';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (fault: string, retries: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - route:
        - destination: {host: ratings}
${fault}${retries}`;

const ABORT = '      fault:\n        abort:\n          httpStatus: 503\n          percentage: {value: 20}\n';

testRule(retriesWithAbortFault, {
  valid: [
    { name: 'retries turned off', files: { 'vs.yaml': vs(ABORT, '      retries: {attempts: 0}\n') } },
    { name: 'a delay fault with retries', files: { 'vs.yaml': vs('      fault:\n        delay: {fixedDelay: 1s, percentage: {value: 10}}\n', '      retries: {attempts: 3}\n') } },
    { name: 'an abort without retries', files: { 'vs.yaml': vs(ABORT, '') } },
    { name: 'an abort at 0%', files: { 'vs.yaml': vs(ABORT.replace('20', '0'), '      retries: {attempts: 3}\n') } },
  ],
  invalid: [
    {
      name: 'aborts and retries (default attempts) in one rule',
      files: { 'vs.yaml': vs(ABORT, '      retries: {retryOn: 5xx}\n') },
      expected: [['ML1016', 'VirtualService default/ratings', 'spec.http[0].fault.abort']],
      at: ['vs.yaml:11:9'],
    },
  ],
});

describe('ML1016 message', () => {
  it('says what is injected and how often it would be retried', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': vs(ABORT, '      retries: {attempts: 3}\n') }, [retriesWithAbortFault]));
    assert.equal(f.message, 'This route injects aborts (503 for 20%) and retries (3 attempts): injected aborts are never retried.');
  });
});
