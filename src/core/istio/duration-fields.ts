import { expand, FieldPattern } from './pattern';

/**
 * Which fields hold durations, and what Istio demands of them. The table is written by hand from
 * the Istio CRDs (fields with the CEL rule `duration(self) >= duration('1ms')`) and from Istio's
 * webhook validation (`agent.ValidateDuration`: at least 1ms, whole milliseconds); a conformance
 * test walks the upstream CRD and fails when a CEL duration field is missing here, or when a field
 * here is neither in the CRD's CEL rules nor listed as coming from elsewhere.
 */
export interface DurationField {
  pattern: FieldPattern;
  /** Lower bound in nanoseconds, inclusive. */
  minNanos?: bigint;
  /** The value must be a whole number of this many nanoseconds. */
  stepNanos?: bigint;
  /**
   * Where the constraint comes from: `cel` (the CRD, enforced by the API server), `webhook`
   * (Istio's Go validation only), `syntax` (only the syntax is checked: the field is a duration
   * but neither enforces a bound), `argo` (Argo Rollouts parses it with time.ParseDuration).
   */
  source: 'cel' | 'webhook' | 'syntax' | 'argo';
  /** For Argo's int-or-string fields: a string of digits means seconds. */
  digitsAreSeconds?: boolean;
}

const MS = 1_000_000n;
const SECOND = 1_000_000_000n;

const celMin = (pattern: FieldPattern): DurationField => ({ pattern, minNanos: MS, source: 'cel' });
/** CEL says at least 1ms; Istio's webhook also refuses fractions of a millisecond. */
const celMinMs = (pattern: FieldPattern): DurationField => ({ pattern, minNanos: MS, stepNanos: MS, source: 'cel' });
const webhookMinMs = (pattern: FieldPattern): DurationField => ({ pattern, minNanos: MS, stepNanos: MS, source: 'webhook' });
const syntaxOnly = (pattern: FieldPattern): DurationField => ({ pattern, source: 'syntax' });
const argo = (pattern: FieldPattern, digitsAreSeconds = false): DurationField => ({ pattern, source: 'argo', digitsAreSeconds });

/** Connection pool settings: DestinationRule traffic policies and Sidecar inbound pools share them. */
function connectionPool(prefixes: string[]): DurationField[] {
  return [
    ...expand(prefixes, ['http.http2KeepAlive.interval', 'http.http2KeepAlive.timeout']).map(celMin),
    ...expand(prefixes, ['http.idleTimeout', 'tcp.connectTimeout', 'tcp.maxConnectionDuration', 'tcp.tcpKeepalive.interval', 'tcp.tcpKeepalive.time']).map(celMinMs),
    // The CRD has no CEL rule here, but the webhook runs ValidateDuration on it like the others.
    ...expand(prefixes, ['tcp.idleTimeout']).map(webhookMinMs),
  ];
}

function trafficPolicy(prefixes: string[]): DurationField[] {
  const withPorts = [...prefixes, ...prefixes.map((p) => `${p}.portLevelSettings[]`)];
  return [
    ...connectionPool(withPorts.map((p) => `${p}.connectionPool`)),
    ...expand(withPorts, ['loadBalancer.warmup.duration']).map(celMin),
    ...expand(withPorts, ['loadBalancer.warmupDurationSecs', 'outlierDetection.baseEjectionTime', 'outlierDetection.interval']).map(celMinMs),
    // A cookie TTL of 0s is meaningful (a session cookie), and nothing bounds the others.
    ...expand(withPorts, ['loadBalancer.consistentHash.httpCookie.ttl', 'loadBalancer.backendUtilization.weightStabilizationPeriod']).map(syntaxOnly),
    ...expand(prefixes, ['retryBudget.budgetInterval']).map(syntaxOnly),
  ];
}

const ISTIO_NET = 'networking.istio.io';

const TABLE: Record<string, DurationField[]> = {
  [`${ISTIO_NET}/DestinationRule`]: trafficPolicy(['spec.trafficPolicy', 'spec.subsets[].trafficPolicy']),
  [`${ISTIO_NET}/Sidecar`]: connectionPool(['spec.inboundConnectionPool', 'spec.ingress[].connectionPool']),
  [`${ISTIO_NET}/VirtualService`]: [
    ...['timeout', 'retries.perTryTimeout', 'fault.delay.fixedDelay', 'fault.delay.exponentialDelay'].map((f) => celMinMs(`spec.http[].${f}`)),
    celMin('spec.http[].retries.backoff'),
    // Envoy's CORS max-age header is in whole seconds; the webhook refuses a fraction.
    { pattern: 'spec.http[].corsPolicy.maxAge', minNanos: MS, stepNanos: SECOND, source: 'cel' },
  ],
  'security.istio.io/RequestAuthentication': [celMinMs('spec.jwtRules[].timeout')],
  'telemetry.istio.io/Telemetry': [celMin('spec.metrics[].reportingInterval')],
  'argoproj.io/Rollout': [
    argo('spec.strategy.canary.steps[].pause.duration', true),
    argo('spec.strategy.canary.steps[].experiment.duration'),
  ],
  'argoproj.io/AnalysisTemplate': analysisDurations('spec'),
  'argoproj.io/ClusterAnalysisTemplate': analysisDurations('spec'),
  'argoproj.io/AnalysisRun': analysisDurations('spec'),
  'argoproj.io/Experiment': [argo('spec.duration')],
};

function analysisDurations(root: string): DurationField[] {
  return [argo(`${root}.metrics[].interval`), argo(`${root}.metrics[].initialDelay`)];
}

/** Duration fields of a `group/Kind`; empty for kinds without any. */
export function durationFields(groupKind: string): readonly DurationField[] {
  return TABLE[groupKind] ?? [];
}

/** The duration field a schema path names (`spec.http[].timeout`), if it is one. */
export function classifyDuration(groupKind: string, schemaPath: string): DurationField | undefined {
  return durationFields(groupKind).find((f) => f.pattern === schemaPath);
}

export function durationKinds(): string[] {
  return Object.keys(TABLE);
}
