// The codes of configuration-vs-traffic findings (ML5xxx). They are not analyzer rules: they need
// the service graph, so correlate() produces them, not ManifestEngine. Their meta has the analyzer
// rules' shape so that scripts/gen-rule-docs.ts writes their pages the same way. Codes are forever.
import type { RuleMeta } from '../analysis/types';

export type CorrelationMeta = RuleMeta & { scope: 'object' };

const VS = 'networking.istio.io/VirtualService';
const DR = 'networking.istio.io/DestinationRule';
const WORKLOADS = ['/Service', 'apps/Deployment', 'apps/StatefulSet', 'argoproj.io/Rollout'];

const MATCHING =
  'Traffic is matched to a route destination this way: the destination `host` (short name, `name.namespace` or the cluster FQDN) names the service ' +
  '(the graph\'s `service.name`); its `subset` is looked up in the DestinationRules for that host; the subset\'s labels select the workloads ' +
  '(Deployments, StatefulSets, Rollouts, ...) of the namespace; the workloads\' `version` (or `app.kubernetes.io/version`) pod label is the ' +
  'version the traces report as `service.version`; a workload without a version label is matched by its name\'s `-v<digit>` suffix ' +
  '(what the graph reads from `k8s.deployment.name`). The canary and stable subsets of an Argo Rollout with Istio traffic routing ' +
  '(`trafficRouting.istio.destinationRule`) have no telling labels in git, since Argo writes the pod template hash into them: the canary ' +
  'subset is the Rollout pod template\'s version, the stable subset every other version seen but those of the other subsets. ' +
  'A destination without subset takes every request into its service.';

export const observedSplitDiffers: CorrelationMeta = {
  id: 'observed-split-differs',
  code: 'ML5001',
  severity: 'info',
  scope: 'object',
  kinds: [VS, DR, ...WORKLOADS],
  title: 'observed traffic split differs from the route weights beyond chance',
  description:
    'For an HTTP route with several weighted destinations, MeshLens counts the requests the local traces show into each destination over the ' +
    'bridge window (`meshlens.bridge.window`, summed over all callers) and tests them against the configured weights with Pearson\'s chi-square ' +
    'goodness-of-fit test (degrees of freedom: destinations with a non-zero weight minus one). It reports when there are at least 100 requests, ' +
    'p < 0.001 and at least one destination is 5 percentage points or more away from its weight: the split is then not chance, and is usually ' +
    'a sign that the sidecars do not have this VirtualService, that a subset selects other pods than intended, that a header match earlier ' +
    'in the list takes the traffic, or that callers bypass the mesh. A request into a destination of weight 0 always counts as a deviation. ' +
    MATCHING,
  remediation:
    'Check that the VirtualService is applied where the callers run (namespace, `exportTo`, `gateways`), that each subset\'s labels select ' +
    'the intended pods and those pods report the right `service.version`, and that no earlier route takes the traffic. If the new split is ' +
    'what you want, change the weights.',
  messages: {
    differs: 'Observed {observed} over {requests} requests to {service} ({window}); configured {configured}. Pearson\'s chi-square = {chi2} ({df} df), p {p}: the difference is not chance. Check that the callers\' sidecars have this route and that each subset selects the pods you expect.',
  },
  upstream: [],
  fixable: false,
  examples: {
    invalid: `# Traces over 5 m: 500 requests into reviews v1 and 500 into v2 (configured 80/20).
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: { host: reviews, subset: v1 }
          weight: 80
        - destination: { host: reviews, subset: v2 }
          weight: 20
`,
    valid: `# Traces over 5 m: 803 requests into reviews v1 and 197 into v2.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: { host: reviews, subset: v1 }
          weight: 80
        - destination: { host: reviews, subset: v2 }
          weight: 20
`,
  },
};

export const timeoutNearObservedP99: CorrelationMeta = {
  id: 'timeout-near-observed-p99',
  code: 'ML5002',
  severity: 'warning',
  scope: 'object',
  kinds: [VS, DR, ...WORKLOADS],
  title: 'route timeout close to or below the observed p99 latency',
  description:
    'For an HTTP route with a `timeout`, MeshLens takes the p99 latency of the requests into the route\'s destinations over the bridge window ' +
    '(as the callers saw them, the client side of each edge; the highest p99 of the callers that made at least 20 requests) and warns when it ' +
    'is above 80% of the timeout: the slowest requests already come close to it, and some will be cut off with a 504 (`UT`). ' +
    MATCHING,
  remediation:
    'Raise the route `timeout` above the latency the slowest requests need (with a margin), or make the destination faster. If the timeout is ' +
    'deliberate (shed slow requests), make sure callers handle the 504.',
  messages: {
    nearTimeout: 'Observed p99 {p99} into {service} ({window}, {requests} requests from {caller}) is {percent}% of this route\'s timeout {timeout}: slow requests will be cut off with 504. Raise the timeout or make {service} faster.',
  },
  upstream: [],
  fixable: false,
  examples: {
    invalid: `# Traces over 5 m: 200 requests from productpage into ratings, p99 450 ms.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - timeout: 500ms
      route:
        - destination: { host: ratings }
`,
    valid: `# Traces over 5 m: 200 requests from productpage into ratings, p99 450 ms.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - timeout: 2s
      route:
        - destination: { host: ratings }
`,
  },
};

