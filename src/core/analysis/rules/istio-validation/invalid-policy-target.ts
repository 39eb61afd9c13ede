import { isRecord } from '../../../k8s/object';
import { resolvePattern } from '../../../istio/pattern';
import { groupKindOf, ObjectRule } from '../../types';

interface Targets {
  /**
   * The label map of the workload selector: `matchLabels` (CEL checks keys and values) or the older
   * workloadSelector `labels` (CEL checks values, istiod's webhook keys).
   */
  labels: string;
  targetRefs: string[];
}

const SELECTOR = 'spec.selector.matchLabels';
const REFS = ['spec.targetRef.namespace', 'spec.targetRefs[].namespace'];

const KINDS: Record<string, Targets> = {
  'security.istio.io/AuthorizationPolicy': { labels: SELECTOR, targetRefs: REFS },
  'security.istio.io/RequestAuthentication': { labels: SELECTOR, targetRefs: REFS },
  'security.istio.io/PeerAuthentication': { labels: SELECTOR, targetRefs: [] },
  'telemetry.istio.io/Telemetry': { labels: SELECTOR, targetRefs: REFS },
  'extensions.istio.io/WasmPlugin': { labels: SELECTOR, targetRefs: REFS },
  'extensions.istio.io/TrafficExtension': { labels: SELECTOR, targetRefs: ['spec.targetRefs[].namespace'] },
  'networking.istio.io/ProxyConfig': { labels: SELECTOR, targetRefs: [] },
  'networking.istio.io/DestinationRule': { labels: 'spec.workloadSelector.matchLabels', targetRefs: [] },
  'networking.istio.io/EnvoyFilter': { labels: 'spec.workloadSelector.labels', targetRefs: ['spec.targetRefs[].namespace'] },
  'networking.istio.io/ServiceEntry': { labels: 'spec.workloadSelector.labels', targetRefs: [] },
  'networking.istio.io/Sidecar': { labels: 'spec.workloadSelector.labels', targetRefs: [] },
};

export const invalidPolicyTarget: ObjectRule = {
  meta: {
    id: 'invalid-policy-target',
    code: 'ML0020',
    severity: 'error',
    scope: 'object',
    kinds: Object.keys(KINDS),
    title: 'Invalid workload selector or target reference',
    description:
      'The workloads or resources a policy applies to are named in a way Istio refuses: a selector label key or value with `*` (selectors match labels exactly; there are no wildcards), an empty label key, or a `targetRef` with a namespace (a policy can only target resources in its own namespace). The schema in the models accepts any string; the Istio CRDs\' CEL rules reject the object (`wildcard not allowed in label key match`, `wildcard is not supported in selector`, `key must not be empty`, `cross namespace referencing is not currently supported`).',
    remediation: 'Select workloads by exact labels; to apply a policy to every workload of the namespace, leave the selector out. Remove `namespace` from target references and put the policy in the namespace of its target.',
    messages: {
      wildcardKey: 'Label key "{key}" contains "*": selectors match labels exactly, without wildcards ("wildcard not allowed in label key match").',
      wildcardValue: 'Label value "{value}" of "{key}" contains "*": selectors match labels exactly, without wildcards; leave the label out to match any value.',
      emptyKey: 'A selector label key must not be empty ("key must not be empty").',
      crossNamespace: 'targetRef namespace "{value}" is not supported: a policy targets resources in its own namespace only ("cross namespace referencing is not currently supported"); remove the field.',
    },
    upstream: [
      'Istio CRD (CEL): wildcard not allowed in label key match; wildcard not allowed in label value match; wildcard is not supported in selector; key must not be empty',
      'Istio CRD (CEL): cross namespace referencing is not currently supported',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-reviews\nspec:\n  selector:\n    matchLabels:\n      app: "reviews-*"\n  action: ALLOW\n  rules:\n    - from:\n        - source:\n            namespaces: [bookinfo]\n',
      valid:
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-reviews\nspec:\n  selector:\n    matchLabels:\n      app: reviews\n  action: ALLOW\n  rules:\n    - from:\n        - source:\n            namespaces: [bookinfo]\n',
    },
  },
  check({ object, report }) {
    const targets = KINDS[groupKindOf(object)];
    if (!targets) return;
    for (const { path, value } of resolvePattern(object.body, targets.labels)) {
      if (!isRecord(value)) continue;
      for (const [key, labelValue] of Object.entries(value)) {
        const at = [...path, key];
        if (key === '') report({ messageId: 'emptyKey', data: { key }, path: at, target: 'key' });
        else if (key.includes('*')) report({ messageId: 'wildcardKey', data: { key }, path: at, target: 'key' });
        if (typeof labelValue === 'string' && labelValue.includes('*')) report({ messageId: 'wildcardValue', data: { key, value: labelValue }, path: at });
      }
    }
    for (const pattern of targets.targetRefs) {
      for (const { path, value } of resolvePattern(object.body, pattern)) {
        if (typeof value === 'string' && value !== '') report({ messageId: 'crossNamespace', data: { value }, path });
      }
    }
  },
};
