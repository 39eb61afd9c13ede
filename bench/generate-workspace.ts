// A deterministic workspace of manifests for bench/lint.ts: 1,000 YAML files, 5,000 objects.
//
//   npx tsx bench/generate-workspace.ts [seed]      (writes bench/.work/ws-<seed>/, prints a hash)
//
// Teams (namespaces) own services; a service is a Deployment (one or two versions) or an Argo
// Rollout with canary steps and Istio traffic routing (subset- or host-level) and often an
// AnalysisTemplate, plus its Service(s), a DestinationRule with subsets, a VirtualService with
// weighted routes, retries and timeouts, and sometimes an AuthorizationPolicy. Every team has a
// Gateway, a PeerAuthentication, an ingress VirtualService and sometimes a ServiceEntry. Files are
// multi-document with comments. About 10% of the objects carry one deliberate mistake (misspelt
// field, wrong type, enum case, empty string, duplicate object, now and then a syntax error);
// `platform/mesh-routing.yaml` is the one file of exactly 2,000 lines (the edit target).
//
// The only source of randomness is the seeded PRNG below: the same seed gives byte-identical files
// (the printed tree hash is sha256 over the sorted paths and contents).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FILE_COUNT = 1000;
export const OBJECT_COUNT = 5000;
export const BIG_FILE_LINES = 2000;
export const BIG_FILE = 'platform/mesh-routing.yaml';
export const MISTAKE_RATE = 0.1;
export const DEFAULT_SEED = 1;

/** sfc32, seeded through splitmix32: small, fast, and the same sequence on every platform. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
}

export type MistakeCategory = 'misspelt' | 'wrong-type' | 'enum-case' | 'empty' | 'duplicate' | 'syntax';

export interface Mistake {
  category: MistakeCategory;
  id: string;
  /** Line inside the object (0-based from its first line) that was changed. */
  line: number;
}

/** One generated document. */
export interface GenObject {
  kind: string;
  namespace: string;
  name: string;
  text: string;
  mistake?: Mistake;
  /** The original of a deliberately duplicated object: it is part of a mistake, though it is itself fine. */
  duplicated?: boolean;
}

export interface PlacedObject extends GenObject {
  /** 0-based line span in its file, last line included. */
  startLine: number;
  endLine: number;
}

export interface GenFile {
  /** Relative to the workspace root, with forward slashes. */
  path: string;
  text: string;
  objects: PlacedObject[];
}

export interface Workspace {
  seed: number;
  dir: string;
  files: GenFile[];
  objectCount: number;
  bigFile: string;
  bytes: number;
  lines: number;
  mistakes: Record<MistakeCategory, number>;
  kinds: Record<string, number>;
  hash: string;
}

// ---------------------------------------------------------------------------------------------
// Names

const TEAMS = [
  'shop', 'payments', 'catalog', 'identity', 'search', 'media', 'logistics', 'ads', 'notify', 'edge',
  'billing', 'accounts', 'pricing', 'reviews', 'checkout', 'support', 'growth', 'data', 'risk', 'orders',
  'inventory', 'loyalty', 'partners', 'mobile', 'web', 'maps', 'travel', 'insurance', 'ledger', 'fraud',
  'content', 'social', 'chat', 'voice', 'video', 'games', 'music', 'events', 'tickets', 'fleet',
] as const;

const WORDS = [
  'api', 'cart', 'orders', 'inventory', 'pricing', 'profile', 'auth', 'search', 'recommend', 'images',
  'shipping', 'tracking', 'billing', 'invoices', 'coupons', 'wishlist', 'ratings', 'reviews', 'sessions',
  'tokens', 'users', 'quotes', 'rates', 'ledger', 'payouts', 'refunds', 'disputes', 'catalog', 'stock',
  'warehouse', 'routing', 'geo', 'notifier', 'mailer', 'sms', 'push', 'feed', 'timeline', 'comments',
  'likes', 'uploads', 'thumbnails', 'transcoder', 'player', 'playlists', 'tickets', 'seats', 'venues',
  'audit', 'reports', 'exports', 'scheduler', 'webhooks', 'gateway', 'frontend', 'bff', 'config', 'flags',
] as const;

const LB = ['LEAST_REQUEST', 'ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST'] as const;
const RETRY_ON = ['5xx,reset,connect-failure', 'gateway-error,connect-failure,refused-stream', '5xx', 'retriable-status-codes,reset'] as const;
const DURATIONS = ['1s', '2s', '3s', '5s', '10s', '15s', '30s'] as const;

// ---------------------------------------------------------------------------------------------
// Object builders (2-space indentation, block style with a flow mapping now and then)

interface Svc {
  ns: string;
  app: string;
  host: string;
  port: number;
  rollout: boolean;
  /** Rollout routing: subsets of one Service, or separate canary/stable Services. */
  subsetLevel: boolean;
  versions: string[];
  image: string;
  /** A second, gRPC port on 9090: its routes then name their port. */
  grpc: boolean;
}

