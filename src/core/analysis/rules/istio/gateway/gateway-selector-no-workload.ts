import { isRecord } from '../../../../k8s/object';
import { GATEWAY, WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { labelsAt, nearMissLabel, replaceValueFix, selectorKey, selectWorkloads, workloadIndex } from '../../../../istio/policy';
import { groupKindOf, ObjectRule } from '../../../types';

export const gatewaySelectorNoWorkload: ObjectRule = {
  meta: {
    id: 'gateway-selector-no-workload',
    code: 'ML1110',
    severity: 'error',
    scope: 'object',
    kinds: [GATEWAY, ...WORKLOAD_GROUP_KINDS],
    title: 'Gateway selector matches no gateway workload',
    description:
      'The `selector` of a Gateway picks the gateway pods (in any namespace) that get its servers. When no pod template in the workspace carries those labels, the Gateway configures nothing. A selector that differs from the labels of a workload in the workspace by a typo is an error, with a fix. Gateway deployments are usually installed by the mesh installer (istioctl, Helm) rather than kept with the application, so a workspace where no workload carries any of the selector\'s label keys is not expected to define them and nothing is reported; when some workload carries the keys with other values, the `meshlens.references.unresolved` setting decides.',
    remediation: 'Use the labels of the gateway deployment (`istio: ingressgateway` for the default ingress gateway), or add the gateway deployment to the workspace.',
    messages: {
      didYouMean: 'Selector {selector} matches no workload; did you mean {key}: {suggestion}?',
      unresolved: 'Selector {selector} matches no workload in the workspace (the gateway may be installed from elsewhere).',
    },
    upstream: ['IST0101 (gateway.IngressGatewayPortAnalyzer, gateway.SecretAnalyzer: selector matches no pod)', 'KIA0302'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels: {istio: ingressgateway}\n  template:\n    metadata:\n      labels: {istio: ingressgateway}\n    spec:\n      containers: [{name: istio-proxy, image: auto}]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\nspec:\n  selector:\n    istio: ingresgateway\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: ["*"]\n',
      valid:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels: {istio: ingressgateway}\n  template:\n    metadata:\n      labels: {istio: ingressgateway}\n    spec:\n      containers: [{name: istio-proxy, image: auto}]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: ["*"]\n',
    },
  },
  check({ object, workspace, lines, report }) {
    if (groupKindOf(object) !== GATEWAY) return;
    const selector = labelsAt(isRecord(object.body.spec) ? object.body.spec.selector : undefined);
    if (!selector || Object.keys(selector).length === 0) return;
    const index = workloadIndex(workspace);
    if (selectWorkloads(index, selector, undefined).length) return;
    const text = `"${selectorKey(selector)}"`;
    const near = nearMissLabel(index.all, selector);
    if (near) {
      const path = ['spec', 'selector', near.key];
      report({ messageId: 'didYouMean', data: { selector: text, key: near.key, suggestion: near.suggestion }, path, fixes: replaceValueFix(object, lines, path, near.suggestion, `Change ${near.key} to "${near.suggestion}"`) });
    } else if (Object.keys(selector).some((k) => index.keys.has(k))) {
      report({ messageId: 'unresolved', data: { selector: text }, path: ['spec', 'selector'], target: 'key', unresolved: true });
    }
  },
};
