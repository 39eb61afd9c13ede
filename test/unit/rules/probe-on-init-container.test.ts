import * as assert from 'node:assert/strict';
import { probeOnInitContainer } from '../../../src/core/analysis/rules/workloads/probe-on-init-container';
import { testRule } from '../helpers/ruleTester';
import { messages, pod } from '../helpers/workloads';

const init = (fields: string) => `  initContainers:\n    - name: init\n      image: init:1\n${fields}`;

testRule(probeOnInitContainer, {
  valid: [
    { name: 'probes on a regular container', files: { 'a.yaml': pod('readinessProbe:\n  tcpSocket:\n    port: 80\n') } },
    { name: 'a native sidecar may have all three', files: { 'a.yaml': pod('', init('      restartPolicy: Always\n      startupProbe:\n        tcpSocket:\n          port: 15001\n      livenessProbe:\n        tcpSocket:\n          port: 15001\n')) } },
    { name: 'an init container without probes', files: { 'a.yaml': pod('', init('')) } },
  ],
  invalid: [
    {
      name: 'every probe of a plain init container',
      files: { 'a.yaml': pod('', init('      livenessProbe:\n        exec:\n          command: [true]\n      startupProbe:\n        exec:\n          command: [true]\n')) },
      expected: [
        ['ML4005', 'Pod default/web', 'spec.initContainers[0].livenessProbe'],
        ['ML4005', 'Pod default/web', 'spec.initContainers[0].startupProbe'],
      ],
      at: ['a.yaml:12:7', 'a.yaml:15:7'],
    },
    {
      name: 'restartPolicy other than Always does not make a sidecar',
      files: { 'a.yaml': pod('', init('      restartPolicy: OnFailure\n      readinessProbe:\n        tcpSocket:\n          port: 80\n')) },
      expected: [['ML4005', 'Pod default/web', 'spec.initContainers[0].readinessProbe']],
      at: ['a.yaml:13:7'],
    },
  ],
});

describe('ML4005 message', () => {
  it('quotes the API server and names the way out', () => {
    assert.deepEqual(messages(probeOnInitContainer, pod('', init('      readinessProbe:\n        tcpSocket:\n          port: 80\n'))), [
      'readinessProbe on init container "init": the API server rejects it ("may not be set for init containers without restartPolicy=Always"). Remove it, or make the container a sidecar with restartPolicy: Always.',
    ]);
  });
});