function deployment(r: Prng, s: Svc, version: string): GenObject {
  const name = s.versions.length > 1 ? `${s.app}-${version}` : s.app;
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${s.ns}`,
    '  labels:',
    `    app: ${s.app}`,
    `    version: ${version}`,
    'spec:',
    `  replicas: ${r.int(1, 6)}`,
    `  revisionHistoryLimit: ${r.int(2, 10)}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${s.app}`,
    `      version: ${version}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${s.app}`,
    `        version: ${version}`,
    // Injection is a label now; the annotation of the same name is deprecated (ML1203).
    ...(r.chance(0.5) ? ['        sidecar.istio.io/inject: "true"', '      annotations:', `        prometheus.io/port: "${s.port === 80 ? 8080 : s.port}"`] : []),
    '    spec:',
    `      serviceAccountName: ${s.app}`,
    '      containers:',
    `      - name: ${s.app}`,
    `        image: ${s.image}:${version === 'v1' ? '1.' : '2.'}${r.int(0, 30)}.${r.int(0, 9)}`,
    '        imagePullPolicy: IfNotPresent',
    '        ports:',
    '        - name: http',
    `          containerPort: ${s.port === 80 ? 8080 : s.port}`,
    '          protocol: TCP',
    ...(s.grpc ? ['        - name: grpc', '          containerPort: 9090', '          protocol: TCP'] : []),
    '        env:',
    '        - name: LOG_LEVEL',
    `          value: ${r.pick(['info', 'debug', 'warn'])}`,
    '        - name: OTEL_EXPORTER_OTLP_ENDPOINT',
    '          value: http://otel-collector.observability:4317',
    '        resources:',
    '          requests:',
    `            cpu: ${r.pick(['50m', '100m', '250m', '500m'])}`,
    `            memory: ${r.pick(['64Mi', '128Mi', '256Mi'])}`,
    '          limits:',
    `            memory: ${r.pick(['256Mi', '512Mi', '1Gi'])}`,
    '        readinessProbe:',
    '          httpGet:',
    '            path: /healthz/ready',
    '            port: http',
    `          periodSeconds: ${r.int(2, 10)}`,
    '        livenessProbe:',
    '          httpGet: {path: /healthz/live, port: http}',
    `          initialDelaySeconds: ${r.int(5, 30)}`,
  ];
  return { kind: 'Deployment', namespace: s.ns, name, text: lines.join('\n') + '\n' };
}

function service(s: Svc, name: string): GenObject {
  const lines = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${s.ns}`,
    '  labels:',
    `    app: ${s.app}`,
    'spec:',
    '  type: ClusterIP',
    '  selector:',
    `    app: ${s.app}`,
    '  ports:',
    '  - name: http',
    `    port: ${s.port}`,
    '    targetPort: http',
    '    protocol: TCP',
    ...(s.grpc ? ['  - name: grpc', '    port: 9090', '    targetPort: 9090', '    protocol: TCP'] : []),
  ];
  return { kind: 'Service', namespace: s.ns, name, text: lines.join('\n') + '\n' };
}

function destinationRule(r: Prng, s: Svc): GenObject {
  const subsets = s.rollout ? ['stable', 'canary'] : s.versions;
  const lines = [
    'apiVersion: networking.istio.io/v1',
    'kind: DestinationRule',
    'metadata:',
    `  name: ${s.app}`,
    `  namespace: ${s.ns}`,
    'spec:',
    `  host: ${s.host}`,
    '  trafficPolicy:',
    '    loadBalancer:',
    `      simple: ${r.pick(LB)}`,
    '    connectionPool:',
    '      tcp:',
    `        maxConnections: ${r.pick([50, 100, 200, 500])}`,
    `        connectTimeout: ${r.pick(['100ms', '250ms', '1s'])}`,
    '      http:',
    `        http1MaxPendingRequests: ${r.pick([32, 64, 128])}`,
    `        maxRequestsPerConnection: ${r.int(1, 20)}`,
    '    outlierDetection:',
    `      consecutive5xxErrors: ${r.int(3, 10)}`,
    `      interval: ${r.pick(['10s', '30s', '1m'])}`,
    `      baseEjectionTime: ${r.pick(['30s', '1m', '3m'])}`,
    `      maxEjectionPercent: ${r.pick([10, 25, 50])}`,
    '    tls:',
    '      mode: ISTIO_MUTUAL',
    '  subsets:',
  ];
  for (const sub of subsets) {
    lines.push(`  - name: ${sub}`, '    labels:', `      ${s.rollout ? 'app' : 'version'}: ${s.rollout ? s.app : sub}`);
    if (r.chance(0.25)) lines.push('    trafficPolicy:', '      loadBalancer:', `        simple: ${r.pick(LB)}`);
  }
  return { kind: 'DestinationRule', namespace: s.ns, name: s.app, text: lines.join('\n') + '\n' };
}

function routeTo(host: string, subset: string | undefined, weight: number | undefined, port?: number): string[] {
  const out = ['    - destination:', `        host: ${host}`];
  if (subset) out.push(`        subset: ${subset}`);
  if (port) out.push('        port:', `          number: ${port}`);
  if (weight !== undefined) out.push(`      weight: ${weight}`);
  return out;
}

/** Retries that fit in the route timeout: (attempts + 1) x perTryTimeout <= timeout (ML1015). */
function retriesAndTimeout(r: Prng): string[] {
  const attempts = r.int(1, 5);
  const perTry = r.pick([1, 2, 3, 5]);
  const out = ['    retries:', `      attempts: ${attempts}`, `      perTryTimeout: ${perTry}s`];
  if (r.chance(0.6)) out.push(`      retryOn: ${r.pick(RETRY_ON)}`);
  const least = (attempts + 1) * perTry;
  out.push(`    timeout: ${DURATIONS.map((d) => parseInt(d, 10)).find((n) => n >= least && r.chance(0.7)) ?? least}s`);
  return out;
}

