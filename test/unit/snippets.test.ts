import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { allFindings, engineWith, where } from './helpers/engine';
import { expandSnippet, parseSnippet, tabStops, variablesOf } from './helpers/snippet-expand';

const ROOT = path.join(__dirname, '..', '..');
const SNIPPET_DIR = path.join(ROOT, 'snippets');

interface SnippetJson {
  prefix?: string | string[];
  description?: string;
  body?: string | string[];
}

interface Snippet {
  file: string;
  title: string;
  prefixes: string[];
  json: SnippetJson;
}

function loadSnippets(): Snippet[] {
  const out: Snippet[] = [];
  for (const file of readdirSync(SNIPPET_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(readFileSync(path.join(SNIPPET_DIR, file), 'utf8')) as Record<string, SnippetJson>;
    for (const [title, json] of Object.entries(data)) {
      const prefixes = json.prefix === undefined ? [] : Array.isArray(json.prefix) ? json.prefix : [json.prefix];
      out.push({ file, title, prefixes, json });
    }
  }
  return out;
}

const bodyText = (s: Snippet): string => (Array.isArray(s.json.body) ? s.json.body.join('\n') : (s.json.body ?? ''));

/*
 * The workspace a snippet is pasted into. A snippet carries the objects that exist only for it
 * and must agree with it by name (the JWT policy pair, a Rollout's canary/stable/preview Services
 * and its VirtualService); objects a team already has and shares (the app's Service and
 * Deployments, the ingress gateway, the DestinationRule of istio-destinationrule, the
 * AnalysisTemplate of argo-analysistemplate-success-rate) come from here instead, so the
 * snippet stays the one object its prefix names. A fixture object with the same kind,
 * namespace and name as a snippet object is dropped: the snippet replaces it.
 */
const FIXTURES: Record<string, string[]> = {
  /** The Service clients call, in front of two versions of the app. */
  'app-service': [
    `apiVersion: v1
kind: Service
metadata:
  name: my-app
  namespace: default
spec:
  selector:
    app: my-app
  ports:
    - name: http
      port: 80
      targetPort: http`,
  ],
  'app-workloads': ['v1', 'v2'].map(
    (v) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app-${v}
  namespace: default
spec:
  selector:
    matchLabels:
      app: my-app
      version: ${v}
  template:
    metadata:
      labels:
        app: my-app
        version: ${v}
    spec:
      containers:
        - name: my-app
          image: registry.example.com/my-app:${v}
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http`,
  ),
  'app-subsets': [
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: my-app
  namespace: default
spec:
  host: my-app
  subsets:
    - name: v1
      labels:
        version: v1
    - name: v2
      labels:
        version: v2`,
  ],
  /** The client named by the allow policy's principal. */
  frontend: [
    `apiVersion: v1
kind: ServiceAccount
metadata:
  name: frontend
  namespace: default`,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: default
spec:
  selector:
    matchLabels:
      app: frontend
  template:
    metadata:
      labels:
        app: frontend
    spec:
      serviceAccountName: frontend
      containers:
        - name: frontend
          image: registry.example.com/frontend:1.0.0
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http`,
  ],
  /** What istioctl installs for the default ingress gateway, and the certificate Secret next to it. */
  'ingress-gateway': [
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    matchLabels:
      app: istio-ingressgateway
      istio: ingressgateway
  template:
    metadata:
      labels:
        app: istio-ingressgateway
        istio: ingressgateway
    spec:
      containers:
        - name: istio-proxy
          image: docker.io/istio/proxyv2:1.24.0
          ports:
            - name: status-port
              containerPort: 15021
            - name: http-envoy-prom
              containerPort: 15090
            - containerPort: 8080
            - containerPort: 8443
          readinessProbe:
            httpGet:
              path: /healthz/ready
              port: 15021
          livenessProbe:
            tcpSocket:
              port: 15021`,
    `apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
  labels:
    istio: ingressgateway
spec:
  type: LoadBalancer
  selector:
    app: istio-ingressgateway
    istio: ingressgateway
  ports:
    - name: http2
      port: 80
      targetPort: 8080
    - name: https
      port: 443
      targetPort: 8443`,
    `apiVersion: v1
kind: Secret
metadata:
  name: my-app-tls
  namespace: istio-system
type: kubernetes.io/tls
data:
  tls.crt: ""
  tls.key: ""`,
  ],
};

/** Each snippet's workspace: fixture groups, or `snippet:<prefix>` for another snippet's expansion. */
const WORKSPACE_OF: Record<string, string[]> = {
  'istio-virtualservice': ['app-service', 'app-workloads', 'snippet:istio-destinationrule'],
  'istio-virtualservice-retries': ['app-service', 'app-workloads'],
  'istio-virtualservice-fault': ['app-service', 'app-workloads'],
  'istio-destinationrule': ['app-service', 'app-workloads'],
  'istio-destinationrule-circuit-breaker': ['app-service', 'app-workloads'],
  'istio-gateway-https': ['ingress-gateway'],
  'istio-serviceentry': [],
  'istio-peerauthentication-strict': ['app-service', 'app-workloads'],
  'istio-requestauthentication-jwt': ['app-service', 'app-workloads'],
  'istio-authorizationpolicy-allow': ['app-service', 'app-workloads', 'frontend'],
  'istio-authorizationpolicy-deny': ['app-service', 'app-workloads'],
  'argo-rollout-canary': ['app-service', 'snippet:argo-analysistemplate-success-rate'],
  'argo-rollout-bluegreen': ['app-service'],
  'argo-analysistemplate-success-rate': [],
  'k8s-deployment-probes-http': ['app-service'],
  'k8s-deployment-probes-tcp': [],
  'k8s-deployment-probes-grpc': [],
  'k8s-service': ['app-workloads'],
};

/**
 * Info and hint findings a snippet may keep, each with the reason it is right to keep it.
 * Errors and warnings are never allowed. Listed entries must still occur, so a stale excuse fails.
 */
const ALLOWED: Record<string, { code: string; why: string }[]> = {};

/**
 * Choices whose other values need a workspace the snippet's fixtures are not: k8s-service mirrors
 * the port name into `targetPort`, and the fixture pods name their only port `http`, so `grpc`
 * rightly gets ML1205 there.
 */
const CHOICES_LINTED_ONLY_BY_DEFAULT: Record<string, number[]> = { 'k8s-service': [3] };

const CURRENT_API_VERSIONS = new Set(['networking.istio.io/v1', 'security.istio.io/v1', 'argoproj.io/v1alpha1', 'apps/v1', 'v1']);

const snippets = loadSnippets();
const byPrefix = new Map(snippets.flatMap((s) => s.prefixes.map((p) => [p, s] as const)));

function objectId(doc: unknown): string | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const o = doc as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  return `${String(o.kind)} ${String(o.metadata?.namespace ?? 'default')}/${String(o.metadata?.name)}`;
}

