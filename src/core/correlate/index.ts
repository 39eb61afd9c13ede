// Configuration vs observed traffic (ML5xxx): lenses and findings from the workspace and a versioned service graph.
export { correlate, hostService, windowLabel, MIN_SPLIT_REQUESTS, SPLIT_P_VALUE, SPLIT_MIN_POINTS, TIMEOUT_P99_FRACTION, MIN_LATENCY_REQUESTS, ERROR_RATE_THRESHOLD, POOL_FRACTION, CANARY_STEP_POINTS } from './correlate';
export type { BridgeLens, CorrelationResult, CorrelationWorkspace, HostService } from './correlate';
export { serviceManifests } from './manifests';
export type { ServiceManifestRef } from './manifests';
export { CORRELATION_CODES } from './codes';
export type { CorrelationMeta } from './codes';
export { chiSquareGoodnessOfFit, chiSquareSurvival } from './stats';
export type { ChiSquareResult } from './stats';