function virtualService(r: Prng, s: Svc): GenObject {
  const lines = [
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    'metadata:',
    `  name: ${s.app}`,
    `  namespace: ${s.ns}`,
    'spec:',
    '  hosts:',
    `  - ${s.host}`,
    '  http:',
  ];
  const port = s.grpc || r.chance(0.3) ? s.port : undefined;
  if (s.rollout) {
    // Argo Rollouts owns the weights of the `primary` route; it starts at 100/0.
    if (r.chance(0.3)) {
      lines.push('  - name: canary-preview', '    match:', '    - headers:', '        x-canary:', '          exact: "always"', '    route:');
      lines.push(...(s.subsetLevel ? routeTo(s.host, 'canary', undefined, port) : routeTo(`${s.app}-canary`, undefined, undefined, port)));
    }
    lines.push('  - name: primary  # managed by the Rollout', '    route:');
    if (s.subsetLevel) lines.push(...routeTo(s.host, 'stable', 100, port), ...routeTo(s.host, 'canary', 0, port));
    else lines.push(...routeTo(`${s.app}-stable`, undefined, 100, port), ...routeTo(`${s.app}-canary`, undefined, 0, port));
    lines.push(...retriesAndTimeout(r));
  } else {
    if (s.versions.length > 1 && r.chance(0.4)) {
      lines.push('  - name: beta-testers', '    match:', '    - headers:', '        x-user-group:', `          exact: ${r.pick(['beta', 'internal', 'qa'])}`, '    route:');
      lines.push(...routeTo(s.host, 'v2', undefined, port));
    }
    lines.push('  - name: primary');
    if (r.chance(0.4)) lines.push('    match:', '    - uri:', `        prefix: /${r.pick(['api', 'v1', 'v2', 'internal'])}/`);
    lines.push('    route:');
    if (s.versions.length > 1) {
      const w = r.pick([95, 90, 80, 75, 50]);
      lines.push(...routeTo(s.host, 'v1', w, port), ...routeTo(s.host, 'v2', 100 - w, port));
    } else {
      lines.push(...routeTo(s.host, 'v1', 100, port));
    }
    lines.push(...retriesAndTimeout(r));
  }
  return { kind: 'VirtualService', namespace: s.ns, name: s.app, text: lines.join('\n') + '\n' };
}

function rollout(r: Prng, s: Svc, analysis: string | undefined): GenObject {
  const lines = [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Rollout',
    'metadata:',
    `  name: ${s.app}`,
    `  namespace: ${s.ns}`,
    '  labels:',
    `    app: ${s.app}`,
    'spec:',
    `  replicas: ${r.int(2, 10)}`,
    `  revisionHistoryLimit: ${r.int(2, 5)}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${s.app}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${s.app}`,
    '    spec:',
    `      serviceAccountName: ${s.app}`,
    '      containers:',
    `      - name: ${s.app}`,
    `        image: ${s.image}:${r.int(1, 4)}.${r.int(0, 30)}.${r.int(0, 9)}`,
    '        ports:',
    '        - name: http',
    `          containerPort: ${s.port === 80 ? 8080 : s.port}`,
    '          protocol: TCP',
    ...(s.grpc ? ['        - name: grpc', '          containerPort: 9090', '          protocol: TCP'] : []),
    '        resources:',
    '          requests:',
    `            cpu: ${r.pick(['100m', '250m'])}`,
    `            memory: ${r.pick(['128Mi', '256Mi'])}`,
    // With traffic routing, canary pods take traffic as soon as they are ready (ML4024, ML4012).
    '        readinessProbe:',
    '          httpGet: {path: /healthz/ready, port: http}',
    '        livenessProbe:',
    '          httpGet: {path: /healthz/live, port: http}',
    `          initialDelaySeconds: ${r.int(5, 30)}`,
    '  strategy:',
    '    canary:',
  ];
  if (!s.subsetLevel) lines.push(`      canaryService: ${s.app}-canary`, `      stableService: ${s.app}-stable`);
  lines.push('      trafficRouting:', '        istio:', '          virtualService:', `            name: ${s.app}`, '            routes:', '            - primary');
  if (s.subsetLevel) {
    lines.push('          destinationRule:', `            name: ${s.app}`, '            canarySubsetName: canary', '            stableSubsetName: stable');
  }
  if (analysis) {
    lines.push(
      '      analysis:',
      '        templates:',
      `        - templateName: ${analysis}`,
      `        startingStep: ${r.int(1, 2)}`,
      '        args:',
      '        - name: service-name',
      `          value: ${s.host}`,
    );
  }
  lines.push('      steps:');
  let w = 0;
  while (w < 100) {
    w = Math.min(100, w + r.pick([5, 10, 20, 25]));
    if (w === 100) break;
    lines.push(`      - setWeight: ${w}`);
    // Timed pauses: a pause without duration waits for a person (ML3010, information).
    lines.push(`      - pause: {duration: ${r.pick(['30s', '1m', '2m', '5m', '10m'])}}`);
  }
  return { kind: 'Rollout', namespace: s.ns, name: s.app, text: lines.join('\n') + '\n' };
}

