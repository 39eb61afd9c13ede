import { isRecord } from '../../../../k8s/object';
import { VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { rulesOf } from '../../../../istio/routes';
import { ObjectRule } from '../../../types';

const example = (attempts: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - fault:
        abort:
          httpStatus: 503
          percentage: {value: 20}
      retries:
        attempts: ${attempts}
        retryOn: 5xx
      route:
        - destination: {host: ratings}
`;

export const retriesWithAbortFault: ObjectRule = {
  meta: {
    id: 'retries-with-abort-fault',
    code: 'ML1016',
    severity: 'warning',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Retries on a route that injects aborts',
    description:
      'A route both injects aborts (`fault.abort`) and retries. Envoy\'s fault filter answers before the router, so an injected abort is never retried: the experiment does not exercise the retry policy it seems to test, and the caller sees the full abort rate. To test retries, inject the fault in the upstream\'s own VirtualService (the callee side) or in front of a hop the retries go through.',
    remediation: 'Inject the abort on the callee\'s side (its own VirtualService), or remove the retries from this route while the fault is on.',
    messages: { retried: 'This route injects aborts ({abort}) and retries ({attempts} attempts): injected aborts are never retried.' },
    upstream: [],
    fixable: false,
    examples: { invalid: example(3), valid: example(0) },
  },
  check({ object, report }) {
    for (const { rule, index } of rulesOf(object, 'http')) {
      const abort = isRecord(rule.fault) && isRecord(rule.fault.abort) ? rule.fault.abort : undefined;
      const retries = isRecord(rule.retries) ? rule.retries : undefined;
      if (!abort || !retries) continue;
      // Istio retries twice by default; attempts 0 turns retries off.
      const attempts = typeof retries.attempts === 'number' ? retries.attempts : 2;
      if (attempts <= 0) continue;
      const percent = isRecord(abort.percentage) && typeof abort.percentage.value === 'number' ? abort.percentage.value : 100;
      if (percent === 0) continue;
      const status = abort.httpStatus ?? abort.grpcStatus ?? (abort.http2Error ? 'HTTP/2 error' : 'abort');
      report({ messageId: 'retried', data: { abort: `${String(status)} for ${percent}%`, attempts }, path: ['spec', 'http', index, 'fault', 'abort'], target: 'key' });
    }
  },
};
