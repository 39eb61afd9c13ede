import * as assert from 'node:assert/strict';
import { invalidPort } from '../../../src/core/analysis/rules/istio-validation/invalid-port';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const PA = (ports: string) => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  portLevelMtls:
${ports}`;

const SE = (ports: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
spec:
  hosts: [api.example.com]
  resolution: STATIC
  ports:
${ports}  endpoints:
    - address: 10.0.0.1
      ports: {https: 8443}
`;

const WE = (ports: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: vm
spec:
  address: 10.0.0.2
  ports:
${ports}`;

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - match:
        - port: 0
      route:
        - destination: {host: reviews, port: {number: 9080}}
    - redirect: {uri: /v2, port: 0}
  tcp:
    - match:
        - port: 70000
      route:
        - destination: {host: reviews, port: {number: 0}}
`;

const GW = (number: number, bind: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: ${number}, name: http, protocol: HTTP}
      bind: ${bind}
      hosts: ["*"]
`;

testRule(invalidPort, {
  valid: [
    { name: 'numeric portLevelMtls keys in range', files: { 'pa.yaml': PA('    "8080": {mode: DISABLE}\n    443: {mode: STRICT}\n') } },
    { name: 'service entry ports and endpoint port names', files: { 'se.yaml': SE('    - {name: https, number: 443, targetPort: 8443, protocol: TLS}\n') } },
    { name: 'workload entry port names with dashes', files: { 'we.yaml': WE('    http-web: 8080\n    grpc: 9090\n') } },
    { name: 'port 0 on a gateway bound to a unix socket', files: { 'gw.yaml': GW(0, 'unix:///var/run/gw.sock') } },
  ],
  invalid: [
    {
      name: 'portLevelMtls keys that are not ports or out of range',
      files: { 'pa.yaml': PA('    acd: {mode: STRICT}\n    "0": {mode: STRICT}\n    "42949672": {mode: STRICT}\n') },
      expected: [
        ['ML0017', 'PeerAuthentication default/web', 'spec.portLevelMtls.acd'],
        ['ML0017', 'PeerAuthentication default/web', 'spec.portLevelMtls["0"]'],
        ['ML0017', 'PeerAuthentication default/web', 'spec.portLevelMtls["42949672"]'],
      ],
      at: ['pa.yaml:9:5', 'pa.yaml:10:5', 'pa.yaml:11:5'],
    },
    {
      name: 'a service entry port, target port and port name out of bounds',
      files: { 'se.yaml': SE('    - {name: https_443, number: 99999, targetPort: 0, protocol: TLS}\n') },
      expected: [
        ['ML0017', 'ServiceEntry default/api', 'spec.ports[0].name'],
        ['ML0017', 'ServiceEntry default/api', 'spec.ports[0].number'],
        ['ML0017', 'ServiceEntry default/api', 'spec.ports[0].targetPort'],
      ],
      at: ['se.yaml:9:14', 'se.yaml:9:33', 'se.yaml:9:52'],
    },
    {
      name: 'a workload entry port name that is not a DNS label, and a port above 65535',
      files: { 'we.yaml': WE('    "@": 80\n    http: 99999\n') },
      expected: [
        ['ML0017', 'WorkloadEntry default/vm', 'spec.ports["@"]'],
        ['ML0017', 'WorkloadEntry default/vm', 'spec.ports.http'],
      ],
      at: ['we.yaml:8:5', 'we.yaml:9:11'],
    },
    {
      name: 'virtual service ports: 0 is "unset" for matches and redirects, not for destinations',
      files: { 'vs.yaml': VS },
      expected: [
        ['ML0017', 'VirtualService default/reviews', 'spec.tcp[0].match[0].port'],
        ['ML0017', 'VirtualService default/reviews', 'spec.tcp[0].route[0].destination.port.number'],
      ],
      at: ['vs.yaml:15:17', 'vs.yaml:17:55'],
    },
    {
      name: 'port 0 on a gateway bound to an IP',
      files: { 'gw.yaml': GW(0, '0.0.0.0') },
      expected: [['ML0017', 'Gateway default/gw', 'spec.servers[0].port.number']],
      at: ['gw.yaml:8:22'],
    },
    {
      name: 'an EnvoyFilter waypoint port and a WorkloadGroup probe port',
      files: {
        'ef.yaml':
          'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: wp\nspec:\n  configPatches:\n    - applyTo: HTTP_FILTER\n      match:\n        context: WAYPOINT\n        waypoint: {portNumber: 65536}\n',
        'wg.yaml':
          'apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: vms\nspec:\n  template: {serviceAccount: sa}\n  probe:\n    tcpSocket: {port: 65536}\n',
      },
      expected: [
        ['ML0017', 'EnvoyFilter default/wp', 'spec.configPatches[0].match.waypoint.portNumber'],
        ['ML0017', 'WorkloadGroup default/vms', 'spec.probe.tcpSocket.port'],
      ],
      at: ['ef.yaml:10:32', 'wg.yaml:8:23'],
    },
  ],
});

describe('ML0017 messages', () => {
  it('name the value and the accepted range or form, on the key when the key is wrong', () => {
    const found = allFindings(engineWith({ 'pa.yaml': PA('    acd: {mode: STRICT}\n    "0": {mode: STRICT}\n'), 'we.yaml': WE('    "@": 80\n') }, [invalidPort]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      [
        '9:5-9:8 portLevelMtls key "acd" is not a port number: keys are port numbers 1-65535.',
        '10:5-10:8 Port 0 is out of range: ports are 1-65535 ("port must be between 1-65535").',
        '8:5-8:8 Port name "@" is not valid: use letters, digits and \'-\', starting and ending with a letter or digit, at most 62 characters.',
      ],
    );
    const [gw] = allFindings(engineWith({ 'gw.yaml': GW(0, '0.0.0.0') }, [invalidPort]));
    assert.equal(gw.message, 'Port 0 is allowed only with a unix:// bind address; otherwise ports are 1-65535.');
  });
});
