import { isRecord } from '../../../k8s/object';
import { expand, presentFields, resolvePattern } from '../../../istio/pattern';
import { FieldPath } from '../../../yaml/path';
import { groupKindOf, ObjectReport, ObjectRule } from '../../types';

type Report = (r: ObjectReport) => void;

const SELECTOR_OR_REFS = 'only one of targetRefs or selector can be set';

/**
 * Which fields count as set. CEL's has() counts an empty list; istiod's webhook (`len(x) > 0`)
 * does not, so the webhook's checks skip empty lists.
 */
function setFields(o: unknown, fields: string[], by: 'cel' | 'webhook'): string[] {
  const present = presentFields(o, fields);
  return by === 'cel' ? present : present.filter((f) => !(Array.isArray((o as Record<string, unknown>)[f]) && ((o as Record<string, unknown[]>)[f]).length === 0));
}

/**
 * At most one of `fields` may be set on the objects the pattern reaches; every field after the
 * first one written is reported, since the first is usually the one meant.
 */
function exclusive(report: Report, body: unknown, pattern: string, fields: string[], rule: string): void {
  for (const { path, value } of resolvePattern(body, pattern)) {
    const present = setFields(value, fields, 'cel');
    for (const field of present.slice(1)) report({ messageId: 'exclusive', data: { field, other: present[0], rule }, path: [...path, field], target: 'key' });
  }
}

/** Pairs of fields that exclude each other, each with the upstream wording. */
function pairs(report: Report, body: unknown, pattern: string, by: 'cel' | 'webhook', rules: Array<[string, string, string]>): void {
  for (const { path, value } of resolvePattern(body, pattern)) {
    for (const [a, b, rule] of rules) {
      const present = setFields(value, [a, b], by);
      if (present.length === 2) report({ messageId: 'exclusive', data: { field: present[1], other: present[0], rule }, path: [...path, present[1]], target: 'key' });
    }
  }
}

const TLS_CREDENTIALS: Array<[string, string, string]> = [
  ['credentialName', 'credentialNames', 'only one of credentialName or credentialNames can be set'],
  ['credentialNames', 'tlsCertificates', 'only one of credentialNames or tlsCertificates can be set'],
];

function httpRoutes(report: Report, body: unknown): void {
  pairs(report, body, 'spec.http[]', 'webhook', [
    ['route', 'redirect', 'HTTP route cannot contain both route and redirect'],
    ['fault', 'redirect', 'HTTP route cannot contain both fault and redirect'],
    ['rewrite', 'redirect', 'HTTP route rule cannot contain both rewrite and redirect'],
    ['directResponse', 'redirect', 'HTTP route rule cannot contain both direct_response and redirect'],
    ['route', 'directResponse', 'HTTP route cannot contain both route and direct_response'],
    ['fault', 'directResponse', 'HTTP route cannot contain both fault and direct_response'],
    ['rewrite', 'directResponse', 'HTTP route rule cannot contain both rewrite and direct_response'],
    ['mirror', 'mirrors', 'HTTP route cannot contain both mirror and mirrors'],
    ['delegate', 'route', 'root HTTP route must not specify route'],
  ]);
  pairs(report, body, 'spec.http[].rewrite', 'webhook', [['uri', 'uriRegexRewrite', 'rewrite may only contain one of URI or UriRegexRewrite']]);
}

function trafficPolicies(report: Report, body: unknown): void {
  const policies = ['spec.trafficPolicy', 'spec.subsets[].trafficPolicy'];
  for (const p of policies) pairs(report, body, p, 'webhook', [['tunnel', 'proxyProtocol', 'tunnel and proxyProtocol must not be set together']]);
  for (const p of expand([...policies, ...policies.map((x) => `${x}.portLevelSettings[]`)], ['loadBalancer.localityLbSetting'])) {
    pairs(report, body, p, 'webhook', [['distribute', 'failover', "can not simultaneously specify 'distribute' and 'failover'"]]);
  }
}

function serviceEntry(report: Report, body: unknown): void {
  exclusive(report, body, 'spec', ['workloadSelector', 'endpoints'], 'only one of WorkloadSelector or Endpoints can be set');
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : undefined;
  if (!spec || !Array.isArray(spec.endpoints)) return;
  const resolution = typeof spec.resolution === 'string' ? spec.resolution : undefined;
  if ((resolution ?? 'NONE') === 'NONE') {
    report({ messageId: 'noneEndpoints', data: { resolution: resolution ?? 'NONE (the default)' }, path: ['spec', 'endpoints'], target: 'key' });
  } else if (resolution === 'DNS_ROUND_ROBIN' && spec.endpoints.length > 1) {
    report({ messageId: 'roundRobinEndpoints', data: { count: spec.endpoints.length }, path: ['spec', 'endpoints', 1] });
  }
}

