import { RETIRED_GROUP_KINDS } from '../../../k8s/kinds';
import type { K8sObject } from '../../../k8s/object';
import { locatePath } from '../../../yaml/locate';
import type { LineIndex } from '../../../yaml/positions';
import { FixSpec, ObjectRule } from '../../types';

interface Replacement {
  /** `group/version` to write instead. */
  use: string;
  /** Served but superseded: an information. Removed from the API: an error. */
  status: 'older' | 'removed';
  since: string;
  /** Whether the schema is the same, so switching cannot change what the object means. */
  sameSchema: boolean;
}

const ISTIO_V1 = 'Istio 1.22';
const ISTIO_NETWORKING = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'];

/**
 * `group/version/Kind` -> what to use instead. Facts from the Kubernetes deprecated-API migration
 * guide and the Istio 1.22 / Gateway API 1.0 release notes; kinds MeshLens does not know are left out.
 */
const REPLACEMENTS: ReadonlyMap<string, Replacement> = new Map<string, Replacement>([
  ...ISTIO_NETWORKING.flatMap((k) =>
    ['v1alpha3', 'v1beta1'].map((v): [string, Replacement] => [
      `networking.istio.io/${v}/${k}`,
      { use: 'networking.istio.io/v1', status: 'older', since: ISTIO_V1, sameSchema: true },
    ]),
  ),
  ...['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].map((k): [string, Replacement] => [
    `security.istio.io/v1beta1/${k}`,
    { use: 'security.istio.io/v1', status: 'older', since: ISTIO_V1, sameSchema: true },
  ]),
  ['telemetry.istio.io/v1alpha1/Telemetry', { use: 'telemetry.istio.io/v1', status: 'older', since: ISTIO_V1, sameSchema: true }],
  ...['Gateway', 'HTTPRoute'].map((k): [string, Replacement] => [
    `gateway.networking.k8s.io/v1beta1/${k}`,
    { use: 'gateway.networking.k8s.io/v1', status: 'older', since: 'Gateway API 1.0', sameSchema: true },
  ]),
  ...['Deployment', 'DaemonSet', 'ReplicaSet'].map((k): [string, Replacement] => [
    `extensions/v1beta1/${k}`,
    { use: 'apps/v1', status: 'removed', since: 'Kubernetes 1.16', sameSchema: false },
  ]),
  ...['Deployment', 'StatefulSet'].map((k): [string, Replacement] => [`apps/v1beta1/${k}`, { use: 'apps/v1', status: 'removed', since: 'Kubernetes 1.16', sameSchema: false }]),
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((k): [string, Replacement] => [
    `apps/v1beta2/${k}`,
    { use: 'apps/v1', status: 'removed', since: 'Kubernetes 1.16', sameSchema: false },
  ]),
  ['batch/v1beta1/CronJob', { use: 'batch/v1', status: 'removed', since: 'Kubernetes 1.25', sameSchema: false }],
  ['batch/v2alpha1/CronJob', { use: 'batch/v1', status: 'removed', since: 'Kubernetes 1.21', sameSchema: false }],
]);

export const apiVersion: ObjectRule = {
  meta: {
    id: 'api-version',
    code: 'ML0008',
    severity: 'error',
    scope: 'object',
    kinds: ['*', ...RETIRED_GROUP_KINDS],
    title: 'Outdated or unknown apiVersion',
    description:
      'The apiVersion is one the API no longer serves (an error: `extensions/v1beta1` Deployments since Kubernetes 1.16, `batch/v1beta1` CronJobs since 1.25), an older version that still works but has a successor with the same schema (information: Istio `v1alpha3`/`v1beta1` since `v1` arrived in Istio 1.22), or a version MeshLens does not know for this kind (a warning: a typo such as `networking.istio.io/v1beta` means the object is neither applied nor checked).',
    remediation: 'Switch to the version the message names; for removed Kubernetes versions, check the fields the newer version requires (apps/v1 requires `spec.selector`).',
    messages: {
      removed: '{apiVersion} {kind} is no longer served since {since}; use {use}.',
      older: '{apiVersion} is an older version of {kind}; {use} (since {since}) has the same schema.',
      unknown: 'MeshLens does not know {apiVersion} for {kind} (known: {known}), so its fields are not checked; is it a typo?',
    },
    upstream: ['kubectl: no matches for kind "Deployment" in version "extensions/v1beta1"', 'pluto / kube-no-trouble: deprecated API versions'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1alpha3\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n',
    },
  },
  check({ object, lines, report }) {
    const replacement = REPLACEMENTS.get(`${object.group}/${object.version}/${object.kind}`);
    if (replacement) {
      const data = { apiVersion: object.apiVersion, kind: object.kind, use: replacement.use, since: replacement.since };
      report({
        messageId: replacement.status,
        severity: replacement.status === 'older' ? 'info' : undefined,
        data,
        path: ['apiVersion'],
        fixes: switchFix(object, lines, replacement.use, replacement.sameSchema),
      });
      return;
    }
    const info = object.info;
    if (!info || info.versions.includes(object.version)) return;
    const current = `${info.group ? `${info.group}/` : ''}${info.versions[0]}`;
    const known = info.versions.map((v) => `${info.group ? `${info.group}/` : ''}${v}`).join(', ');
    report({
      messageId: 'unknown',
      severity: 'warning',
      data: { apiVersion: object.apiVersion, kind: object.kind, known },
      path: ['apiVersion'],
      fixes: switchFix(object, lines, current, false),
    });
  },
};

/** Replaces the apiVersion's text, keeping its quotes. */
function switchFix(object: K8sObject, lines: LineIndex, use: string, sameSchema: boolean): FixSpec[] {
  const at = locatePath(object.doc.node, ['apiVersion']);
  if (!at.exact) return [];
  const raw = lines.slice(at.start, at.end);
  const i = raw.indexOf(object.apiVersion);
  if (i < 0) return [];
  return [{ title: `Switch to ${use}`, preferred: sameSchema, edits: [{ start: at.start + i, end: at.start + i + object.apiVersion.length, newText: use }] }];
}

