import * as assert from 'node:assert/strict';
import { invalidPolicyTarget } from '../../../src/core/analysis/rules/istio-validation/invalid-policy-target';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const AP = (labels: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow
spec:
  selector:
    matchLabels:
${labels}  rules:
    - from:
        - source: {namespaces: [bookinfo]}
`;

const RA = (ref: string) => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
spec:
  targetRef:
    group: ""
    kind: Service
    name: api
${ref}`;

const SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: vms
spec:
  hosts: [vms.internal]
  workloadSelector:
    labels:
      app: "*"
`;

testRule(invalidPolicyTarget, {
  valid: [
    { name: 'exact labels', files: { 'ap.yaml': AP('      app: reviews\n      version: v1\n') } },
    { name: 'a target reference without a namespace, or with an empty one', files: { 'a.yaml': RA(''), 'b.yaml': RA('    namespace: ""\n') } },
  ],
  invalid: [
    {
      name: 'a wildcard in a label value and in a label key',
      files: { 'ap.yaml': AP('      app: "reviews-*"\n      "version*": v1\n') },
      expected: [
        ['ML0020', 'AuthorizationPolicy default/allow', 'spec.selector.matchLabels.app'],
        ['ML0020', 'AuthorizationPolicy default/allow', 'spec.selector.matchLabels["version*"]'],
      ],
      at: ['ap.yaml:8:12', 'ap.yaml:9:7'],
    },
    {
      name: 'an empty label key',
      files: { 'ap.yaml': AP('      "": reviews\n') },
      expected: [['ML0020', 'AuthorizationPolicy default/allow', 'spec.selector.matchLabels[""]']],
      at: ['ap.yaml:8:7'],
    },
    {
      name: 'a target reference to another namespace',
      files: { 'ra.yaml': RA('    namespace: other\n') },
      expected: [['ML0020', 'RequestAuthentication default/jwt', 'spec.targetRef.namespace']],
      at: ['ra.yaml:10:16'],
    },
    {
      name: 'a wildcard in a ServiceEntry workload selector',
      files: { 'se.yaml': SE },
      expected: [['ML0020', 'ServiceEntry default/vms', 'spec.workloadSelector.labels.app']],
      at: ['se.yaml:9:12'],
    },
  ],
});

describe('ML0020 messages', () => {
  it('quote the upstream rule and say what to do instead', () => {
    const found = allFindings(engineWith({ 'ap.yaml': AP('      app: "reviews-*"\n      "": x\n'), 'ra.yaml': RA('    namespace: other\n') }, [invalidPolicyTarget]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      [
        '8:12-8:23 Label value "reviews-*" of "app" contains "*": selectors match labels exactly, without wildcards; leave the label out to match any value.',
        '9:7-9:9 A selector label key must not be empty ("key must not be empty").',
        '10:16-10:21 targetRef namespace "other" is not supported: a policy targets resources in its own namespace only ("cross namespace referencing is not currently supported"); remove the field.',
      ],
    );
  });
});