function analysisTemplate(r: Prng, s: Svc, name: string): GenObject {
  const lines = [
    '# success rate of the canary, from the sidecars\' metrics',
    'apiVersion: argoproj.io/v1alpha1',
    'kind: AnalysisTemplate',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${s.ns}`,
    'spec:',
    '  args:',
    '  - name: service-name',
    '  metrics:',
    '  - name: success-rate',
    `    interval: ${r.pick(['30s', '1m', '2m'])}`,
    `    count: ${r.int(3, 10)}`,
    `    successCondition: result[0] >= ${r.pick(['0.95', '0.99', '0.999'])}`,
    `    failureLimit: ${r.int(1, 3)}`,
    '    provider:',
    '      prometheus:',
    '        address: http://prometheus.istio-system:9090',
    '        query: |',
    '          sum(irate(istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}",response_code!~"5.*"}[5m])) /',
    '          sum(irate(istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}"}[5m]))',
  ];
  return { kind: 'AnalysisTemplate', namespace: s.ns, name, text: lines.join('\n') + '\n' };
}

function authorizationPolicy(r: Prng, s: Svc, callers: string[]): GenObject {
  const lines = [
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    `  name: ${s.app}-callers`,
    `  namespace: ${s.ns}`,
    'spec:',
    '  selector:',
    '    matchLabels:',
    `      app: ${s.app}`,
    '  action: ALLOW',
    '  rules:',
    '  - from:',
    '    - source:',
    '        principals:',
    ...callers.map((c) => `        - cluster.local/ns/${s.ns}/sa/${c}`),
    '    to:',
    '    - operation:',
    `        methods: [${r.chance(0.5) ? '"GET"' : '"GET", "POST"'}]`,
    `        paths: ["/${r.pick(['api', 'v1', 'internal'])}/*"]`,
  ];
  return { kind: 'AuthorizationPolicy', namespace: s.ns, name: `${s.app}-callers`, text: lines.join('\n') + '\n' };
}

function gateway(ns: string): GenObject {
  const lines = [
    'apiVersion: networking.istio.io/v1',
    'kind: Gateway',
    'metadata:',
    `  name: ${ns}-gateway`,
    `  namespace: ${ns}`,
    'spec:',
    '  selector:',
    '    istio: ingressgateway',
    '  servers:',
    '  - port:',
    '      number: 443',
    '      name: https',
    '      protocol: HTTPS',
    '    hosts:',
    `    - ${ns}.example.com`,
    '    tls:',
    '      mode: SIMPLE',
    `      credentialName: ${ns}-example-com-cert`,
    '  - port: {number: 80, name: http, protocol: HTTP}',
    '    hosts:',
    `    - ${ns}.example.com`,
    '    tls:',
    '      httpsRedirect: true',
  ];
  return { kind: 'Gateway', namespace: ns, name: `${ns}-gateway`, text: lines.join('\n') + '\n' };
}

function peerAuthentication(r: Prng, ns: string): GenObject {
  const lines = [
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    'metadata:',
    '  name: default',
    `  namespace: ${ns}`,
    'spec:',
    '  mtls:',
    `    mode: ${r.chance(0.85) ? 'STRICT' : 'PERMISSIVE'}`,
  ];
  return { kind: 'PeerAuthentication', namespace: ns, name: 'default', text: lines.join('\n') + '\n' };
}

function ingressVirtualService(r: Prng, ns: string, svcs: Svc[]): GenObject {
  const lines = [
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    'metadata:',
    `  name: ${ns}-ingress`,
    `  namespace: ${ns}`,
    'spec:',
    '  hosts:',
    `  - ${ns}.example.com`,
    '  gateways:',
    `  - ${ns}-gateway`,
    '  http:',
  ];
  for (const s of svcs.slice(0, r.int(2, 6))) {
    lines.push(`  - name: ${s.app}`, '    match:', '    - uri:', `        prefix: /${s.app}/`, '    rewrite:', '      uri: /', '    route:');
    // Through the gateway to the stable version: the mesh VirtualService's subset split applies to
    // sidecars only, so a route without subset here would bypass it (ML1013).
    const host = s.rollout && !s.subsetLevel ? `${s.app}-stable.${s.ns}.svc.cluster.local` : s.host;
    lines.push(...routeTo(host, s.rollout ? (s.subsetLevel ? 'stable' : undefined) : 'v1', undefined, s.port));
    lines.push(`    timeout: ${r.pick(DURATIONS)}`);
  }
  return { kind: 'VirtualService', namespace: ns, name: `${ns}-ingress`, text: lines.join('\n') + '\n' };
}

function serviceEntry(r: Prng, ns: string): GenObject {
  const vendor = r.pick(['stripe', 'twilio', 'sendgrid', 'maps', 'geoip', 'fx-rates']);
  const lines = [
    'apiVersion: networking.istio.io/v1',
    'kind: ServiceEntry',
    'metadata:',
    `  name: ${vendor}-api`,
    `  namespace: ${ns}`,
    'spec:',
    '  hosts:',
    `  - api.${vendor}.example.net`,
    '  location: MESH_EXTERNAL',
    '  resolution: DNS',
    '  ports:',
    '  - number: 443',
    '    name: https',
    '    protocol: TLS',
  ];
  return { kind: 'ServiceEntry', namespace: ns, name: `${vendor}-api`, text: lines.join('\n') + '\n' };
}

// ---------------------------------------------------------------------------------------------
// Mistakes: a text change on one line of one object

interface Mutation {
  id: string;
  category: MistakeCategory;
  /** Matches one line (without its newline); the first group is kept, the rest is replaced. */
  line: RegExp;
  to: (m: RegExpExecArray) => string;
  /** Only where the line before is a sibling key at the same indentation (else the change stays valid YAML). */
  afterSibling?: boolean;
}

const mut = (id: string, category: MistakeCategory, line: RegExp, to: (m: RegExpExecArray) => string, afterSibling = false): Mutation => ({
  id,
  category,
  line,
  to,
  afterSibling,
});

const MUTATIONS: Record<string, Mutation[]> = {
  VirtualService: [
    mut('weigth', 'misspelt', /^(\s+)weight: (\d+)$/, (m) => `${m[1]}weigth: ${m[2]}`),
    mut('perTryTimout', 'misspelt', /^(\s+)perTryTimeout: (\S+)$/, (m) => `${m[1]}perTryTimout: ${m[2]}`),
    mut('retryon', 'misspelt', /^(\s+)retryOn: (\S+)$/, (m) => `${m[1]}retryon: ${m[2]}`),
    mut('weight-string', 'wrong-type', /^(\s+)weight: (\d+)$/, (m) => `${m[1]}weight: "${m[2]}"`),
    mut('attempts-word', 'wrong-type', /^(\s+)attempts: (\d+)$/, (m) => `${m[1]}attempts: three`),
    mut('timeout-number', 'wrong-type', /^(\s+)timeout: (\d+)s$/, (m) => `${m[1]}timeout: ${m[2]}`),
    mut('empty-subset', 'empty', /^(\s+)subset: \S+$/, (m) => `${m[1]}subset: ""`),
  ],
  DestinationRule: [
    mut('tls-mode-case', 'enum-case', /^(\s+)mode: ISTIO_MUTUAL$/, (m) => `${m[1]}mode: istio_mutual`),
    mut('lb-case', 'enum-case', /^(\s+)simple: ([A-Z_]+)$/, (m) => `${m[1]}simple: ${m[2].toLowerCase()}`),
    mut('maxConnection', 'misspelt', /^(\s+)maxConnections: (\d+)$/, (m) => `${m[1]}maxConnection: ${m[2]}`),
    mut('lables', 'misspelt', /^( {4})labels:$/, (m) => `${m[1]}lables:`),
    mut('pending-string', 'wrong-type', /^(\s+)http1MaxPendingRequests: (\d+)$/, (m) => `${m[1]}http1MaxPendingRequests: "${m[2]}"`),
    mut('ejection-percent-word', 'wrong-type', /^(\s+)maxEjectionPercent: (\d+)$/, (m) => `${m[1]}maxEjectionPercent: half`),
  ],
  Gateway: [
    mut('tls-mode-case', 'enum-case', /^(\s+)mode: SIMPLE$/, (m) => `${m[1]}mode: simple`),
    mut('credentialNmae', 'misspelt', /^(\s+)credentialName: (\S+)$/, (m) => `${m[1]}credentialNmae: ${m[2]}`),
    mut('port-string', 'wrong-type', /^(\s+)number: (\d+)$/, (m) => `${m[1]}number: "${m[2]}"`),
  ],
  PeerAuthentication: [
    mut('mtls-mode-case', 'enum-case', /^(\s+)mode: ([A-Z]+)$/, (m) => `${m[1]}mode: ${m[2][0]}${m[2].slice(1).toLowerCase()}`),
    mut('mTLS', 'misspelt', /^(\s+)mtls:$/, (m) => `${m[1]}mTLS:`),
  ],
  AuthorizationPolicy: [
    mut('action-case', 'enum-case', /^(\s+)action: ALLOW$/, (m) => `${m[1]}action: allow`),
    mut('principal', 'misspelt', /^(\s+)principals:$/, (m) => `${m[1]}principal:`),
    mut('methods-string', 'wrong-type', /^(\s+)methods: \[("[A-Z]+").*\]$/, (m) => `${m[1]}methods: ${m[2]}`),
  ],
  ServiceEntry: [
    mut('resolution-case', 'enum-case', /^(\s+)resolution: DNS$/, (m) => `${m[1]}resolution: dns`),
    mut('location-case', 'enum-case', /^(\s+)location: MESH_EXTERNAL$/, (m) => `${m[1]}location: mesh_external`),
  ],
  Rollout: [
    mut('setWeigth', 'misspelt', /^(\s+- )setWeight: (\d+)$/, (m) => `${m[1]}setWeigth: ${m[2]}`),
    mut('canarySubset', 'misspelt', /^(\s+)canarySubsetName: (\S+)$/, (m) => `${m[1]}canarySubset: ${m[2]}`),
    mut('replicas-string', 'wrong-type', /^( {2})replicas: (\d+)$/, (m) => `${m[1]}replicas: "${m[2]}"`),
    mut('setWeight-percent', 'wrong-type', /^(\s+- )setWeight: (\d+)$/, (m) => `${m[1]}setWeight: ${m[2]}%`),
    mut('empty-stable', 'empty', /^(\s+)stableService: \S+$/, (m) => `${m[1]}stableService: ""`),
  ],
  AnalysisTemplate: [
    mut('sucessCondition', 'misspelt', /^(\s+)successCondition: (.+)$/, (m) => `${m[1]}sucessCondition: ${m[2]}`),
    mut('adress', 'misspelt', /^(\s+)address: (\S+)$/, (m) => `${m[1]}adress: ${m[2]}`),
    mut('empty-query', 'empty', /^(\s+)query: \|$/, (m) => `${m[1]}query: ""\n${m[1]}queryNote: |`),
  ],
  Deployment: [
    mut('containerPort-string', 'wrong-type', /^(\s+)containerPort: (\d+)$/, (m) => `${m[1]}containerPort: "${m[2]}"`),
    mut('replicas-string', 'wrong-type', /^( {2})replicas: (\d+)$/, (m) => `${m[1]}replicas: "${m[2]}"`),
    mut('pull-policy-case', 'enum-case', /^(\s+)imagePullPolicy: IfNotPresent$/, (m) => `${m[1]}imagePullPolicy: ifNotPresent`),
    mut('matchLabel', 'misspelt', /^(\s+)matchLabels:$/, (m) => `${m[1]}matchLabel:`),
    mut('empty-image', 'empty', /^(\s+)image: \S+$/, (m) => `${m[1]}image: ""`),
  ],
  Service: [
    mut('port-name', 'wrong-type', /^(\s+)port: (\d+)$/, (m) => `${m[1]}port: http`),
    mut('type-case', 'enum-case', /^(\s+)type: ClusterIP$/, (m) => `${m[1]}type: clusterIP`),
    mut('protocol-case', 'enum-case', /^(\s+)protocol: TCP$/, (m) => `${m[1]}protocol: tcp`),
    mut('selectors', 'misspelt', /^( {2})selector:$/, (m) => `${m[1]}selectors:`),
  ],
};

const SYNTAX: Mutation[] = [
  // A key one column to the right of its siblings.
  mut('bad-indent', 'syntax', /^( {4,})([a-zA-Z]+: \S.*)$/, (m) => `${m[1]} ${m[2]}`, true),
  // The colon lost while typing.
  mut('missing-colon', 'syntax', /^( {4,})([a-zA-Z]+): ([a-z0-9][^:#]*)$/, (m) => `${m[1]}${m[2]} ${m[3]}`, true),
  // An editor that inserted a tab.
  mut('tab-indent', 'syntax', /^( {4,})([a-zA-Z]+:.*)$/, (m) => `\t${m[1].slice(2)}${m[2]}`),
];

const EMPTY_NAME = mut('empty-name', 'empty', /^( {2})name: \S+$/, (m) => `${m[1]}name: ""`);

/** Applies one mutation of the list (chosen at random among those that match); false when none matches. */
function applyMutation(r: Prng, o: GenObject, candidates: Mutation[]): boolean {
  const lines = o.text.split('\n');
  const order = [...candidates];
  while (order.length > 0) {
    const m = order.splice(Math.floor(r.next() * order.length), 1)[0];
    const hits: number[] = [];
    lines.forEach((l, i) => {
      const hit = m.line.exec(l);
      if (!hit) return;
      if (m.afterSibling && !(i > 0 && new RegExp(`^${hit[1]}[a-zA-Z0-9]+:`).test(lines[i - 1]))) return;
      hits.push(i);
    });
    if (hits.length === 0) continue;
    const at = r.pick(hits);
    const match = m.line.exec(lines[at])!;
    lines[at] = m.to(match);
    o.text = lines.join('\n');
    o.mistake = { category: m.category, id: m.id, line: at };
    return true;
  }
  return false;
}

/** Gives about MISTAKE_RATE of the objects one mistake; duplicates come back as extra objects. */
function maybeBreak(r: Prng, o: GenObject, duplicates: GenObject[]): void {
  if (!r.chance(MISTAKE_RATE)) return;
  const roll = r.next();
  if (roll < 0.07) {
    applyMutation(r, o, SYNTAX);
  } else if (roll < 0.17 && o.kind !== 'Deployment' && o.kind !== 'Rollout') {
    // A copy of the object in another file, as after a copy-and-paste of a whole file.
    const copy: GenObject = { ...o, text: o.text.replace(/^(\s+)weight: 90$/m, '$1weight: 80'), duplicated: false };
    const firstLine = copy.text.split('\n').findIndex((l) => /^ {2}name: /.test(l));
    copy.mistake = { category: 'duplicate', id: 'duplicate-object', line: Math.max(0, firstLine) };
    o.duplicated = true;
    duplicates.push(copy);
  } else if (roll < 0.22) {
    applyMutation(r, o, [EMPTY_NAME]);
  } else if (!applyMutation(r, o, MUTATIONS[o.kind] ?? [])) {
    applyMutation(r, o, [EMPTY_NAME]);
  }
}

// ---------------------------------------------------------------------------------------------
// Services, teams, files

interface Draft {
  path: string;
  header: string[];
  objects: GenObject[];
}

function newService(r: Prng, ns: string, used: Set<string>): Svc {
  let app: string = r.pick(WORDS);
  for (let n = 2; used.has(app); n++) app = `${r.pick(WORDS)}${n > 4 ? `-${n}` : ''}`;
  used.add(app);
  const rollout = r.chance(0.3);
  return {
    ns,
    app,
    host: `${app}.${ns}.svc.cluster.local`,
    port: r.pick([80, 80, 8080, 9080]),
    rollout,
    subsetLevel: r.chance(0.5),
    versions: !rollout && r.chance(0.4) ? ['v1', 'v2'] : ['v1'],
    image: `registry.example.com/${ns}/${app}`,
    grpc: r.chance(0.2),
  };
}

/** The objects of one service, in the order a team writes them: workload, Services, traffic, security. */
function serviceObjects(r: Prng, s: Svc, peers: Svc[]): { workload: GenObject[]; mesh: GenObject[] } {
  const workload: GenObject[] = [];
  const mesh: GenObject[] = [];
  if (s.rollout) {
    const analysis = r.chance(0.6) ? `${s.app}-success-rate` : undefined;
    workload.push(rollout(r, s, analysis));
    if (s.subsetLevel) workload.push(service(s, s.app));
    else workload.push(service(s, `${s.app}-stable`), service(s, `${s.app}-canary`));
    if (analysis) mesh.push(analysisTemplate(r, s, analysis));
  } else {
    for (const v of s.versions) workload.push(deployment(r, s, v));
    workload.push(service(s, s.app));
  }
  mesh.push(destinationRule(r, s), virtualService(r, s));
  if (r.chance(0.25) && peers.length > 0) {
    const callers = [...new Set(Array.from({ length: r.int(1, 3) }, () => r.pick(peers).app))];
    mesh.push(authorizationPolicy(r, s, callers));
  }
  return { workload, mesh };
}

function team(r: Prng, ns: string, services: number, drafts: Draft[], budget: { left: number }, duplicates: GenObject[]): void {
  const used = new Set<string>();
  const svcs: Svc[] = [];
  for (let i = 0; i < services && budget.left > 0; i++) {
    const s = newService(r, ns, used);
    const { workload, mesh } = serviceObjects(r, s, svcs);
    svcs.push(s);
    for (const o of [...workload, ...mesh]) maybeBreak(r, o, duplicates);
    // A copy made for an earlier service lands in this service's files.
    const extra = duplicates.splice(0);
    const header = [`# ${s.app} (${ns}): ${s.rollout ? 'Argo Rollout, canary with Istio traffic routing' : `Deployment ${s.versions.join(' + ')}`}`];
    const all = [...workload, ...mesh, ...extra].slice(0, budget.left);
    budget.left -= all.length;
    const layout = r.next();
    if (layout < 0.12 && workload.length + mesh.length <= all.length) {
      drafts.push({ path: `teams/${ns}/${s.app}/workload.yaml`, header, objects: workload });
      drafts.push({ path: `teams/${ns}/${s.app}/mesh.yaml`, header: [`# traffic and security for ${s.app}`], objects: all.slice(workload.length) });
    } else {
      drafts.push({ path: `teams/${ns}/${s.app}.yaml`, header, objects: all });
    }
  }
  if (budget.left <= 0) return;
  const shared = [gateway(ns), peerAuthentication(r, ns), ingressVirtualService(r, ns, svcs)];
  if (r.chance(0.4)) shared.push(serviceEntry(r, ns));
  for (const o of shared) maybeBreak(r, o, duplicates);
  const objs = shared.slice(0, budget.left);
  budget.left -= objs.length;
  drafts.push({ path: `teams/${ns}/mesh-defaults.yaml`, header: [`# ${ns}: ingress, mTLS and egress`, '# owned by the platform team; ask in #mesh before changing'], objects: objs });
}

