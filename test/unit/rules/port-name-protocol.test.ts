import * as assert from 'node:assert/strict';
import { portNameProtocol } from '../../../src/core/analysis/rules/istio/workload/port-name-protocol';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { service } from '../helpers/security-fixtures';

const svc = (ports: string, ns = 'shop', extra = '') => service('web', ns, ports).replace('spec:\n', `spec:\n${extra}`);

testRule(portNameProtocol, {
  valid: [
    { name: 'protocol names and suffixes', files: { 's.yaml': svc('  - name: http\n    port: 80\n  - name: grpc-web-api\n    port: 81\n  - name: tcp-db\n    port: 82\n  - name: HTTP2\n    port: 83\n') } },
    { name: 'appProtocol, UDP and DNS are enough', files: { 's.yaml': svc('  - name: web\n    port: 80\n    appProtocol: http\n  - port: 5353\n    protocol: UDP\n  - port: 53\n') } },
    { name: 'system namespaces and Istio\'s own Services are skipped', files: { 'a.yaml': svc('  - port: 8080\n', 'kube-system'), 'b.yaml': svc('  - name: foo\n    port: 8080\n', 'istio-system').replace('namespace: istio-system\n', 'namespace: istio-system\n  labels:\n    istio: pilot\n') } },
    { name: 'an ExternalName Service with an https port', files: { 's.yaml': svc('  - name: https\n    port: 443\n', 'shop', '  type: ExternalName\n  externalName: nginx.example.com\n') } },
  ],
  invalid: [
    {
      name: 'unnamed ports and a name without protocol (IST0118)',
      files: { 's.yaml': svc('  - protocol: TCP\n    port: 8080\n  - name: foo\n    port: 8081\n') },
      expected: [
        ['ML1201', 'Service shop/web', 'spec.ports[0].port'],
        ['ML1201', 'Service shop/web', 'spec.ports[1].name'],
      ],
      at: ['s.yaml:11:5', 's.yaml:12:11'],
    },
    {
      name: 'Kiali docs: wrong-http and an appProtocol wrong-mysql',
      files: { 's.yaml': svc('  - port: 9080\n    name: wrong-http\n  - port: 3306\n    name: database\n    appProtocol: wrong-mysql\n') },
      expected: [
        ['ML1201', 'Service shop/web', 'spec.ports[0].name'],
        ['ML1201', 'Service shop/web', 'spec.ports[1].appProtocol'],
      ],
    },
    {
      name: 'an ExternalName Service with a tcp port (IST0150)',
      files: { 's.yaml': svc('  - name: tcp\n    port: 443\n', 'shop', '  type: ExternalName\n  externalName: nginx.example.com\n') },
      expected: [['ML1201', 'Service shop/web', 'spec.ports[0].name']],
    },
  ],
});

describe('ML1201 messages, upstream codes and fixes', () => {
  const lint = (text: string) => allFindings(engineWith({ 's.yaml': text }, [portNameProtocol]));

  it('renames a port to <protocol>-<name>; the fix re-lints clean', () => {
    const text = svc('  - name: web\n    port: 9080\n');
    const [f] = lint(text);
    assert.equal(f.message, 'Port name "web" does not start with a protocol Istio knows (tcp, udp, grpc, grpc-web, http, http2, https, tls, mongo, redis, mysql); name it <protocol>[-<suffix>] (e.g. "http-web") or set appProtocol.');
    assert.deepEqual(f.upstream, ['IST0118', 'KIA0601']);
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Rename the port to "http-web"', false]]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, svc('  - name: http-web\n    port: 9080\n'));
    assert.deepEqual(lint(fixed), []);
  });

  it('moves a protocol written later to the front', () => {
    const text = svc('  - port: 9080\n    name: wrong-http\n');
    const fixed = applyFix(text, lint(text)[0].fixes[0]);
    assert.equal(fixed, svc('  - port: 9080\n    name: http-wrong\n'));
  });

  it('names an unnamed port, in block and flow style', () => {
    const block = svc('  - protocol: TCP\n    port: 6379\n');
    const [f] = lint(block);
    assert.equal(f.message, 'Port 6379 has no name, so Istio cannot tell its protocol; name it <protocol>[-<suffix>] (e.g. "redis") or set appProtocol.');
    const fixed = applyFix(block, f.fixes[0]);
    assert.equal(fixed, svc('  - name: redis\n    protocol: TCP\n    port: 6379\n'));
    assert.deepEqual(lint(fixed), []);
    const flow = svc('  - {port: 8080, targetPort: 80}\n');
    const fixedFlow = applyFix(flow, lint(flow)[0].fixes[0]);
    assert.equal(fixedFlow, svc('  - {name: http, port: 8080, targetPort: 80}\n'));
    assert.deepEqual(lint(fixedFlow), []);
  });

  it('an ExternalName port and an appProtocol have their own messages', () => {
    const [e] = lint(svc('  - name: tcp\n    port: 443\n', 'shop', '  type: ExternalName\n  externalName: nginx.example.com\n'));
    assert.deepEqual(e.upstream, ['IST0150']);
    assert.equal(e.message, 'Port 443 ("tcp") of this ExternalName Service is not named for a protocol other than plain TCP; the proxy may not forward it. Name it e.g. "https" or "tls" for TLS traffic, or "http".');
    const [a] = lint(svc('  - name: db\n    port: 3306\n    appProtocol: wrong-mysql\n'));
    assert.deepEqual(a.upstream, ['IST0118', 'KIA0602']);
    assert.equal(a.message, 'appProtocol "wrong-mysql" is not a protocol Istio knows (tcp, udp, grpc, grpc-web, http, http2, https, tls, mongo, redis, mysql); Istio cannot tell this port\'s protocol.');
  });
});