export const errorsVersusRetries: CorrelationMeta = {
  id: 'errors-versus-retries',
  code: 'ML5003',
  severity: 'warning',
  scope: 'object',
  kinds: [VS, DR, ...WORKLOADS],
  title: 'observed error rate above 1% with or without route retries',
  description:
    'For an HTTP route, MeshLens takes the error rate of the requests into its destinations over the bridge window as the callers saw them ' +
    '(client spans: after the sidecar\'s retries) and, with at least 100 requests and an error rate above 1%, reports: as a warning when the ' +
    'route configures `retries` (attempts > 0): the errors survive the retries, so they are not transient or `retryOn` does not cover them, and ' +
    'each retry adds load to a failing service; as information when it configures none (or `attempts: 0`): Istio\'s default policy retries ' +
    'only connection failures and 503 twice, and it did not hide these errors. ' +
    MATCHING,
  remediation:
    'With retries: look at the failing requests (the map lists their traces) and fix the cause; narrow `retryOn` to the transient failures and ' +
    'keep `attempts` small. Without retries: if the requests are idempotent and the failures transient, add `retries` with a `retryOn` that ' +
    'covers them (e.g. `5xx,reset,connect-failure`) and a `perTryTimeout`.',
  messages: {
    retriesNotEnough: 'Error rate {errorRate} into {service} ({window}, {errors} of {requests} requests as the callers saw them) despite retries ({attempts} attempts on {retryOn}): the failures are not transient or retryOn does not cover them. Look at the failing traces before adding attempts.',
    noRetries: 'Error rate {errorRate} into {service} ({window}, {errors} of {requests} requests) and this route configures no retries (Istio\'s default retries only connection failures and 503). If the requests are idempotent and the failures transient, add retries with a retryOn that covers them.',
  },
  upstream: [],
  fixable: false,
  examples: {
    invalid: `# Traces over 5 m: 400 requests into ratings, 40 failed (10%), retries configured.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - retries: { attempts: 3, perTryTimeout: 1s, retryOn: 5xx }
      route:
        - destination: { host: ratings }
`,
    valid: `# Traces over 5 m: 400 requests into ratings, 1 failed (0.25%).
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
    - retries: { attempts: 3, perTryTimeout: 1s, retryOn: 5xx }
      route:
        - destination: { host: ratings }
`,
  },
};

export const connectionPoolBelowConcurrency: CorrelationMeta = {
  id: 'connection-pool-below-concurrency',
  code: 'ML5004',
  severity: 'warning',
  scope: 'object',
  kinds: [DR, VS, ...WORKLOADS],
  title: 'DestinationRule circuit breaker close to the observed concurrency',
  description:
    'For a DestinationRule `trafficPolicy.connectionPool` (and a subset\'s own `trafficPolicy`), MeshLens estimates the requests in flight ' +
    'from each caller with Little\'s law: concurrency = arrival rate × mean time in the system. The rate is the caller\'s requests per second ' +
    'into the host (or subset) over the bridge window; the graph keeps percentiles, not means, so the mean is estimated by the median (p50) of the ' +
    'client-side latency, which understates it for long-tailed latencies. It warns when that concurrency reaches 80% of a limit: ' +
    '`http.http2MaxRequests` (requests in flight), or `tcp.maxConnections` plus `http.http1MaxPendingRequests` (with HTTP/1.1 each request in ' +
    'flight holds a connection; beyond maxConnections requests wait as pending, beyond both they fail with 503 `UO`). The limits apply per ' +
    'client proxy: a caller with several pods spreads its concurrency over them, and bursts above the window\'s average rate go higher. ' +
    'At least 20 requests from the caller are needed.',
  remediation:
    'Raise the limit above the concurrency the callers need (with room for bursts), or lower the load. If the limit is a deliberate circuit ' +
    'breaker, make sure callers handle the 503s it will return.',
  messages: {
    nearLimit: '{caller} sends about {concurrency} concurrent requests to {service} ({window}: {rate} req/s × p50 {p50} by Little\'s law), {percent}% of {limitName} = {limit}: requests will queue or fail with 503 (UO). Raise the limit or reduce the load.',
  },
  upstream: [],
  fixable: false,
  examples: {
    invalid: `# Traces over 1 m: productpage calls reviews 100 times a second, p50 120 ms (about 12 in flight).
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
    connectionPool:
      http:
        http2MaxRequests: 10
`,
    valid: `# Traces over 1 m: productpage calls reviews 100 times a second, p50 120 ms (about 12 in flight).
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
    connectionPool:
      http:
        http2MaxRequests: 100
`,
  },
};

/** Sorted by code; codes are forever (a retired one stays listed, never reused). */
export const CORRELATION_CODES: readonly CorrelationMeta[] = [observedSplitDiffers, timeoutNearObservedP99, errorsVersusRetries, connectionPoolBelowConcurrency];
