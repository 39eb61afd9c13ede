import * as assert from 'node:assert/strict';
import { istioAnnotation } from '../../../src/core/analysis/rules/istio/workload/istio-annotation';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const pod = (annotations: string, labels = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n${labels}  annotations:\n${annotations}spec:\n  containers:\n  - name: app\n    image: app\n`;
const TEMPLATE_DEP = (own: string, template: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n${own ? `  annotations:\n${own}` : ''}spec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n      annotations:\n${template}    spec:\n      containers: [{name: web, image: web}]\n`;

testRule(istioAnnotation, {
  valid: [
    {
      name: 'valid pod annotations, foreign ones ignored',
      files: { 'p.yaml': pod('    proxy.istio.io/config: "{}"\n    sidecar.istio.io/interceptionMode: REDIRECT\n    traffic.sidecar.istio.io/includeOutboundIPRanges: "10.0.0.0/8,fd00::/8"\n    readiness.status.sidecar.istio.io/periodSeconds: "10"\n    helm.sh/hook: test\n    istio.io/rev: canary\n    gateway.istio.io/controller-version: "5"\n') },
    },
    { name: 'exportTo on a Service', files: { 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    networking.istio.io/exportTo: "."\n' } },
    { name: 'sidecar settings on the pod template', files: { 'd.yaml': TEMPLATE_DEP('', '        sidecar.istio.io/proxyCPU: 100m\n') } },
    { name: 'the deprecated inject annotation next to its label is not repeated', files: { 'p.yaml': pod('    sidecar.istio.io/inject: "false"\n', '  labels:\n    sidecar.istio.io/inject: "false"\n') } },
  ],
  invalid: [
    {
      name: 'unknown on a Service (IST0108)',
      files: { 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    networking.istio.io/exportTO: bar\n' },
      expected: [['ML1203', 'Service default/s', 'metadata.annotations["networking.istio.io/exportTO"]']],
      at: ['s.yaml:6:5'],
    },
    {
      name: 'invalid values (IST0125)',
      files: { 'p.yaml': pod('    readiness.status.sidecar.istio.io/initialDelaySeconds: bar\n    traffic.sidecar.istio.io/excludeOutboundPorts: "3306,db"\n') },
      expected: [
        ['ML1203', 'Pod default/app', 'metadata.annotations["readiness.status.sidecar.istio.io/initialDelaySeconds"]'],
        ['ML1203', 'Pod default/app', 'metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"]'],
      ],
      at: ['p.yaml:6:60', 'p.yaml:7:52'],
    },
    {
      name: 'misplaced and deprecated on a Deployment, misplaced on a Namespace and in a template (IST0107, IST0135)',
      files: {
        'd.yaml': TEMPLATE_DEP('    sidecar.istio.io/statsInclusionPrefixes: cluster.outbound\n', '        networking.istio.io/exportTo: "."\n'),
        'n.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: staging\n  annotations:\n    kubernetes.io/ingress.class: foo\n',
      },
      expected: [
        ['ML1203', 'Deployment default/web', 'metadata.annotations["sidecar.istio.io/statsInclusionPrefixes"]'],
        ['ML1203', 'Deployment default/web', 'metadata.annotations["sidecar.istio.io/statsInclusionPrefixes"]'],
        ['ML1203', 'Deployment default/web', 'spec.template.metadata.annotations["networking.istio.io/exportTo"]'],
        ['ML1203', 'Namespace staging', 'metadata.annotations["kubernetes.io/ingress.class"]'],
      ],
    },
  ],
});

describe('ML1203 messages, severities and upstream codes', () => {
  it('says what is wrong, with the matching istioctl code', () => {
    const found = allFindings(
      engineWith({ 'd.yaml': TEMPLATE_DEP('    sidecar.istio.io/statsInclusionPrefixes: x\n', '        sidecar.istio.io/inject: "false"\n        sidecar.istio.io/proxyCPu: 100m\n') }, [istioAnnotation]),
    );
    assert.deepEqual(found.map((f) => [f.upstream.join(), f.severity, f.message]), [
      ['IST0135', 'info', 'Annotation "sidecar.istio.io/statsInclusionPrefixes" is deprecated.'],
      ['IST0107', 'warning', 'Annotation "sidecar.istio.io/statsInclusionPrefixes" has no effect on a Deployment; it belongs on: Pod.'],
      ['IST0135', 'info', 'Annotation "sidecar.istio.io/inject" is deprecated in favor of the sidecar.istio.io/inject label.'],
      ['IST0108', 'warning', 'Istio defines no annotation "sidecar.istio.io/proxyCPu": did you mean "sidecar.istio.io/proxyCPU"?'],
    ]);
    const [inv] = allFindings(engineWith({ 'p.yaml': pod('    sidecar.istio.io/interceptionMode: redirect\n') }, [istioAnnotation]));
    assert.deepEqual(inv.upstream, ['IST0125']);
    assert.equal(inv.message, 'Annotation "sidecar.istio.io/interceptionMode" has an invalid value "redirect" (use REDIRECT, TPROXY or NONE); the sidecar injector rejects it.');
  });
});