function render(d: Draft): GenFile {
  const parts: string[] = [...d.header.map((h) => h + '\n')];
  let line = d.header.length;
  const objects: PlacedObject[] = [];
  d.objects.forEach((o, i) => {
    if (i > 0) {
      parts.push('---\n');
      line++;
    }
    const n = o.text.endsWith('\n') ? o.text.split('\n').length - 1 : o.text.split('\n').length;
    objects.push({ ...o, startLine: line, endLine: line + n - 1 });
    parts.push(o.text.endsWith('\n') ? o.text : o.text + '\n');
    line += n;
  });
  return { path: d.path, text: parts.join(''), objects };
}

/** The 2,000-line file: a platform team's routing for many services, in one file. */
function bigFile(r: Prng, duplicates: GenObject[]): GenFile {
  const ns = 'platform';
  const used = new Set<string>();
  const svcs: Svc[] = [];
  const objects: GenObject[] = [gateway(ns)];
  const lines = (os: GenObject[]) => os.reduce((n, o) => n + o.text.split('\n').length, 0);
  for (;;) {
    const s = newService(r, ns, used);
    s.rollout = false;
    const next = [destinationRule(r, s), virtualService(r, s)];
    if (r.chance(0.3) && svcs.length > 0) next.push(authorizationPolicy(r, s, [r.pick(svcs).app]));
    if (lines(objects) + lines(next) + 40 > BIG_FILE_LINES) break;
    svcs.push(s);
    for (const o of next) maybeBreak(r, o, duplicates);
    objects.push(...next);
  }
  objects.push(peerAuthentication(r, ns));
  const header = ['# Platform routing: one DestinationRule and one VirtualService per shared service.', '# Generated from the service catalog; edits here are reviewed by #mesh.'];
  const file = render({ path: BIG_FILE, header, objects });
  const have = file.text.split('\n').length - 1;
  const pad: string[] = [];
  for (let i = have; i < BIG_FILE_LINES; i++) pad.push(i === have ? '# end of platform routing' : `# reserved ${i - have}`);
  file.text += pad.map((p) => p + '\n').join('');
  return file;
}

