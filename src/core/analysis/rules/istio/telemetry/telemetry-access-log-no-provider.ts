import { isRecord } from '../../../../k8s/object';
import { CONFIG_MAP, meshConfig } from '../../../../istio/meshconfig';
import { TELEMETRY } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const telemetryAccessLogNoProvider: ObjectRule = {
  meta: {
    id: 'telemetry-access-log-no-provider',
    code: 'ML1143',
    severity: 'warning',
    scope: 'object',
    kinds: [TELEMETRY, CONFIG_MAP],
    title: 'Access logging without a provider',
    description:
      'An `accessLogging` entry without `providers` uses the mesh config\'s `defaultProviders.accessLogging`, and Istio\'s default mesh config has none, so the entry (its filter, its match) turns nothing on. When the mesh config is in the workspace (ConfigMap `istio-system/istio`, key `mesh`) its default providers are taken into account; when it is not, the finding is information only.',
    remediation: 'Name the provider (`providers: [{name: envoy}]`), or set `defaultProviders.accessLogging` in the mesh config.',
    messages: {
      noProvider: 'This accessLogging entry names no provider and {mesh} has no default access-log provider, so it enables nothing.',
      unknownMesh: 'This accessLogging entry names no provider; unless the mesh config (not in the workspace) sets defaultProviders.accessLogging, it enables nothing.',
    },
    upstream: ['IST0157 (telemetry.ProviderAnalyzer: no access-log provider)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    accessLogFile: ""\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  accessLogging:\n    - filter:\n        expression: response.code >= 400\n',
      valid:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    accessLogFile: ""\n---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  accessLogging:\n    - providers: [{name: envoy}]\n      filter:\n        expression: response.code >= 400\n',
    },
  },
  check({ object, workspace, report }) {
    if (groupKindOf(object) !== TELEMETRY) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!Array.isArray(spec.accessLogging)) return;
    let mesh: ReturnType<typeof meshConfig> | null = null;
    spec.accessLogging.forEach((entry, i) => {
      if (!isRecord(entry) || entry.disabled === true) return;
      if (Array.isArray(entry.providers) && entry.providers.length) return;
      if (mesh === null) mesh = meshConfig(workspace);
      const path = ['spec', 'accessLogging', i];
      if (!mesh) {
        report({ messageId: 'unknownMesh', severity: 'info', path, target: 'key' });
        return;
      }
      const defaults = isRecord(mesh.value.defaultProviders) ? mesh.value.defaultProviders.accessLogging : undefined;
      if (Array.isArray(defaults) && defaults.length) return;
      report({ messageId: 'noProvider', data: { mesh: mesh.ref }, path, target: 'key' });
    });
  },
};
