import { AUTHORIZATION_POLICY, REQUEST_AUTHENTICATION, selectFrom, selectorPolicyOf, TELEMETRY, WASM_PLUGIN, workloadsInNamespace } from '../../../../istio/policy';
import { WORKLOAD_GROUP_KINDS } from '../../../../istio/mesh';
import { groupKindOf, ObjectRule } from '../../../types';

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
const KINDS = [AUTHORIZATION_POLICY, REQUEST_AUTHENTICATION, TELEMETRY, WASM_PLUGIN];

export const policySelectsK8sGateway: ObjectRule = {
  meta: {
    id: 'policy-selects-k8s-gateway',
    code: 'ML1145',
    severity: 'warning',
    scope: 'object',
    kinds: [...KINDS, ...WORKLOAD_GROUP_KINDS],
    title: 'Policy selects a Kubernetes Gateway by label',
    description:
      'An AuthorizationPolicy, RequestAuthentication, Telemetry or WasmPlugin whose `selector` picks the pods of a Kubernetes Gateway API Gateway (label `gateway.networking.k8s.io/gateway-name`) is ignored for them: policies attach to Gateway API gateways through `targetRefs` only.',
    remediation: 'Replace the selector with `targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: <gateway>}]`.',
    messages: {
      selector: 'This {kind} selects the Kubernetes Gateway "{gateway}" by label, which has no effect; attach it with targetRefs instead.',
    },
    upstream: ['IST0166 (k8sgateway.SelectorAnalyzer: ineffective selector on a Kubernetes Gateway)'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-get\nspec:\n  selector:\n    matchLabels:\n      gateway.networking.k8s.io/gateway-name: bookinfo-gateway\n  rules: [{to: [{operation: {methods: [GET]}}]}]\n',
      valid:
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-get\nspec:\n  targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: Gateway\n      name: bookinfo-gateway\n  rules: [{to: [{operation: {methods: [GET]}}]}]\n',
    },
  },
  check({ object, workspace, report }) {
    const gk = groupKindOf(object);
    if (!KINDS.includes(gk)) return;
    const self = selectorPolicyOf(object, gk);
    if (!self.selector || self.targeted) return;
    let gateway: string | undefined = self.selector[GATEWAY_NAME];
    if (gateway === undefined) gateway = selectFrom(workloadsInNamespace(workspace, object.namespace), self.selector).find((w) => GATEWAY_NAME in w.labels)?.labels[GATEWAY_NAME];
    if (gateway === undefined) return;
    report({ messageId: 'selector', data: { kind: object.kind, gateway }, path: self.path, target: 'key' });
  },
};
