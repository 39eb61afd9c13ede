import { isRecord, K8sObject } from '../../../../k8s/object';
import { closest } from '../../../../schema/suggest';
import { ANNOTATION_VALUES, ISTIO_ANNOTATIONS, isIstioAnnotation } from '../../../../istio/annotations';
import { WORKLOAD_KINDS } from '../../../../istio/mesh';
import { FieldPath } from '../../../../yaml/path';
import { groupKindOf, ObjectReport, ObjectRule } from '../../../types';

const NAMES = Object.keys(ISTIO_ANNOTATIONS);

/** Objects whose own annotations are checked, as istioctl does, plus every pod template (a Pod's annotations). */
const OWN_KINDS = ['/Namespace', '/Service', '/Pod', ...Object.keys(WORKLOAD_KINDS).filter((k) => k !== '/Pod')];

function checkAnnotations(object: K8sObject, metaPath: FieldPath, placement: string, report: (r: ObjectReport) => void): void {
  let meta: unknown = object.body;
  for (const seg of metaPath) meta = isRecord(meta) ? meta[seg] : undefined;
  const annotations = isRecord(meta) && isRecord(meta.annotations) ? meta.annotations : undefined;
  if (!annotations) return;
  const labels = isRecord(meta) && isRecord(meta.labels) ? meta.labels : {};
  const where = placement === 'Pod' && metaPath.length > 1 ? 'a pod template' : `a ${placement}`;
  for (const [name, raw] of Object.entries(annotations)) {
    if (!isIstioAnnotation(name)) continue;
    const path = [...metaPath, 'annotations', name];
    const def = ISTIO_ANNOTATIONS[name];
    if (!def) {
      const suggestion = closest(name, NAMES);
      report({ messageId: suggestion ? 'unknownDidYouMean' : 'unknown', upstream: ['IST0108'], data: { name, suggestion: suggestion ?? '' }, path, target: 'key' });
      continue;
    }
    // istioctl keeps quiet about the deprecated annotation when the replacing label is there too.
    if (def.deprecated && !(name === 'sidecar.istio.io/inject' && 'sidecar.istio.io/inject' in labels)) {
      report({ messageId: 'deprecated', upstream: ['IST0135'], severity: 'info', data: { name, replacement: def.replacement ? ` in favor of ${def.replacement}` : '' }, path, target: 'key' });
    }
    if (def.targets.includes('Any')) continue;
    if (!def.targets.includes(placement as never)) {
      report({ messageId: 'misplaced', upstream: ['IST0107'], data: { name, where, targets: def.targets.join(', ') }, path, target: 'key' });
      continue;
    }
    const problem = ANNOTATION_VALUES[name]?.(raw === null || raw === undefined ? '' : String(raw));
    if (problem) report({ messageId: 'invalid', upstream: ['IST0125'], data: { name, value: String(raw), problem }, path });
  }
}

export const istioAnnotation: ObjectRule = {
  meta: {
    id: 'istio-annotation',
    code: 'ML1203',
    severity: 'warning',
    scope: 'object',
    kinds: OWN_KINDS,
    title: 'Unknown, misplaced, invalid or deprecated Istio annotation',
    description:
      'An annotation in Istio\'s namespace (a prefix ending in `istio.io`, and `kubernetes.io/ingress.class`) on a Namespace, Service, Pod or workload that Istio does not define (IST0108, often a typo), that belongs on another kind (IST0107: sidecar settings go on the pod template, not on the Deployment itself; `networking.istio.io/exportTo` on a Service), whose value the sidecar injector rejects (IST0125: a port list, CIDR list, number or mode it cannot parse), or that is deprecated (IST0135, info). Pod templates are checked as Pods. The list of annotations and where each belongs is istio/api\'s `annotation/annotations.yaml`.',
    remediation: 'Fix the spelling, move the annotation to the object it belongs on (for sidecar settings: `spec.template.metadata.annotations`), correct the value, or use the replacement of a deprecated one.',
    messages: {
      unknown: 'Istio defines no annotation "{name}"; it has no effect.',
      unknownDidYouMean: 'Istio defines no annotation "{name}": did you mean "{suggestion}"?',
      misplaced: 'Annotation "{name}" has no effect on {where}; it belongs on: {targets}.',
      invalid: 'Annotation "{name}" has an invalid value "{value}" ({problem}); the sidecar injector rejects it.',
      deprecated: 'Annotation "{name}" is deprecated{replacement}.',
    },
    upstream: [
      'IST0108 (UnknownAnnotation, annotations.K8sAnalyzer)',
      'IST0107 (MisplacedAnnotation, annotations.K8sAnalyzer)',
      'IST0125 (InvalidAnnotation, annotations.K8sAnalyzer)',
      'IST0135 (DeprecatedAnnotation, annotations.K8sAnalyzer)',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews\n  annotations:\n    sidecar.istio.io/proxyCPU: 100m\nspec:\n  selector:\n    matchLabels:\n      app: reviews\n  template:\n    metadata:\n      labels:\n        app: reviews\n      annotations:\n        traffic.sidecar.istio.io/excludeOutboundPorts: "3306,db"\n    spec:\n      containers:\n      - name: reviews\n        image: reviews\n',
      valid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews\nspec:\n  selector:\n    matchLabels:\n      app: reviews\n  template:\n    metadata:\n      labels:\n        app: reviews\n      annotations:\n        sidecar.istio.io/proxyCPU: 100m\n        traffic.sidecar.istio.io/excludeOutboundPorts: "3306"\n    spec:\n      containers:\n      - name: reviews\n        image: reviews\n',
    },
  },
  check({ object, report }) {
    const gk = groupKindOf(object);
    checkAnnotations(object, ['metadata'], object.kind, report);
    const template = WORKLOAD_KINDS[gk];
    if (template && template.length) checkAnnotations(object, [...template, 'metadata'], 'Pod', report);
  },
};
