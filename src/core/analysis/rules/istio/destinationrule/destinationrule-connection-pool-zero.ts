import { isRecord } from '../../../../k8s/object';
import { DESTINATION_RULE } from '../../../../istio/mesh';
import { trafficPolicies } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

/** Connection-pool limits where Istio reads 0 as "not set", with what the proxy then uses. */
const LIMITS: ReadonlyArray<[section: 'tcp' | 'http', field: string, effect: string]> = [
  ['tcp', 'maxConnections', 'the default of 2^32-1 connections, i.e. no limit'],
  ['http', 'http1MaxPendingRequests', 'the default of 2^32-1 pending requests, i.e. no limit'],
  ['http', 'http2MaxRequests', 'the default of 2^32-1 active requests, i.e. no limit'],
  ['http', 'maxRequestsPerConnection', 'unlimited requests per connection (1 is what disables keep-alive)'],
  ['http', 'maxRetries', 'the default of 2^32-1 concurrent retries, i.e. no limit'],
  ['http', 'maxConcurrentStreams', 'the default of 2^31-1 streams per connection'],
];

export const destinationruleConnectionPoolZero: ObjectRule = {
  meta: {
    id: 'destinationrule-connection-pool-zero',
    code: 'ML1107',
    severity: 'warning',
    scope: 'object',
    kinds: [DESTINATION_RULE],
    title: 'Connection-pool limit of 0',
    description:
      'A `connectionPool` limit written as 0 reads like "allow none" or "disable", but Istio treats 0 as unset and leaves Envoy\'s default in place: `maxConnections`, `http1MaxPendingRequests`, `http2MaxRequests` and `maxRetries` become effectively unlimited, `maxRequestsPerConnection: 0` means unlimited requests per connection. The circuit breaker the rule seems to configure does not exist.',
    remediation: 'Write the limit you want as a positive number (`maxRequestsPerConnection: 1` to disable keep-alive), or remove the field to state that the default is intended.',
    messages: {
      zero: '{field}: 0 does not disable anything: Istio treats 0 as unset, so the proxy uses {effect}.',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    connectionPool:\n      http:\n        maxRetries: 0\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    connectionPool:\n      http:\n        maxRetries: 3\n',
    },
  },
  check({ object, report }) {
    if (groupKindOf(object) !== DESTINATION_RULE) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    for (const { policy, path } of trafficPolicies(spec)) {
      const pool = policy.connectionPool;
      if (!isRecord(pool)) continue;
      for (const [section, field, effect] of LIMITS) {
        const s = pool[section];
        if (isRecord(s) && s[field] === 0) report({ messageId: 'zero', data: { field, effect }, path: [...path, 'connectionPool', section, field] });
      }
    }
  },
};