function serviceAccounts(report: Report, body: unknown): void {
  for (const { path, value } of resolvePattern(body, 'spec.rules[].from[].source')) {
    const accounts = presentFields(value, ['serviceAccounts', 'notServiceAccounts']);
    if (!accounts.length) continue;
    for (const field of presentFields(value, ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'])) {
      report({ messageId: 'exclusive', data: { field, other: accounts[0], rule: 'Cannot set serviceAccounts with namespaces or principals' }, path: [...path, field], target: 'key' });
    }
  }
}

function peerAuthentication(report: Report, body: unknown): void {
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : undefined;
  if (!spec || spec.portLevelMtls === undefined || spec.portLevelMtls === null) return;
  const labels = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  if (Object.keys(labels).length === 0) report({ messageId: 'portLevelNeedsSelector', path: ['spec', 'portLevelMtls'], target: 'key' });
}

function tagOverrides(report: Report, body: unknown): void {
  for (const { path, value } of resolvePattern(body, 'spec.metrics[].overrides[].tagOverrides{}')) {
    if (!isRecord(value)) continue;
    const tag = String(path[path.length - 1]);
    const operation = value.operation;
    const hasValue = value.value !== undefined && value.value !== null;
    if ((operation === undefined || operation === 'UPSERT') && (!hasValue || value.value === '')) {
      const at: FieldPath = operation === undefined ? path : [...path, 'operation'];
      const how = operation === undefined ? 'has no operation (UPSERT is the default)' : 'has operation UPSERT';
      report({ messageId: 'upsertNeedsValue', data: { tag, how }, path: at, target: 'key' });
    } else if (operation === 'REMOVE' && hasValue) {
      report({ messageId: 'removeTakesNoValue', data: { tag }, path: [...path, 'value'], target: 'key' });
    }
  }
}

function hostEnv(report: Report, body: unknown, pattern: string): void {
  for (const { path, value } of resolvePattern(body, pattern)) {
    if (isRecord(value) && value.valueFrom === 'HOST' && value.value !== undefined && value.value !== null) {
      report({ messageId: 'hostEnvValue', data: { name: String(value.name ?? '') }, path: [...path, 'value'], target: 'key' });
    }
  }
}

function waypointMatch(report: Report, body: unknown): void {
  for (const { path, value } of resolvePattern(body, 'spec.configPatches[].match')) {
    if (!isRecord(value)) continue;
    const context = typeof value.context === 'string' ? value.context : undefined;
    const hasWaypoint = value.waypoint !== undefined && value.waypoint !== null;
    if (hasWaypoint && context !== 'WAYPOINT') {
      report({ messageId: 'waypointNeedsContext', data: { context: context ?? 'not set' }, path: [...path, 'waypoint'], target: 'key' });
    } else if (!hasWaypoint && context === 'WAYPOINT') {
      report({ messageId: 'contextNeedsWaypoint', path: [...path, 'context'] });
    }
  }
}

function wasmOrLua(report: Report, body: unknown): void {
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : undefined;
  if (!spec) return;
  const present = presentFields(spec, ['wasm', 'lua']);
  if (present.length === 2) report({ messageId: 'exclusive', data: { field: present[1], other: present[0], rule: 'exactly one of wasm or lua must be set' }, path: ['spec', present[1]], target: 'key' });
  else if (present.length === 0) report({ messageId: 'wasmOrLua', path: ['spec'], target: 'key' });
}

const CHECKS: Record<string, (report: Report, body: unknown) => void> = {
  'security.istio.io/AuthorizationPolicy': (r, b) => {
    exclusive(r, b, 'spec', ['selector', 'targetRef', 'targetRefs'], SELECTOR_OR_REFS);
    serviceAccounts(r, b);
  },
  'security.istio.io/RequestAuthentication': (r, b) => {
    exclusive(r, b, 'spec', ['selector', 'targetRef', 'targetRefs'], SELECTOR_OR_REFS);
    exclusive(r, b, 'spec.jwtRules[]', ['jwksUri', 'jwks_uri', 'jwks'], 'only one of jwks or jwksUri can be set');
  },
  'security.istio.io/PeerAuthentication': peerAuthentication,
  'telemetry.istio.io/Telemetry': (r, b) => {
    exclusive(r, b, 'spec', ['selector', 'targetRef', 'targetRefs'], SELECTOR_OR_REFS);
    tagOverrides(r, b);
  },
  'extensions.istio.io/WasmPlugin': (r, b) => {
    exclusive(r, b, 'spec', ['selector', 'targetRef', 'targetRefs'], SELECTOR_OR_REFS);
    hostEnv(r, b, 'spec.vmConfig.env[]');
  },
  'extensions.istio.io/TrafficExtension': (r, b) => {
    exclusive(r, b, 'spec', ['selector', 'targetRefs'], SELECTOR_OR_REFS);
    wasmOrLua(r, b);
    hostEnv(r, b, 'spec.wasm.vmConfig.env[]');
  },
  'networking.istio.io/EnvoyFilter': (r, b) => {
    exclusive(r, b, 'spec', ['workloadSelector', 'targetRefs'], 'only one of targetRefs or workloadSelector can be set');
    waypointMatch(r, b);
  },
  'networking.istio.io/ServiceEntry': serviceEntry,
  'networking.istio.io/Gateway': (r, b) => pairs(r, b, 'spec.servers[].tls', 'cel', TLS_CREDENTIALS),
  'networking.istio.io/Sidecar': (r, b) => pairs(r, b, 'spec.ingress[].tls', 'cel', TLS_CREDENTIALS),
  'networking.istio.io/VirtualService': httpRoutes,
  'networking.istio.io/DestinationRule': trafficPolicies,
};

export const conflictingFields: ObjectRule = {
  meta: {
    id: 'conflicting-fields',
    code: 'ML0021',
    severity: 'error',
    scope: 'object',
    kinds: Object.keys(CHECKS),
    title: 'Fields that exclude or require each other',
    description:
      'Two fields that Istio does not accept together, or a field that requires another: a policy with both a `selector` and `targetRefs`, a ServiceEntry with both `workloadSelector` and `endpoints` or with endpoints under resolution NONE (the default) or several under DNS_ROUND_ROBIN, an authorization source with `serviceAccounts` and `principals` or `namespaces`, a JWT rule with both `jwks` and `jwksUri`, `portLevelMtls` without a workload selector, a tag override whose value does not fit its operation, a host-provided Wasm env variable with a value, an EnvoyFilter waypoint match outside the WAYPOINT context, an HTTP route with both `route` and `redirect`. The schema in the models cannot express these; the Istio CRDs\' CEL rules and istiod\'s webhook reject the object.',
    remediation: 'Keep one of the two fields (the message names them), or add the field the other one needs.',
    messages: {
      exclusive: '"{field}" cannot be set together with "{other}" ({rule}); keep one of them.',
      noneEndpoints: 'resolution {resolution} takes no endpoints ("NONE mode cannot set endpoints"): set resolution to STATIC or DNS, or remove the endpoints.',
      roundRobinEndpoints: 'resolution DNS_ROUND_ROBIN takes at most one endpoint, not {count} ("DNS_ROUND_ROBIN mode cannot have multiple endpoints"); use resolution DNS for several.',
      portLevelNeedsSelector: 'portLevelMtls needs a selector with matchLabels ("portLevelMtls requires selector"): port-level mTLS applies to selected workloads, not to a whole namespace or mesh.',
      upsertNeedsValue: 'Tag override "{tag}" {how} but no value ("value must be set when operation is UPSERT").',
      removeTakesNoValue: 'Tag override "{tag}" has operation REMOVE and a value ("value must not be set when operation is REMOVE"); remove the value.',
      hostEnvValue: 'env "{name}" takes its value from the host (valueFrom: HOST), so it cannot set value ("value may only be set when valueFrom is INLINE").',
      waypointNeedsContext: 'A waypoint match needs context: WAYPOINT, and the context is {context} ("only support waypointMatch when context is WAYPOINT").',
      contextNeedsWaypoint: 'context: WAYPOINT needs a waypoint match instead of a listener, route or cluster match ("only support waypointMatch when context is WAYPOINT").',
      wasmOrLua: 'A TrafficExtension needs exactly one of wasm or lua ("exactly one of wasm or lua must be set").',
    },
    upstream: [
      'Istio CRD (CEL): only one of targetRefs or selector can be set; only one of targetRefs or workloadSelector can be set; only one of credentialName or credentialNames can be set; only one of credentialName or tlsCertificates can be set; only one of credentialNames or tlsCertificates can be set; only one of WorkloadSelector or Endpoints can be set; NONE mode cannot set endpoints; DNS_ROUND_ROBIN mode cannot have multiple endpoints; Cannot set serviceAccounts with namespaces or principals; only one of jwks or jwksUri can be set; portLevelMtls requires selector; value must be set when operation is UPSERT; value may only be set when valueFrom is INLINE; only support waypointMatch when context is WAYPOINT',
      'istiod webhook: HTTP route cannot contain both route and redirect; tunnel and proxyProtocol must not be set together',
    ],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: db\nspec:\n  hosts: [db.internal]\n  ports:\n    - {name: tcp, number: 5432, protocol: TCP}\n  endpoints:\n    - address: 10.0.0.12\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: db\nspec:\n  hosts: [db.internal]\n  ports:\n    - {name: tcp, number: 5432, protocol: TCP}\n  resolution: STATIC\n  endpoints:\n    - address: 10.0.0.12\n',
    },
  },
  check({ object, report }) {
    CHECKS[groupKindOf(object)]?.(report, object.body);
  },
};