function documents(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors, [], `YAML errors: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS();
  });
}

/** Files of the workspace a snippet is linted in: the snippet itself and its fixtures, minus what it replaces. */
function workspaceFor(prefix: string, expanded: string): Record<string, string> {
  const own = new Set(documents(expanded).map(objectId));
  const files: Record<string, string> = { 'snippet.yaml': expanded };
  for (const entry of WORKSPACE_OF[prefix] ?? []) {
    const texts = entry.startsWith('snippet:') ? [expandSnippet(bodyText(byPrefix.get(entry.slice('snippet:'.length))!))] : FIXTURES[entry];
    assert.ok(texts, `unknown workspace entry ${entry}`);
    const kept = texts.flatMap((t) => t.split(/^---$/m)).filter((t) => !documents(t).every((d) => own.has(objectId(d))));
    if (kept.length) files[`${entry.replace(':', '-')}.yaml`] = kept.join('\n---\n');
  }
  return files;
}

function lint(files: Record<string, string>) {
  return allFindings(engineWith(files)).map((f) => ({ ...f, at: `${f.code} ${f.severity} ${where(f)} ${f.object ?? ''} ${f.path ?? ''}: ${f.message}` }));
}

describe('snippets', () => {
  it('exist, and package.json contributes every snippets/*.json file for yaml', () => {
    const files = readdirSync(SNIPPET_DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0);
    assert.ok(snippets.length > 0);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes?: { snippets?: { language: string; path: string }[] } };
    const contributed = (pkg.contributes?.snippets ?? []).filter((c) => c.language === 'yaml').map((c) => path.normalize(c.path));
    assert.deepEqual(contributed.sort(), files.map((f) => path.normalize(`snippets/${f}`)).sort());
  });

  it('ship in the package (.vscodeignore keeps snippets/**)', () => {
    const lines = readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
    assert.ok(lines.includes('!snippets/**'), '.vscodeignore must re-include snippets/**');
  });

  it('have unique, discoverable prefixes', () => {
    const all = snippets.flatMap((s) => s.prefixes);
    assert.equal(new Set(all).size, all.length, 'duplicate prefix');
    for (const p of all) assert.match(p, /^(istio|argo|k8s)-[a-z0-9-]+$/, p);
  });

  it('each name the workspace it is linted in', () => {
    assert.deepEqual(Object.keys(WORKSPACE_OF).sort(), snippets.map((s) => s.prefixes[0]).sort());
    for (const entries of Object.values(WORKSPACE_OF)) {
      for (const e of entries) assert.ok(e.startsWith('snippet:') ? byPrefix.has(e.slice(8)) : e in FIXTURES, e);
    }
  });

  it('fixture workspace lints clean on its own', () => {
    const files = Object.fromEntries(Object.entries(FIXTURES).map(([k, v]) => [`${k}.yaml`, v.join('\n---\n')]));
    assert.deepEqual(lint(files).map((f) => f.at), []);
  });

  for (const s of snippets) {
    const prefix = s.prefixes[0] ?? s.title;
    describe(`${s.file}: ${prefix}`, () => {
      it('has a prefix, a description and a body', () => {
        assert.ok(s.prefixes.length > 0 && s.prefixes.every((p) => p.trim()), 'prefix');
        assert.ok(typeof s.json.description === 'string' && s.json.description.trim().length > 20, 'description');
        assert.ok(bodyText(s).trim().length > 0, 'body');
      });

      it('numbers its tab stops 1..n and writes each default once', () => {
        const stops = tabStops(bodyText(s)).filter((t) => t.index !== 0);
        const indexes = [...new Set(stops.map((t) => t.index))].sort((a, b) => a - b);
        assert.deepEqual(indexes, indexes.map((_, i) => i + 1), 'tab stops without gaps');
        for (const i of indexes) {
          // VS Code gives every occurrence the first default; a second one would only mislead the reader.
          const written = stops.filter((t) => t.index === i && t.written !== undefined && !t.transformed);
          assert.ok(written.length <= 1, `tab stop ${i} has ${written.length} defaults`);
          assert.ok(written.length === 1, `tab stop ${i} has no default, so it expands to nothing`);
          for (const t of stops.filter((x) => x.index === i && x.choices)) assert.ok(t.choices!.every((c) => c.length > 0), `empty choice in tab stop ${i}`);
        }
        // Tabbing walks down the manifest, the order a person fills it in (name, namespace, host, ...).
        const firstSeen = [...new Set(stops.map((t) => t.index))];
        assert.deepEqual(firstSeen, indexes, 'tab stops in reading order');
        assert.deepEqual(variablesOf(bodyText(s)), [], 'variables depend on the open file');
      });

      it('expands to YAML with current apiVersions and no placeholder left', () => {
        const text = expandSnippet(bodyText(s));
        assert.doesNotMatch(text, /\$(\d|\{|[A-Za-z_])/, 'a placeholder or variable is left');
        const docs = documents(text);
        assert.ok(docs.length > 0);
        for (const d of docs) {
          const o = d as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
          assert.ok(o.apiVersion && CURRENT_API_VERSIONS.has(o.apiVersion), `apiVersion ${o.apiVersion}`);
          assert.ok(o.kind && o.metadata?.name, 'kind and name');
        }
      });

      it('lints with no error and no warning', () => {
        const findings = lint(workspaceFor(prefix, expandSnippet(bodyText(s))));
        assert.deepEqual(findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => f.at), []);
        const allowed = ALLOWED[prefix] ?? [];
        const others = findings.filter((f) => !allowed.some((a) => a.code === f.code));
        assert.deepEqual(others.map((f) => f.at), [], 'info/hint findings not listed in ALLOWED');
        for (const a of allowed) assert.ok(findings.some((f) => f.code === a.code), `ALLOWED lists ${a.code}, which no longer occurs`);
      });

      it('lints with no error and no warning for every other choice too', () => {
        const skip = CHOICES_LINTED_ONLY_BY_DEFAULT[prefix] ?? [];
        const problems: string[] = [];
        for (const t of tabStops(bodyText(s))) {
          if (!t.choices || skip.includes(t.index)) continue;
          for (const choice of t.choices.slice(1)) {
            const findings = lint(workspaceFor(prefix, expandSnippet(bodyText(s), undefined, new Map([[t.index, choice]]))));
            for (const f of findings) if (f.severity === 'error' || f.severity === 'warning') problems.push(`\${${t.index}} = ${choice}: ${f.at}`);
          }
        }
        assert.deepEqual(problems, []);
      });
    });
  }
});

describe('snippet expansion (VS Code grammar)', () => {
  it('takes defaults, the first choice and empties bare tab stops', () => {
    assert.equal(expandSnippet('a: ${1:x}\nb: ${2|one,two|}\nc: $3${4}$0'), 'a: x\nb: one\nc: ');
  });

  it('gives every occurrence of a tab stop its first default, also before it and nested', () => {
    assert.equal(expandSnippet('$1 ${1:name} ${2:${1}-svc} ${1:other}'), 'name name name-svc name');
  });

  it('unescapes \\$, \\} and \\\\, and keeps a lone $ and } as text', () => {
    assert.equal(expandSnippet('\\$1 ${1:a\\}b} \\\\ $ } {{x}}'), '$1 a}b \\ $ } {{x}}');
  });

  it('reads escaped commas and pipes in choices', () => {
    assert.equal(expandSnippet('${1|a\\,b,c|}'), 'a,b');
    assert.equal(expandSnippet('${1|x\\|y|}'), 'x|y');
  });

  it('applies transforms to mirrors', () => {
    assert.equal(expandSnippet('${1|HTTPS,TLS|} ${1/(.*)/${1:/downcase}/}'), 'HTTPS https');
    assert.equal(expandSnippet('${1:my-app} ${1/(.*)-app/${1:/upcase}/}'), 'my-app MY');
    assert.equal(expandSnippet('${1:} ${1/^$/${0:?x:none}/}'), ' none');
  });

  it('resolves variables, using a default when the value is empty', () => {
    assert.equal(expandSnippet('${TM_FILENAME_BASE} ${TM_SELECTED_TEXT:sel}'), 'my-app sel');
    assert.throws(() => expandSnippet('$NO_SUCH_VARIABLE'), /unknown snippet variable/);
  });

  it('parses what it does not understand as text, like VS Code', () => {
    assert.equal(expandSnippet('${1:unclosed'), '${1:unclosed');
    assert.equal(parseSnippet('${}').length, 1);
  });
});
