import * as assert from 'node:assert/strict';
import { probeHttpHeader } from '../../../src/core/analysis/rules/workloads/probe-http-header';
import { testRule } from '../helpers/ruleTester';
import { messages, pod } from '../helpers/workloads';

const probe = (...names: string[]) => `readinessProbe:\n  httpGet:\n    path: /ready\n    port: 8080\n    httpHeaders:\n${names.map((n) => `      - name: ${n}\n        value: x\n`).join('')}`;

testRule(probeHttpHeader, {
  valid: [
    { name: 'letters, digits and hyphens', files: { 'a.yaml': pod(probe('X-Probe-1', 'Host')) } },
    { name: 'headers of a handler after exec are not validated (ML4001 reports it)', files: { 'a.yaml': pod(probe('"a b"').replace('  httpGet:\n', '  exec:\n    command: [true]\n  httpGet:\n')) } },
  ],
  invalid: [
    {
      name: 'a colon, a space, an empty name',
      files: { 'a.yaml': pod(probe('"Host:"', 'X-Ok', '"X Probe"', '""')) },
      expected: [
        ['ML4007', 'Pod default/web', 'spec.containers[0].readinessProbe.httpGet.httpHeaders[0].name'],
        ['ML4007', 'Pod default/web', 'spec.containers[0].readinessProbe.httpGet.httpHeaders[2].name'],
        ['ML4007', 'Pod default/web', 'spec.containers[0].readinessProbe.httpGet.httpHeaders[3].name'],
      ],
      at: ['a.yaml:14:21', 'a.yaml:18:21', 'a.yaml:20:21'],
    },
  ],
});

describe('ML4007 message', () => {
  it('quotes the API server', () => {
    assert.deepEqual(messages(probeHttpHeader, pod(probe('"Host:"'))), [
      'HTTP header name "Host:" in the readinessProbe of container "web"; the API server rejects it ("a valid HTTP header must consist of alphanumeric characters or \'-\'").',
    ]);
  });
});
