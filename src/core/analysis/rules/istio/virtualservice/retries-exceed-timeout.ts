import { isRecord } from '../../../../k8s/object';
import { parseGoDuration } from '../../../../istio/duration';
import { VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { rulesOf } from '../../../../istio/routes';
import { ObjectRule } from '../../../types';

const example = (timeout: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - route:
        - destination: {host: ratings}
      timeout: ${timeout}
      retries:
        attempts: 3
        perTryTimeout: 2s
`;

function nanos(v: unknown): bigint | undefined {
  if (typeof v !== 'string') return undefined;
  const d = parseGoDuration(v);
  return d.ok ? d.nanos : undefined;
}

/** A duration in the shortest Go form that reads well in a message (`8s`, `1.5s`, `750ms`). */
function show(n: bigint): string {
  if (n % 1_000_000_000n === 0n) return `${n / 1_000_000_000n}s`;
  if (n % 1_000_000n === 0n) return n >= 1_000_000_000n ? `${Number(n / 1_000_000n) / 1000}s` : `${n / 1_000_000n}ms`;
  return `${n}ns`;
}

export const retriesExceedTimeout: ObjectRule = {
  meta: {
    id: 'retries-exceed-timeout',
    code: 'ML1015',
    severity: 'warning',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Retries that the route timeout cuts short',
    description:
      'The route `timeout` bounds the whole request, retries included. When the first try and `retries.attempts` retries, each allowed `retries.perTryTimeout`, take longer than the timeout, the last attempts never run (or are cut off): the retry policy promises more than it can deliver, and a slow upstream answers 504 with attempts left. A per-try timeout longer than the route timeout means even the first try cannot use it.',
    remediation: 'Raise the route `timeout` to at least (attempts + 1) × perTryTimeout, or lower `perTryTimeout` or `attempts`.',
    messages: {
      exceeds: '(1 try + {attempts} retries) × perTryTimeout {perTry} = {total}, longer than the route timeout {timeout}: the last attempts are cut off.',
      perTry: 'perTryTimeout {perTry} is longer than the route timeout {timeout}: no try can use it.',
    },
    upstream: [],
    fixable: false,
    examples: { invalid: example('5s'), valid: example('8s') },
  },
  check({ object, report }) {
    for (const { rule, index } of rulesOf(object, 'http')) {
      const timeout = nanos(rule.timeout);
      const retries = isRecord(rule.retries) ? rule.retries : undefined;
      // No timeout (or 0s, which disables it) leaves the retries unbounded.
      if (!timeout || !retries) continue;
      const perTry = nanos(retries.perTryTimeout);
      const attempts = typeof retries.attempts === 'number' ? retries.attempts : undefined;
      if (!perTry || !attempts || attempts <= 0) continue;
      const path = ['spec', 'http', index, 'retries', 'perTryTimeout'];
      const data = { attempts, perTry: String(retries.perTryTimeout), timeout: String(rule.timeout) };
      if (perTry > timeout) report({ messageId: 'perTry', data, path });
      else if (perTry * BigInt(attempts + 1) > timeout) report({ messageId: 'exceeds', data: { ...data, total: show(perTry * BigInt(attempts + 1)) }, path });
    }
  },
};
