import * as assert from 'node:assert/strict';
import { unknownField } from '../../../src/core/analysis/rules/schema/unknown-field';
import { RULES } from '../../../src/core/analysis/registry';
import { allFindings, applyFix, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (route: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  labels: {app: reviews, anything-goes: "yes"}\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n${route}`;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          livenessProbe:
            httpGet: {path: /healthz, prot: 8080}
`;

// Fields a Deployment's schema would reject: a plain-map selector, `Rolling`, `triggers`.
const DEPLOYMENT_CONFIG = `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: web
spec:
  replicas: 2
  selector:
    app: web
  strategy:
    type: Rolling
    rollingParams: {maxSurge: 25%}
  triggers:
    - type: ConfigChange
    - type: ImageChange
      imageChangeParams:
        automatic: true
        containerNames: [web]
        from: {kind: ImageStreamTag, name: "web:latest"}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: web:1
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}}
          livenessProbe: {httpGet: {path: /healthz, port: http}}
`;

testRule(unknownField, {
  valid: [
    { name: 'every field known; labels are a free-form map', files: { 'vs.yaml': vs('        - destination: {host: reviews, subset: v1}\n          weight: 100\n') } },
    { name: 'an OpenShift DeploymentConfig: a workload MeshLens knows, but no model describes its fields', files: { 'dc.yaml': DEPLOYMENT_CONFIG } },
    { name: 'kinds without a model are not checked', files: { 'x.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  anything: 1\n' } },
    { name: 'an unknown API version is not guessed at', files: { 'x.yaml': 'apiVersion: networking.istio.io/v9\nkind: VirtualService\nmetadata:\n  name: w\nspec:\n  anything: 1\n' } },
  ],
  invalid: [
    {
      name: 'a misspelt field, a wrong case, a field at the wrong depth',
      files: {
        'vs.yaml': vs('        - destination:\n            host: reviews\n            Subset: v1\n          weigth: 80\n        - destination: {host: reviews}\n          subset: v2\n'),
      },
      expected: [
        ['ML0010', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.Subset'],
        ['ML0010', 'VirtualService default/reviews', 'spec.http[0].route[0].weigth'],
        ['ML0010', 'VirtualService default/reviews', 'spec.http[0].route[1].subset'],
      ],
      at: ['vs.yaml:12:13', 'vs.yaml:13:11', 'vs.yaml:15:11'],
    },
    {
      name: 'deep inside a pod template',
      files: { 'd.yaml': DEPLOY },
      expected: [['ML0010', 'Deployment default/web', 'spec.template.spec.containers[0].livenessProbe.httpGet.prot']],
      at: ['d.yaml:14:39'],
    },
  ],
});

describe('schema rules on a kind without a model', () => {
  it('no rule judges a DeploymentConfig by the Deployment schema, nor asks for its apiVersion', () => {
    const found = allFindings(engineWith({ 'dc.yaml': DEPLOYMENT_CONFIG }, RULES));
    assert.deepEqual(found.map((f) => `${f.code} ${f.path} ${f.message}`), []);
  });
});

describe('ML0010 messages and fixes', () => {
  const findings = allFindings(
    engineWith({ 'vs.yaml': vs('        - destination:\n            host: reviews\n            Subset: v1\n          weigth: 80\n        - destination: {host: reviews}\n          subset: v2\n') }, [unknownField]),
  );

  it('says what was probably meant', () => {
    assert.deepEqual(findings.map((f) => f.message), [
      'Unknown field "Subset" in "spec.http[0].route[0].destination": did you mean "subset"?',
      'Unknown field "weigth" in "spec.http[0].route[0]": did you mean "weight"?',
      'Unknown field "subset" in "spec.http[0].route[1]": "subset" belongs under "destination".',
    ]);
  });

  it('marks the key, not the value, and offers the rename as a suggestion', () => {
    assert.equal(span(findings[1]), '13:11-13:17');
    assert.deepEqual(findings[1].fixes.map((f) => [f.title, f.preferred, f.edits[0].newText]), [['Rename "weigth" to "weight"', false, 'weight']]);
    assert.deepEqual(findings[2].fixes, [], 'no move into a flow mapping: the edit would have to rewrite it');
  });

  it('an unknown top-level field names the kind', () => {
    const [f] = allFindings(engineWith({ 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspecs:\n  ports: []\n' }, [unknownField]));
    assert.equal(f.message, 'Unknown field "specs" in a Service: did you mean "spec"?');
  });
});

describe('ML0010 moving a misplaced field', () => {
  const text = vs('        - destination:\n            host: reviews\n          subset: v2\n          weight: 100\n');
  it('moves the field into the block mapping it belongs to, re-indented', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': text }, [unknownField]));
    assert.equal(f.message, 'Unknown field "subset" in "spec.http[0].route[0]": "subset" belongs under "destination".');
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Move "subset" under "destination"', false]]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, vs('        - destination:\n            host: reviews\n            subset: v2\n          weight: 100\n'));
    assert.deepEqual(allFindings(engineWith({ 'vs.yaml': fixed }, [unknownField])), []);
  });

  it('moves a multi-line value with its lines, and leaves no blank line behind', () => {
    const dr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
  outlierDetection:
    consecutive5xxErrors: 5
    interval: 10s
`;
    const [f] = allFindings(engineWith({ 'dr.yaml': dr }, [unknownField]));
    assert.equal(f.message, 'Unknown field "outlierDetection" in "spec": "outlierDetection" belongs under "trafficPolicy".');
    assert.equal(
      applyFix(dr, f.fixes[0]),
      dr.replace('  outlierDetection:\n    consecutive5xxErrors: 5\n    interval: 10s\n', '').replace(
        '      mode: ISTIO_MUTUAL\n',
        '      mode: ISTIO_MUTUAL\n    outlierDetection:\n      consecutive5xxErrors: 5\n      interval: 10s\n',
      ),
    );
  });
});

describe('ML0010 fields the model may not know yet', () => {
  it('a field with nothing close to it in an Istio kind is a warning that names the model package', () => {
    const text = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: trust
spec:
  rules:
    - from:
        - source:
            trustDomains: [cluster.local]
`;
    const [f] = allFindings(engineWith({ 'ap.yaml': text }, [unknownField]));
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^Unknown field "trustDomains" in "spec\.rules\[0\]\.from\[0\]\.source": not in the Istio schema MeshLens knows \(@kubernetes-models\/istio \d+\.\d+\.\d+\)\. If your Istio is newer it may be a new field; otherwise Kubernetes drops it\.$/);
    assert.equal(span(f), '9:13-9:25');
  });

  it('in a built-in kind it stays an error', () => {
    const [f] = allFindings(engineWith({ 'd.yaml': DEPLOY.replace('prot: 8080', 'port: 8080').replace('image: nginx', 'image: nginx\n          sidecarMode: native') }, [unknownField]));
    assert.equal(f.severity, 'error');
    assert.equal(f.message, 'Unknown field "sidecarMode" in "spec.template.spec.containers[0]"; Kubernetes drops it.');
  });
});