/** Merges or splits files (whole documents only) until there are exactly `target`; object count unchanged. */
function fitFileCount(r: Prng, drafts: Draft[], target: number): void {
  while (drafts.length > target) {
    const pairs: number[] = [];
    for (let i = 0; i + 1 < drafts.length; i++) {
      if (path.posix.dirname(drafts[i].path) === path.posix.dirname(drafts[i + 1].path)) pairs.push(i);
    }
    const i = pairs.length > 0 ? r.pick(pairs) : drafts.length - 2;
    const [a, b] = [drafts[i], drafts[i + 1]];
    drafts.splice(i, 2, { path: a.path, header: [...a.header, ...b.header], objects: [...a.objects, ...b.objects] });
  }
  while (drafts.length < target) {
    const splittable = drafts.map((d, i) => (d.objects.length >= 2 ? i : -1)).filter((i) => i >= 0);
    const i = r.pick(splittable);
    const d = drafts[i];
    const cut = r.int(1, d.objects.length - 1);
    const second: Draft = { path: d.path.replace(/\.yaml$/, '-more.yaml'), header: ['# continued'], objects: d.objects.slice(cut) };
    drafts.splice(i, 1, { ...d, objects: d.objects.slice(0, cut) }, second);
  }
}

/** Builds the workspace in memory (no disk access). */
export function buildWorkspace(seed: number): GenFile[] {
  const r = new Prng(seed);
  const duplicates: GenObject[] = [];
  const big = bigFile(r, duplicates);
  const budget = { left: OBJECT_COUNT - big.objects.length };
  const drafts: Draft[] = [];
  for (let t = 0; budget.left > 0; t++) {
    const ns = t < TEAMS.length ? TEAMS[t] : `${TEAMS[t % TEAMS.length]}-${Math.floor(t / TEAMS.length) + 1}`;
    team(r, ns, r.int(20, 32), drafts, budget, duplicates);
  }
  fitFileCount(r, drafts, FILE_COUNT - 1);
  const seen = new Set<string>([BIG_FILE]);
  const files = [big];
  for (const d of drafts) {
    let p = d.path;
    for (let n = 2; seen.has(p); n++) p = d.path.replace(/\.yaml$/, `-${n}.yaml`);
    seen.add(p);
    files.push(render({ ...d, path: p }));
  }
  return files;
}

