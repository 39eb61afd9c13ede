import { isRecord } from '../../../../k8s/object';
import { CONFIG_MAP, extensionProvider, meshConfig } from '../../../../istio/meshconfig';
import { TELEMETRY } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const telemetryLightstepProvider: ObjectRule = {
  meta: {
    id: 'telemetry-lightstep-provider',
    code: 'ML1144',
    severity: 'warning',
    scope: 'object',
    kinds: [TELEMETRY, CONFIG_MAP],
    title: 'Tracing through the deprecated Lightstep provider',
    description:
      'The Lightstep extension provider is deprecated in Istio (Lightstep, now ServiceNow Cloud Observability, takes OpenTelemetry) and will be removed. The provider type comes from the mesh config when it is in the workspace (ConfigMap `istio-system/istio`); otherwise a provider named `lightstep` is taken to be one, as information only.',
    remediation: 'Define an `opentelemetry` extension provider pointing at the collector or Lightstep\'s OTLP endpoint and trace through it.',
    messages: {
      deprecated: 'Provider "{name}" is a Lightstep provider in {mesh}; Lightstep is deprecated, use an opentelemetry provider.',
      byName: 'Provider "{name}" looks like a Lightstep provider (the mesh config is not in the workspace); Lightstep is deprecated, use an opentelemetry provider.',
    },
    upstream: ['IST0002 (telemetry.LightstepAnalyzer: deprecated Lightstep provider)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    extensionProviders:\n      - name: ls\n        lightstep:\n          service: lightstep.monitoring.svc.cluster.local\n          port: 443\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  tracing:\n    - providers:\n        - name: ls\n',
      valid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    extensionProviders:\n      - name: otel\n        opentelemetry:\n          service: otel-collector.monitoring.svc.cluster.local\n          port: 4317\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  tracing:\n    - providers:\n        - name: otel\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== TELEMETRY) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.tracing)) return;
    const mesh = meshConfig(workspace);
    spec.tracing.forEach((t, i) => {
      if (!isRecord(t) || !Array.isArray(t.providers)) return;
      t.providers.forEach((p, j) => {
        if (!isRecord(p) || typeof p.name !== 'string') return;
        const path = ['spec', 'tracing', i, 'providers', j, 'name'];
        const type = mesh ? extensionProvider(mesh, p.name) : undefined;
        if (mesh && type === 'lightstep') report({ messageId: 'deprecated', data: { name: p.name, mesh: mesh.ref }, path });
        else if (!type && /lightstep/i.test(p.name)) report({ messageId: 'byName', severity: 'info', data: { name: p.name }, path });
      });
    });
  },
};
