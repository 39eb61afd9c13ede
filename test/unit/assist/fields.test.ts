import * as assert from 'node:assert/strict';
import { complete } from '../../../src/core/assist/complete';
import { WorkspaceIndex } from '../../../src/core/workspace/index';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { withCursor, yaml } from './cursor';
import { completeIn, labels } from './helpers';

const VS = yaml`
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata:
    name: reviews
  spec:
    hosts: [reviews]
    http:
    - route:
      - destination:
          host: reviews
`;

describe('assist: field names and enum values from the catalog', () => {
  it('the fields of a nested mapping, without those present, required first', () => {
    assert.deepEqual(labels({ 'vs.yaml': `${VS}        ¦\n` }), ['port', 'subset']);
    assert.deepEqual(labels({ 'vs.yaml': `${VS}        sub¦\n` }), ['port', 'subset']);
    // A new list item: `destination` is required, the rest follow by name.
    assert.deepEqual(labels({ 'vs.yaml': `${VS}    - ¦\n` }), ['destination', 'headers', 'weight']);
  });

  it('each field carries its type and description; insert text depends on the line', () => {
    const { items } = completeIn({ 'vs.yaml': `${VS}        ¦\n` });
    const subset = items.find((i) => i.label === 'subset')!;
    assert.equal(subset.kind, 'field');
    assert.equal(subset.detail, 'string');
    assert.match(subset.documentation!, /name of a subset/i);
    assert.equal(subset.insertText, 'subset: ');
    assert.equal(items.find((i) => i.label === 'port')!.insertText, 'port:');
    const { items: onKey, text } = completeIn({ 'vs.yaml': `${VS}        sub¦set: v1\n` });
    const item = onKey.find((i) => i.label === 'subset')!;
    assert.equal(item.insertText, 'subset');
    assert.equal(text.slice(item.replaceRange.start, item.replaceRange.end), 'subset');
  });

  it('fields at the top, in spec and in an http rule (list item), with required marked', () => {
    const top = completeIn({ 'vs.yaml': 'apiVersion: networking.istio.io/v1\nkind: VirtualService\n¦\n' }).items;
    assert.deepEqual(top.map((i) => i.label), ['metadata', 'spec']);
    assert.deepEqual(labels({ 'vs.yaml': `${VS.replace('  hosts: [reviews]\n', '')}  ¦\n` }), ['exportTo', 'gateways', 'hosts', 'tcp', 'tls']);
    const rule = labels({ 'vs.yaml': `${VS}    ¦\n` });
    assert.ok(rule.includes('retries') && rule.includes('timeout') && !rule.includes('route'));
    const dr = completeIn({ 'dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  ¦\n' }).items;
    assert.deepEqual(dr[0], { ...dr[0], label: 'host', detail: 'string (required)' });
  });

  it('fields deep in a pod template of a Deployment', () => {
    const text = yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          spec:
            containers:
            - name: web
              image: web
              readinessProbe:
                httpGet:
                  ¦
    `;
    assert.deepEqual(labels({ 'd.yaml': text }), ['port', 'host', 'httpHeaders', 'path', 'scheme']);
  });

  it('enum values, and booleans', () => {
    const dr = (line: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  trafficPolicy:\n    loadBalancer:\n      ${line}\n`;
    const { items } = completeIn({ 'dr.yaml': dr('simple: ¦') });
    assert.deepEqual(
      items.map((i) => i.label),
      ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'],
    );
    assert.equal(items[0].kind, 'value');
    assert.match(items[0].documentation!, /Valid Options/);
    assert.deepEqual(labels({ 'dr.yaml': dr('simple: RO¦') }), ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']);
    const pa = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: p\nspec:\n  mtls:\n    mode: ¦\n';
    assert.deepEqual(labels({ 'pa.yaml': pa }), ['DISABLE', 'UNSET', 'PERMISSIVE', 'STRICT']);
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  publishNotReadyAddresses: ¦\n';
    assert.deepEqual(labels({ 's.yaml': svc }), ['true', 'false']);
  });

  it('nothing where the catalog has no model, or in free-form maps', () => {
    assert.deepEqual(labels({ 'x.yaml': 'apiVersion: example.com/v1\nkind: Widget\nspec:\n  ¦\n' }), []);
    assert.deepEqual(labels({ 'c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ¦\n' }), []);
  });

  it('works over a bare workspace index as well as an engine', () => {
    const index = new WorkspaceIndex(DEFAULT_LIMITS);
    const { text, offset } = withCursor(`${VS}        ¦\n`);
    index.set('file:///ws/vs.yaml', { text });
    assert.deepEqual(complete(index, 'file:///ws/vs.yaml', offset).map((i) => i.label), ['port', 'subset']);
    assert.deepEqual(complete(index, 'file:///ws/other.yaml', 0), []);
  });
});