export function treeHash(files: readonly GenFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    h.update(f.path);
    h.update('\0');
    h.update(f.text);
    h.update('\0');
  }
  return h.digest('hex');
}

/** Writes bench/.work/ws-<seed>/ afresh and describes it. */
export function generateWorkspace(seed = DEFAULT_SEED, root = path.join(__dirname, '.work')): Workspace {
  const files = buildWorkspace(seed);
  const dir = path.join(root, `ws-${seed}`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    const p = path.join(dir, ...f.path.split('/'));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.text);
  }
  const mistakes: Record<MistakeCategory, number> = { misspelt: 0, 'wrong-type': 0, 'enum-case': 0, empty: 0, duplicate: 0, syntax: 0 };
  const kinds: Record<string, number> = {};
  let objectCount = 0;
  let bytes = 0;
  let lines = 0;
  for (const f of files) {
    bytes += Buffer.byteLength(f.text);
    lines += f.text.split('\n').length - 1;
    for (const o of f.objects) {
      objectCount++;
      kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
      if (o.mistake) mistakes[o.mistake.category]++;
    }
  }
  if (files.length !== FILE_COUNT || objectCount !== OBJECT_COUNT) {
    throw new Error(`generated ${files.length} files and ${objectCount} objects, not ${FILE_COUNT} and ${OBJECT_COUNT}`);
  }
  const big = files.find((f) => f.path === BIG_FILE)!;
  if (big.text.split('\n').length - 1 !== BIG_FILE_LINES) throw new Error(`${BIG_FILE} has ${big.text.split('\n').length - 1} lines`);
  return { seed, dir, files, objectCount, bigFile: BIG_FILE, bytes, lines, mistakes, kinds, hash: treeHash(files) };
}

