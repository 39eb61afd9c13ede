import * as assert from 'node:assert/strict';
import { RULES } from '../../../src/core/analysis/registry';
import { probeHandler } from '../../../src/core/analysis/rules/workloads/probe-handler';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { deployment, messages, pod } from '../helpers/workloads';

const P = 'spec.containers[0]';
const D = 'spec.template.spec.containers[0]';

testRule(probeHandler, {
  valid: [
    { name: 'one handler of each kind', files: { 'a.yaml': pod('livenessProbe:\n  exec:\n    command: [cat, /tmp/ok]\nreadinessProbe:\n  httpGet:\n    port: 8080\nstartupProbe:\n  grpc:\n    port: 9000\n') } },
    { name: 'tcpSocket', files: { 'a.yaml': deployment('readinessProbe:\n  tcpSocket:\n    port: 8080\n') } },
    { name: 'no probes at all', files: { 'a.yaml': pod() } },
    {
      name: 'a probe on a plain init container is ML4005, not this rule',
      files: { 'a.yaml': pod('', '  initContainers:\n    - name: init\n      image: init:1\n      readinessProbe:\n        periodSeconds: 5\n') },
    },
    { name: 'kinds without a pod template are left alone', files: { 'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n' } },
  ],
  invalid: [
    { name: 'no handler', files: { 'a.yaml': pod('readinessProbe:\n  periodSeconds: 5\n') }, expected: [['ML4001', 'Pod default/web', `${P}.readinessProbe`]], at: ['a.yaml:9:7'] },
    {
      name: 'two handlers: the second is the extra one',
      files: { 'a.yaml': deployment('livenessProbe:\n  httpGet:\n    port: 8080\n  tcpSocket:\n    port: 8080\n') },
      expected: [['ML4001', 'Deployment shop/web', `${D}.livenessProbe.tcpSocket`]],
      at: ['a.yaml:21:13'],
    },
    {
      name: 'three handlers: each after the first, in the order the API server counts them',
      files: { 'a.yaml': pod('startupProbe:\n  grpc:\n    port: 9000\n  httpGet:\n    port: 8080\n  exec:\n    command: [true]\n') },
      expected: [
        ['ML4001', 'Pod default/web', `${P}.startupProbe.httpGet`],
        ['ML4001', 'Pod default/web', `${P}.startupProbe.grpc`],
      ],
      at: ['a.yaml:10:9', 'a.yaml:12:9'],
    },
    { name: 'empty exec command', files: { 'a.yaml': pod('livenessProbe:\n  exec:\n    command: []\n') }, expected: [['ML4001', 'Pod default/web', `${P}.livenessProbe.exec.command`]], at: ['a.yaml:11:11'] },
    { name: 'exec without command', files: { 'a.yaml': pod('livenessProbe:\n  exec: {}\n') }, expected: [['ML4001', 'Pod default/web', `${P}.livenessProbe.exec.command`]], at: ['a.yaml:10:9'] },
    {
      name: 'a null handler is no handler',
      files: { 'a.yaml': pod('readinessProbe:\n  httpGet:\n  periodSeconds: 5\n') },
      expected: [['ML4001', 'Pod default/web', `${P}.readinessProbe`]],
      at: ['a.yaml:9:7'],
    },
    {
      name: 'a native sidecar (restartPolicy: Always) is validated like a container',
      files: { 'a.yaml': pod('', '  initContainers:\n    - name: proxy\n      image: proxy:1\n      restartPolicy: Always\n      readinessProbe:\n        periodSeconds: 5\n') },
      expected: [['ML4001', 'Pod default/web', 'spec.initContainers[0].readinessProbe']],
      at: ['a.yaml:13:7'],
    },
  ],
});

describe('ML4001 messages', () => {
  it('quote the API server', () => {
    assert.deepEqual(messages(probeHandler, pod('readinessProbe:\n  periodSeconds: 5\nlivenessProbe:\n  httpGet:\n    port: 8080\n  tcpSocket:\n    port: 8080\nstartupProbe:\n  exec:\n    command: []\n')), [
      'readinessProbe of container "web" has no handler; the API server rejects it ("must specify a handler type"). Add one of exec, httpGet, tcpSocket or grpc.',
      'livenessProbe of container "web" has "tcpSocket" besides "httpGet"; the API server rejects it ("may not specify more than 1 handler type"). Keep one.',
      'exec.command of the startupProbe of container "web" is empty; the API server rejects it ("Required value"): give the command to run.',
    ]);
  });
});

describe('ML4xxx on malformed pod specs', () => {
  it('report what they can and never throw', () => {
    const text = [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  initContainers: {a: 1}\n  containers:\n    - null\n    - str\n    - name: x\n      ports: "80"\n      livenessProbe: 5\n      readinessProbe:\n        httpGet: 5\n        tcpSocket: {port: {a: 1}}\n      startupProbe:\n        grpc: {port: 1.5}\n        periodSeconds: x\n    - name: y\n      ports: [null, {containerPort: "80"}, {name: 5}]\n      livenessProbe: &p\n        httpGet: {path: /, port: 80}\n        initialDelaySeconds: 600\n      readinessProbe: *p\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template: 5\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  workloadRef: {kind: Deployment, name: 5}\n  strategy: {canary: {trafficRouting: {istio: {}}}}\n',
    ].join('---\n');
    const probeRules = RULES.filter((r) => r.meta.code.startsWith('ML4'));
    const found = allFindings(engineWith({ 'a.yaml': text }, probeRules)).map((f) => `${f.code} ${f.path}`);
    assert.deepEqual(found, [
      'ML4001 spec.containers[2].readinessProbe.tcpSocket',
      'ML4004 spec.containers[2].startupProbe.grpc.port',
      'ML4021 spec.containers[3].livenessProbe',
      'ML4010 spec.containers[3].livenessProbe.httpGet.port',
      'ML4020 spec.containers[3].livenessProbe.initialDelaySeconds',
      'ML4010 spec.containers[3].readinessProbe.httpGet.port',
    ]);
  });
});
