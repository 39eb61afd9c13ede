// Demo traffic: the Bookinfo mesh of examples/bookinfo simulated with the OpenTelemetry SDK and
// sent over OTLP to a receiver (`meshlens demo`, `meshlens serve --demo`, the editor's
// "MeshLens: Start Demo Traffic"). Node layer: it may use node:* and the SDK, never vscode.
export { startDemo, checkReachable, exportUrl, defaultEndpoint, DemoError, DEFAULT_DEMO_RATE, DEFAULT_DEMO_SPLIT, DEFAULT_JASON_SHARE } from './run';
export type { DemoOptions, DemoRun, DemoCounts, DemoProtocol } from './run';
export { planRequest } from './plan';
export type { PlannedRequest, PlannedSpan, PlanOptions } from './plan';
export { ALL_WORKLOADS, CODE, FRAMES, NAMESPACE, DEFAULT_CODE_ROOT, resourceAttributes, WORKLOADS } from './mesh';
export { seeded } from './random';
