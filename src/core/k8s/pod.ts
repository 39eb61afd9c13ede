/**
 * Containers and probes of one object's pod template, the way the API server and the kubelet read
 * them: which containers run probes at all, what a probe's port resolves to, what the defaults are.
 * The workload rules (ML4xxx) share these so that "the container's port" means the same everywhere.
 */
import { WORKLOAD_KINDS } from '../istio/mesh';
import type { FieldPath } from '../yaml/path';
import { isRecord, K8sObject } from './object';

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';
export const PROBE_KINDS: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];

/** In the order the API server's validateHandler counts them: the first one present is the handler. */
export type HandlerName = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc';
export const HANDLER_NAMES: readonly HandlerName[] = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

/** The kubelet's defaults (SetDefaults_Probe), used where a field is absent. */
export const PROBE_DEFAULTS = { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 } as const;
export type ProbeTiming = keyof typeof PROBE_DEFAULTS;

export interface ContainerPort {
  index: number;
  number: number | undefined;
  name: string | undefined;
  /** `TCP` when absent, as the API server defaults it. */
  protocol: string;
  appProtocol: string | undefined;
}

export interface Container {
  name: string;
  path: FieldPath;
  value: Record<string, unknown>;
  /** In `initContainers`. */
  init: boolean;
  /** An init container with `restartPolicy: Always` (a native sidecar): it may have probes. */
  sidecar: boolean;
  ports: ContainerPort[];
}

export interface Probe {
  container: Container;
  kind: ProbeKind;
  path: FieldPath;
  value: Record<string, unknown>;
  /** The handler fields present, in validateHandler's order. */
  handlers: HandlerName[];
}

/** Where the pod spec of an object is: `spec.template.spec` for a Deployment, `spec` for a Pod. */
export function podSpecPath(o: Pick<K8sObject, 'group' | 'kind'>): FieldPath | undefined {
  const template = WORKLOAD_KINDS[`${o.group}/${o.kind}`];
  return template === undefined ? undefined : [...template, 'spec'];
}

export function valueAt(body: unknown, path: FieldPath): unknown {
  let v = body;
  for (const seg of path) {
    if (!isRecord(v) && !Array.isArray(v)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** The pod spec of the object's own template; undefined when it has none (a Rollout with `workloadRef`). */
export function podSpecOf(o: K8sObject): { path: FieldPath; spec: Record<string, unknown> } | undefined {
  const path = podSpecPath(o);
  if (!path) return undefined;
  const spec = valueAt(o.body, path);
  return isRecord(spec) ? { path, spec } : undefined;
}

function portsOf(raw: unknown): ContainerPort[] {
  if (!Array.isArray(raw)) return [];
  const out: ContainerPort[] = [];
  raw.forEach((p, index) => {
    if (!isRecord(p)) return;
    out.push({
      index,
      number: typeof p.containerPort === 'number' ? p.containerPort : undefined,
      name: typeof p.name === 'string' ? p.name : undefined,
      protocol: typeof p.protocol === 'string' && p.protocol ? p.protocol : 'TCP',
      appProtocol: typeof p.appProtocol === 'string' ? p.appProtocol : undefined,
    });
  });
  return out;
}

/** Regular containers first, then init containers, each with its path in the object. */
export function containersIn(spec: Record<string, unknown>, specPath: FieldPath): Container[] {
  const out: Container[] = [];
  for (const [field, init] of [['containers', false], ['initContainers', true]] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (!isRecord(c)) return;
      out.push({
        name: typeof c.name === 'string' ? c.name : `#${i}`,
        path: [...specPath, field, i],
        value: c,
        init,
        sidecar: init && c.restartPolicy === 'Always',
        ports: portsOf(c.ports),
      });
    });
  }
  return out;
}

// Fourteen rules read the same containers of every workload; the body is immutable while its file
// is unchanged, so it keys the result (and a re-parse drops it with the old body).
const containerCache = new WeakMap<object, readonly Container[]>();

export function containersOf(o: K8sObject): readonly Container[] {
  const hit = containerCache.get(o.body);
  if (hit) return hit;
  const pod = podSpecOf(o);
  const out = pod ? containersIn(pod.spec, pod.path) : [];
  containerCache.set(o.body, out);
  return out;
}

const probeCache = new WeakMap<Container, readonly Probe[]>();

export function probesOf(c: Container): readonly Probe[] {
  const hit = probeCache.get(c);
  if (hit) return hit;
  const out: Probe[] = [];
  for (const kind of PROBE_KINDS) {
    const value = c.value[kind];
    if (!isRecord(value)) continue;
    out.push({ container: c, kind, path: [...c.path, kind], value, handlers: HANDLER_NAMES.filter((h) => value[h] !== undefined && value[h] !== null) });
  }
  probeCache.set(c, out);
  return out;
}

/**
 * Containers whose probes the kubelet runs and the API server validates: regular containers and
 * native sidecars. Probes on other init containers are rejected outright (ML4005) and nothing else
 * about them matters.
 */
export function probingContainers(o: K8sObject): Container[] {
  return containersOf(o).filter((c) => !c.init || c.sidecar);
}

export function timing(p: Probe, field: ProbeTiming): number {
  const v = p.value[field];
  return typeof v === 'number' && v > 0 ? v : PROBE_DEFAULTS[field];
}

/** The handler the kubelet runs (the first present) and where its port is, if it has one. */
export function probePort(p: Probe): { handler: HandlerName; port: number | string; path: FieldPath } | undefined {
  const handler = p.handlers[0];
  if (!handler || handler === 'exec') return undefined;
  const action = p.value[handler];
  if (!isRecord(action)) return undefined;
  const port = action.port;
  if (typeof port !== 'number' && typeof port !== 'string') return undefined;
  return { handler, port, path: [...p.path, handler, 'port'] };
}

/** apimachinery's IsValidPortNum: an integer from 1 to 65535. */
export function isValidPortNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** The container port a probe port names (by name), or equals (by number). */
export function findContainerPort(c: Container, port: number | string): ContainerPort | undefined {
  return typeof port === 'number' ? c.ports.find((p) => p.number === port) : c.ports.find((p) => p.name === port);
}

/** Workloads that run to completion: readiness and liveness mean little for them. */
export function runsToCompletion(o: K8sObject): boolean {
  if (o.group === 'batch') return true;
  if (o.group === '' && o.kind === 'Pod') {
    const policy = valueAt(o.body, ['spec', 'restartPolicy']);
    return policy === 'Never' || policy === 'OnFailure';
  }
  return false;
}

/** A Rollout whose canary strategy shifts traffic through a mesh or ingress (`trafficRouting`). */
export function hasTrafficRouting(o: K8sObject): boolean {
  if (o.group !== 'argoproj.io' || o.kind !== 'Rollout') return false;
  const tr = valueAt(o.body, ['spec', 'strategy', 'canary', 'trafficRouting']);
  return isRecord(tr) && Object.keys(tr).length > 0;
}

/** Port names the way Istio reads them: `grpc` or `grpc-*`, or an explicit `appProtocol: grpc`. */
export function isGrpcPort(p: ContainerPort): boolean {
  const name = p.name?.toLowerCase() ?? '';
  return name === 'grpc' || name.startsWith('grpc-') || p.appProtocol?.toLowerCase() === 'grpc';
}

/** apimachinery's IsValidPortName (an IANA_SVC_NAME), message for message. */
export function portNameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length > 15) out.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)');
  if (name.includes('--')) out.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) out.push('must not begin or end with a hyphen');
  return out;
}
