import * as assert from 'node:assert/strict';
import { unknownField } from '../../../src/core/analysis/rules/schema/unknown-field';
import { allFindings, engineWith, span } from '../helpers/engine';
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

testRule(unknownField, {
  valid: [
    { name: 'every field known; labels are a free-form map', files: { 'vs.yaml': vs('        - destination: {host: reviews, subset: v1}\n          weight: 100\n') } },
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
    assert.deepEqual(findings[2].fixes, [], 'moving a field is not offered as a text edit');
  });

  it('an unknown top-level field names the kind', () => {
    const [f] = allFindings(engineWith({ 's.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspecs:\n  ports: []\n' }, [unknownField]));
    assert.equal(f.message, 'Unknown field "specs" in a Service: did you mean "spec"?');
  });
});
