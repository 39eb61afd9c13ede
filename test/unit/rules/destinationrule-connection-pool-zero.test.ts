import * as assert from 'node:assert/strict';
import { destinationruleConnectionPoolZero as rule } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-connection-pool-zero';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

const dr = (body: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n${body}`;

testRule(rule, {
  valid: [{ name: 'positive limits', files: { 'd.yaml': dr('  trafficPolicy:\n    connectionPool:\n      tcp: {maxConnections: 100}\n      http: {http1MaxPendingRequests: 10, maxRequestsPerConnection: 1}\n') } }],
  invalid: [
    {
      name: 'zeros at rule level, on a port and in a subset',
      files: {
        'd.yaml': dr(
          '  trafficPolicy:\n    connectionPool:\n      tcp:\n        maxConnections: 0\n    portLevelSettings:\n      - port: {number: 9080}\n        connectionPool:\n          http: {maxRetries: 0}\n  subsets:\n    - name: v1\n      labels: {version: v1}\n      trafficPolicy:\n        connectionPool:\n          http:\n            maxRequestsPerConnection: 0\n',
        ),
      },
      expected: [
        ['ML1107', 'DestinationRule default/reviews', 'spec.trafficPolicy.connectionPool.tcp.maxConnections'],
        ['ML1107', 'DestinationRule default/reviews', 'spec.trafficPolicy.portLevelSettings[0].connectionPool.http.maxRetries'],
        ['ML1107', 'DestinationRule default/reviews', 'spec.subsets[0].trafficPolicy.connectionPool.http.maxRequestsPerConnection'],
      ],
      at: ['d.yaml:10:25', 'd.yaml:14:30', 'd.yaml:21:39'],
    },
  ],
});

describe('ML1107 message', () => {
  it('says what 0 really means', () => {
    assert.deepEqual(lint(rule, { 'd.yaml': dr('  trafficPolicy:\n    connectionPool:\n      http: {maxRequestsPerConnection: 0}\n') }).map((f) => f.message), [
      'maxRequestsPerConnection: 0 does not disable anything: Istio treats 0 as unset, so the proxy uses unlimited requests per connection (1 is what disables keep-alive).',
    ]);
  });
});
