import * as assert from 'node:assert/strict';
import { gatewayPortNotOnService as rule } from '../../../src/core/analysis/rules/istio/gateway/gateway-port-not-on-service';
import { lint, pod, service } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** Server i's port number is on line 9 + 4i. */
const gw = (...ports: number[]) =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: public\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n${ports.map((p) => `    - port:\n        number: ${p}\n        name: p${p}\n      hosts: ["*"]\n`).join('')}`;
const POD = { 'p.yaml': pod('ingressgateway', { istio: 'ingressgateway' }, 'istio-system') };
const SVC = { 's.yaml': service('istio-ingressgateway', { namespace: 'istio-system', selector: { istio: 'ingressgateway' }, ports: '[{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443}, {name: dns, port: 53, protocol: UDP}]' }) };

testRule(rule, {
  valid: [
    { name: 'the Service port, its targetPort, and another TCP port', files: { ...POD, ...SVC, 'g.yaml': gw(80, 8080, 443) } },
    { name: 'no Service selects the gateway pods in the workspace', files: { ...POD, 'g.yaml': gw(8004) } },
    { name: 'no gateway pods in the workspace', files: { ...SVC, 'g.yaml': gw(8004) } },
  ],
  invalid: [
    {
      name: 'a port the Service does not expose, and a UDP port',
      files: { ...POD, ...SVC, 'g.yaml': gw(80, 8004, 53) },
      expected: [
        ['ML1114', 'Gateway default/public', 'spec.servers[1].port.number'],
        ['ML1114', 'Gateway default/public', 'spec.servers[2].port.number'],
      ],
      at: ['g.yaml:13:17', 'g.yaml:17:17'],
    },
  ],
});

describe('ML1114 message', () => {
  it('names the Service', () => {
    assert.deepEqual(lint(rule, { ...POD, ...SVC, 'g.yaml': gw(8004) }).map((f) => f.message), ['Port 8004 is not exposed by Service istio-system/istio-ingressgateway, the Service(s) of the gateway workload.']);
  });
});