/** An edit of the big file, as bench:lint and bench:editor-load make them: the whole new text. */
export interface Edit {
  kind: 'weight' | 'insert' | 'remove' | 'break' | 'fix';
  line: number;
  text: string;
}

/** Edits of the 2,000-line file: change a weight, insert a field, remove it, break a line, fix it. */
export function makeEdits(original: string, count: number, seed: number): Edit[] {
  const r = new Prng(seed ^ 0x5eed);
  const lines = original.split('\n');
  const find = (re: RegExp) => lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i >= 0);
  const edits: Edit[] = [];
  let inserted = -1;
  let broken: { line: number; was: string } | undefined;
  const cycle = ['weight', 'insert', 'remove', 'break', 'fix'] as const;
  for (let i = 0; i < count; i++) {
    const kind = cycle[i % cycle.length];
    let at: number;
    if (kind === 'weight') {
      at = r.pick(find(/^\s+weight: \d+$/));
      const now = Number(/(\d+)$/.exec(lines[at])![1]);
      lines[at] = lines[at].replace(/\d+$/, String(r.pick([0, 5, 10, 20, 25, 50, 75, 80, 90, 95, 100].filter((w) => w !== now))));
    } else if (kind === 'insert') {
      at = r.pick(find(/^\s+maxRequestsPerConnection: \d+$/));
      const indent = /^\s*/.exec(lines[at])![0];
      lines.splice(at + 1, 0, `${indent}idleTimeout: ${r.pick(['30s', '1m', '5m'])}`);
      inserted = at = at + 1;
    } else if (kind === 'remove') {
      at = inserted;
      lines.splice(at, 1);
    } else if (kind === 'break') {
      // The colon lost while typing, on a key with a sibling above it: a syntax error.
      at = r.pick(find(/^\s+subset: \S+$/));
      broken = { line: at, was: lines[at] };
      lines[at] = lines[at].replace(/^(\s+subset):/, '$1');
    } else {
      at = broken!.line;
      lines[at] = broken!.was;
    }
    edits.push({ kind, line: at, text: lines.join('\n') });
  }
  return edits;
}

if (require.main === module) {
  const seed = Number(process.argv[2] ?? DEFAULT_SEED);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, not ${process.argv[2]}`);
  const ws = generateWorkspace(seed);
  const mistakes = Object.values(ws.mistakes).reduce((a, b) => a + b, 0);
  console.log(`${path.relative(process.cwd(), ws.dir)}: ${ws.files.length} files, ${ws.objectCount} objects, ${ws.lines} lines, ${(ws.bytes / 1024 / 1024).toFixed(2)} MiB`);
  console.log(`kinds: ${Object.entries(ws.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`mistakes: ${mistakes} (${((100 * mistakes) / ws.objectCount).toFixed(1)}%): ${Object.entries(ws.mistakes).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`big file: ${ws.bigFile} (${BIG_FILE_LINES} lines, ${ws.files.find((f) => f.path === ws.bigFile)!.objects.length} objects)`);
  console.log(`tree sha256: ${ws.hash}`);
}
