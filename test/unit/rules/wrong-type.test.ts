import * as assert from 'node:assert/strict';
import { wrongType } from '../../../src/core/analysis/rules/schema/wrong-type';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const SE = (addresses: string) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\nspec:\n  hosts: [db.example.com]\n  addresses: ${addresses}\n  ports: [{number: 5432, name: tcp, protocol: TCP}]\n  resolution: STATIC\n`;
const POD = (groups: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    supplementalGroups: ${groups}\n  containers: [{name: a, image: b}]\n`;

const SVC = (ports: string, labels = 'app: web') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {${labels}}\nspec:\n  selector: {app: web}\n  ports:\n${ports}`;

testRule(wrongType, {
  valid: [
    { name: 'numbers, strings and int-or-string targetPort', files: { 's.yaml': SVC('    - port: 80\n      targetPort: http\n    - port: 443\n      targetPort: 8443\n') } },
    {
      name: 'YAML 1.1 booleans, as Kubernetes reads them',
      files: { 'p.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: yes\n  containers: [{name: a, image: b, tty: on}]\n' },
    },
    { name: 'an empty value counts as absent in a built-in kind', files: { 's.yaml': SVC('    - port: 80\n      targetPort:\n') } },
    {
      name: 'empty metadata fields of a custom resource are Go-decoded, so null is fine there',
      files: { 'pa.yaml': 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: p\n  labels:\nspec:\n  mtls: {mode: STRICT}\n' },
    },
    {
      // The yaml package (YAML 1.2) reads `{"001:db8:": null}`; Go's decoder, which Kubernetes uses, the string.
      name: 'a flow item ending in a colon right before `]` or `,` is the string Kubernetes reads',
      files: {
        'se.yaml': SE('[1.2.3.4, 001:db8::]'),
        's.yaml': SVC('    - port: 80\n') + '  externalIPs: [2001:db8::, 10.0.0.1]\n',
        'nested.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: n\nspec: {externalIPs: [fd00::]}\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a string where a number goes, a number where a string goes, a scalar where a list goes',
      files: { 's.yaml': SVC('    - port: "80"\n', 'version: 1.10') + '  externalIPs: 1.2.3.4\n' },
      expected: [
        ['ML0011', 'Service default/web', 'metadata.labels.version'],
        ['ML0011', 'Service default/web', 'spec.ports[0].port'],
        ['ML0011', 'Service default/web', 'spec.externalIPs'],
      ],
      at: ['s.yaml:5:21', 's.yaml:9:13', 's.yaml:10:16'],
    },
    {
      name: 'empty values in custom resources (the CRD schema rejects null)',
      files: {
        'w.yaml': 'apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: w\nspec:\n',
        'ap.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  action: DENY\n  rules:\n    - to:\n        - operation:\n            methods:\n',
      },
      expected: [
        ['ML0011', 'AuthorizationPolicy default/a', 'spec.rules[0].to[0].operation.methods'],
        ['ML0011', 'WasmPlugin default/w', 'spec'],
      ],
      at: ['ap.yaml:10:13', 'w.yaml:5:1'],
    },
    {
      name: 'inside AuthorizationPolicy, whose spec the model writes as a oneOf',
      files: { 'ap.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: a\nspec:\n  rules:\n    - to:\n        - operation:\n            methods: GET\n' },
      expected: [['ML0011', 'AuthorizationPolicy default/a', 'spec.rules[0].to[0].operation.methods']],
      at: ['ap.yaml:9:22'],
    },
    {
      name: 'a blank, a line break or quotes after the key make a mapping for Go too',
      files: {
        'a.yaml': SE('[1.2.3.4, 001:db8:: ]'),
        'b.yaml': SE('[1.2.3.4, 001:db8::\n    ]'),
        'c.yaml': SE('["001:db8:":]'),
        'd.yaml': SE('[1.2.3.4, fd00: 1]'),
      },
      expected: [
        ['ML0011', 'ServiceEntry default/se', 'spec.addresses[1]'],
        ['ML0011', 'ServiceEntry default/se', 'spec.addresses[1]'],
        ['ML0011', 'ServiceEntry default/se', 'spec.addresses[0]'],
        ['ML0011', 'ServiceEntry default/se', 'spec.addresses[1]'],
      ],
      at: ['a.yaml:7:24', 'b.yaml:7:24', 'c.yaml:7:15', 'd.yaml:7:24'],
    },
    {
      name: 'where a number goes, the string Go reads is still wrong',
      files: { 'p.yaml': POD('[1000, 2000:]') },
      expected: [['ML0011', 'Pod default/p', 'spec.securityContext.supplementalGroups[1]']],
      at: ['p.yaml:7:32'],
    },
  ],
});

describe('ML0011 empty values in custom resources', () => {
  it('says what is expected and points at the key', () => {
    const [f] = allFindings(engineWith({ 'w.yaml': 'apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: w\nspec:\n  url:\n' }, [wrongType]));
    assert.equal(f.message, 'Expected a string, found an empty value: the API server rejects null in a custom resource. Give it a value or remove the key.');
    assert.equal(span(f), '6:3-6:6');
    assert.equal(f.path, 'spec.url');
  });
});

describe('ML0011 messages', () => {
  it('names both types and spans the value', () => {
    const [label, port] = allFindings(engineWith({ 's.yaml': SVC('    - port: "80"\n', 'version: 1.10') }, [wrongType]));
    assert.equal(label.message, 'Expected a string, found a number.');
    assert.equal(port.message, 'Expected a number, found a string.');
    assert.equal(span(port), '9:13-9:17');
  });
});

describe('ML0011 quick fix', () => {
  it('offers to quote a number meant as a string, keeping its exact characters', () => {
    const [label] = allFindings(engineWith({ 's.yaml': SVC('    - port: 80\n', 'version: 1.10') }, [wrongType]));
    assert.deepEqual(label.fixes.map((f) => [f.title, f.preferred, f.edits[0].newText]), [['Quote the value: "1.10"', false, '"1.10"']]);
  });

  it('offers to quote a template placeholder that YAML read as a mapping', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    linkerd.io/inject: {{args.linkerd-enabled}}\nspec:\n  containers: [{name: a, image: b}]\n';
    const [f] = allFindings(engineWith({ 'p.yaml': text }, [wrongType]));
    assert.equal(f.message, 'Expected a string, found a mapping.');
    assert.deepEqual(f.fixes.map((x) => x.edits[0].newText), ['"{{args.linkerd-enabled}}"']);
  });

  it('offers nothing where quoting would not help', () => {
    const [f] = allFindings(engineWith({ 's.yaml': SVC('    - port: "80"\n') }, [wrongType]));
    assert.deepEqual(f.fixes, []);
  });
});

describe('ML0011 flow items that Go reads as strings', () => {
  it('a mapping for Go too is reported as a mapping, over the whole item', () => {
    const [f] = allFindings(engineWith({ 'se.yaml': SE('[1.2.3.4, 001:db8:: ]') }, [wrongType]));
    assert.equal(f.message, 'Expected a string, found a mapping.');
    assert.equal(span(f), '7:24-7:34');
    assert.deepEqual(f.fixes, []);
  });

  it('a trailing colon Go keeps makes a string: reported as one where a number goes', () => {
    const [f] = allFindings(engineWith({ 'p.yaml': POD('[1000, 2000:]') }, [wrongType]));
    assert.equal(f.message, 'Expected a number, found a string.');
    assert.equal(span(f), '7:32-7:37');
  });
});
