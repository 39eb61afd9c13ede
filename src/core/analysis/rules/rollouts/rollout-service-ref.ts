import { isRecord, K8sObject } from '../../../k8s/object';
import { SERVICE } from '../../../istio/mesh';
import { at, findObject, list, missingRef, POD_TEMPLATE_HASH, rec, ROLLOUT, ServiceRef, serviceRefs, stringMap, str, templateLabels } from '../../../rollouts/model';
import type { LineIndex } from '../../../yaml/positions';
import { FixSpec, ObjectRule } from '../../types';

const DEPLOYMENT = 'apps/Deployment';
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';

/** The pod labels a Service of this role may also select on: the role's own ephemeral metadata. */
function roleLabels(o: K8sObject, ref: ServiceRef): Record<string, string> {
  const holder =
    ref.role === 'canaryService'
      ? 'canaryMetadata'
      : ref.role === 'stableService'
        ? 'stableMetadata'
        : ref.role === 'activeService'
          ? 'activeMetadata'
          : ref.role === 'previewService'
            ? 'previewMetadata'
            : undefined;
  if (!holder) return {};
  const strategy = ref.role === 'activeService' || ref.role === 'previewService' ? 'blueGreen' : 'canary';
  return stringMap(at(o.body, ['spec', 'strategy', strategy, holder, 'labels']));
}

export const rolloutServiceRef: ObjectRule = {
  meta: {
    id: 'rollout-service-ref',
    code: 'ML3004',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT, SERVICE, DEPLOYMENT],
    title: 'Rollout Service missing or selecting other pods',
    description:
      'The Services a Rollout names (`canaryService`, `stableService`, `activeService`, `previewService`, ping-pong\'s `pingService` and `pongService`) must exist in the Rollout\'s namespace, and every label their selector uses (except `rollouts-pod-template-hash`, which the controller adds) must have the same value in the Rollout\'s pod template, or in the role\'s `canaryMetadata` / `stableMetadata` / `activeMetadata` / `previewMetadata`. Otherwise the controller stops the rollout (`Service "x" has unmatch label "y" in rollout`), or the Service sends traffic to pods the Rollout does not run. A Service no file of the workspace defines, in a namespace that has no Services here at all, is probably defined elsewhere: the `meshlens.references.unresolved` setting decides how that is reported.',
    remediation:
      "Create the Service (the quick fix writes one from the Rollout's selector and container ports), correct the name, or make the Service's selector use the pod template's labels.",
    messages: {
      missing: 'service "{name}" not found: the {role} of this Rollout is not defined in namespace {namespace}{hint}.',
      unmatch: 'Service "{name}" has unmatch label "{label}" in rollout: the Service selects {label}={want}, the pod template has {have}.',
      managedByOther: 'Service "{name}" is managed by another Rollout ({other}): two Rollouts would fight over its selector.',
    },
    upstream: ['Argo Rollouts: Service "x" has unmatch label "y" in rollout', 'Argo Rollouts: service "x" not found'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers:\n      - name: shop\n        image: shop:1\n        ports:\n        - {name: http, containerPort: 8080}\n  strategy:\n    blueGreen:\n      activeService: shop-active\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop-preview\nspec:\n  selector: {app: shop}\n  ports: [{port: 80}]\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers: [{name: shop, image: shop:1}]\n  strategy:\n    blueGreen:\n      activeService: shop-active\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop-active\nspec:\n  selector: {app: shop}\n  ports: [{port: 80}]\n',
    },
  },
  check({ object, workspace, lines, report }) {
    const refs = serviceRefs(object);
    if (refs.length === 0) return;
    let labels: Record<string, string> | undefined;
    let labelsRead = false;
    for (const ref of refs) {
      const svc = findObject(workspace, SERVICE, object.namespace, ref.name);
      if (!svc) {
        const miss = missingRef(workspace, SERVICE, object.namespace, ref.name);
        report({
          messageId: 'missing',
          data: {
            name: ref.name,
            role: ref.role,
            namespace: object.namespace,
            hint: miss.hint,
          },
          path: ref.path,
          unresolved: miss.unresolved,
          fixes: createServiceFix(object, ref.name, lines),
        });
        continue;
      }
      if (!labelsRead) {
        labels = templateLabels(object, (ns, name) => findObject(workspace, DEPLOYMENT, ns, name));
        labelsRead = true;
      }
      const selector = stringMap(at(svc.body, ['spec', 'selector']));
      const extra = roleLabels(object, ref);
      if (labels) {
        for (const [k, v] of Object.entries(selector)) {
          if (k === POD_TEMPLATE_HASH || labels[k] === v || extra[k] === v) continue;
          report({
            messageId: 'unmatch',
            data: {
              name: ref.name,
              label: k,
              want: v,
              have: k in labels ? `${k}=${labels[k]}` : `no label ${k}`,
            },
            path: ref.path,
            related: [
              {
                object: svc,
                path: ['spec', 'selector', k],
                message: `the selector of Service ${svc.ref}`,
              },
            ],
          });
        }
      }
      const other = svc.annotations[MANAGED_BY];
      if (other && other !== object.name) {
        report({
          messageId: 'managedByOther',
          data: { name: ref.name, other },
          path: ref.path,
          related: [
            {
              object: svc,
              path: ['metadata', 'annotations', MANAGED_BY],
              message: 'the annotation the controller set',
            },
          ],
        });
      }
    }
  },
};

/** A suggestion: a Service selecting the Rollout's pods on its container ports, appended after the Rollout. */
function createServiceFix(o: K8sObject, name: string, lines: LineIndex): FixSpec[] {
  const selector = stringMap(at(o.body, ['spec', 'selector', 'matchLabels']));
  if (Object.keys(selector).length === 0) return [];
  const ports: string[] = [];
  for (const c of list(at(o.body, ['spec', 'template', 'spec', 'containers']))) {
    for (const p of list(rec(c)?.ports)) {
      if (!isRecord(p) || typeof p.containerPort !== 'number') continue;
      const portName = str(p.name);
      const protocol = str(p.protocol);
      ports.push(
        `  - ${portName ? `name: ${portName}\n    ` : ''}port: ${p.containerPort}\n    targetPort: ${portName ?? p.containerPort}${protocol ? `\n    protocol: ${protocol}` : ''}`,
      );
    }
  }
  if (ports.length === 0) ports.push('  - name: http\n    port: 80\n    targetPort: 8080');
  const explicitNs = str(at(o.body, ['metadata', 'namespace']));
  const yaml = [
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    ...(explicitNs ? [`  namespace: ${explicitNs}`] : []),
    'spec:',
    '  selector:',
    ...Object.entries(selector).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    '  ports:',
    ...ports,
  ].join('\n');
  let end = o.doc.end;
  while (end > o.doc.start && /\s/.test(lines.slice(end - 1, end))) end--;
  return [
    {
      title: `Create Service ${name} for the Rollout's pods`,
      preferred: false,
      edits: [{ start: end, end, newText: `\n${yaml}` }],
    },
  ];
}
