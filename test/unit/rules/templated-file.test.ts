import { templatedFile } from '../../../src/core/analysis/rules/syntax/templated-file';
import { testRule } from '../helpers/ruleTester';

testRule(templatedFile, {
  valid: [
    {
      name: 'Argo Rollouts placeholders are plain strings',
      files: {
        'at.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: success-rate\nspec:\n  args:\n    - name: service-name\n  metrics:\n    - name: success-rate\n      provider:\n        prometheus:\n          query: sum(rate(requests{service="{{args.service-name}}"}[5m]))\n',
      },
    },
    {
      name: 'Go templates inside block scalars and quoted strings are data (Argo notifications)',
      files: {
        'cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notifications\ndata:\n  template.deployed: |\n    message: Rollout {{.rollout.metadata.name}} is live\n  title: "{{ .rollout.metadata.name }}"\n  # {{ .not.a.template }}\n',
      },
    },
    { name: 'a Helm values file is not a manifest', files: { 'values.yaml': 'image: "{{ .Values.x }}"\nreplicas: 2\n' } },
  ],
  invalid: [
    {
      name: 'Helm template',
      files: { 'templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\n' },
      expected: [['ML0004', null, null]],
      at: ['templates/svc.yaml:4:9'],
    },
    {
      name: 'a quoted action does not hide a plain one later in the file',
      files: { 'templates/dep.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "{{ .Release.Name }}"\nspec:\n  replicas: {{ .Values.replicas }}\n' },
      expected: [['ML0004', null, null]],
      at: ['templates/dep.yaml:6:13'],
    },
    {
      name: 'control structure at the top',
      files: { 'templates/hpa.yaml': '{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{{- end }}\n' },
      expected: [['ML0004', null, null]],
      at: ['templates/hpa.yaml:1:1'],
    },
  ],
});
