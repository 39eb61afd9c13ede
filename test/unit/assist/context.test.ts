import * as assert from 'node:assert/strict';
import { resolveCursor, valueAt } from '../../../src/core/assist/context';
import { toK8sObject } from '../../../src/core/k8s/object';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { parseManifestText } from '../../../src/core/yaml/parse';
import { formatPath } from '../../../src/core/yaml/path';
import { withCursor, yaml } from './cursor';

function at(marked: string) {
  const { text, offset } = withCursor(marked);
  const file = parseManifestText(text, DEFAULT_LIMITS);
  const objects = file.documents.flatMap((d) => toK8sObject('file:///ws/a.yaml', d) ?? []);
  return resolveCursor(file, offset, objects);
}

/** target, path, prefix: the three things every caller reads. */
function summary(marked: string): [string, string, string] | undefined {
  const c = at(marked);
  return c && [c.target, formatPath(c.path), c.prefix];
}

const VS_HEAD = yaml`
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata:
    name: reviews
    namespace: shop
  spec:
    hosts: [reviews]
    http:
    - name: first
      route:
      - destination:
          host: reviews
`;

describe('assist: cursor context', () => {
  it('an empty value after `key: `', () => {
    assert.deepEqual(summary(`${VS_HEAD}        subset: ¦\n`), ['value', 'spec.http[0].route[0].destination.subset', '']);
  });

  it('a value partially typed', () => {
    const c = at(`${VS_HEAD}        subset: v¦\n`)!;
    assert.deepEqual([c.target, formatPath(c.path), c.prefix, c.token.text], ['value', 'spec.http[0].route[0].destination.subset', 'v', 'v']);
    assert.equal(c.header?.kind, 'VirtualService');
    assert.equal(c.header?.namespace, 'shop');
  });

  it('the cursor inside a complete value covers the whole token', () => {
    const c = at(`${VS_HEAD}        subset: v¦1 # stable\n`)!;
    assert.deepEqual([c.prefix, c.token.text], ['v', 'v1']);
  });

  it('a quoted value: the token is between the quotes', () => {
    const c = at(`${VS_HEAD}        subset: "v¦1"\n`)!;
    assert.deepEqual([c.target, c.prefix, c.token.text], ['value', 'v', 'v1']);
  });

  it('a partial key on a new line under a mapping', () => {
    const c = at(`${VS_HEAD}        subs¦\n`)!;
    assert.deepEqual([c.target, formatPath(c.mapPath), c.prefix, c.hasColon], ['key', 'spec.http[0].route[0].destination', 'subs', false]);
    assert.deepEqual(c.siblingKeys, ['host']);
  });

  it('an empty line at the indentation of a mapping', () => {
    assert.deepEqual(summary(`${VS_HEAD}        ¦\n`), ['key', 'spec.http[0].route[0].destination', '']);
    // One level up: a sibling of `destination` in the route item.
    assert.deepEqual(summary(`${VS_HEAD}        \n      ¦\n`), ['key', 'spec.http[0].route[0]', '']);
    // Two levels up: a key of the http rule, whose keys so far are name and route.
    const c = at(`${VS_HEAD}    ¦\n`)!;
    assert.deepEqual([c.target, formatPath(c.mapPath), c.siblingKeys], ['key', 'spec.http[0]', ['name', 'route']]);
  });

  it('a deeper empty line under a key with no value yet opens a mapping under it', () => {
    assert.deepEqual(summary(`${VS_HEAD}        port:\n          ¦\n`), ['key', 'spec.http[0].route[0].destination.port', '']);
  });

  it('`- ` in a list of maps: a new item, the path is the item', () => {
    const c = at(`${VS_HEAD}    - ¦\n`)!;
    assert.deepEqual([c.target, formatPath(c.path), c.newItem, c.column], ['value', 'spec.http[0].route[1]', true, 6]);
  });

  it('`- na` in a list: a word typed as a new item', () => {
    const c = at(`${VS_HEAD}  - na¦\n`)!;
    assert.deepEqual([c.target, formatPath(c.path), c.prefix, c.newItem], ['value', 'spec.http[1]', 'na', true]);
  });

  it('a key after `- ` on the cursor line belongs to the new item', () => {
    const c = at(`${VS_HEAD}    - dest¦ination:\n`)!;
    assert.deepEqual([c.target, formatPath(c.mapPath), c.token.text, c.hasColon], ['key', 'spec.http[0].route[1]', 'destination', true]);
  });

  it('a key in the middle of existing text, with the keys around it', () => {
    const text = yaml`
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        traffic¦Policy:
          tls:
            mode: ISTIO_MUTUAL
        subsets:
        - name: v1
    `;
    const c = at(text)!;
    assert.deepEqual([c.target, formatPath(c.path), c.prefix, c.hasColon], ['key', 'spec.trafficPolicy', 'traffic', true]);
    assert.deepEqual(c.siblingKeys, ['host', 'subsets']);
  });

  it('items of a scalar list, block and flow', () => {
    const block = yaml`
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: a
      spec:
        gateways:
        - mesh
        - ist¦
    `;
    assert.deepEqual(summary(block), ['value', 'spec.gateways[1]', 'ist']);
    assert.deepEqual(summary('kind: VirtualService\nspec:\n  gateways: [mesh, ist¦]\n'), ['value', 'spec.gateways[1]', 'ist']);
    assert.deepEqual(summary('kind: VirtualService\nspec:\n  gateways: [¦]\n'), ['value', 'spec.gateways[0]', '']);
  });

  it('indentless sequences (the dash at the key\'s column)', () => {
    const text = yaml`
      kind: Rollout
      spec:
        strategy:
          canary:
            steps:
            - setWeight: 20
            - pause: {}
            - anal¦
    `;
    assert.deepEqual(summary(text), ['value', 'spec.strategy.canary.steps[2]', 'anal']);
  });

  it('the second document of a file, and a document after a block scalar', () => {
    const text = yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: a
      data:
        x: |
          spec:
            notAField: 1
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: b
        namespace: web
      spec:
        sel¦
    `;
    const c = at(text)!;
    assert.deepEqual([c.target, formatPath(c.mapPath), c.header?.kind, c.header?.namespace, c.object?.name], ['key', 'spec', 'Service', 'web', 'b']);
  });

  it('nothing inside a block scalar, a comment or a document marker', () => {
    assert.equal(at('kind: ConfigMap\ndata:\n  x: |\n    hel¦lo\n'), undefined);
    assert.equal(at('kind: ConfigMap\ndata:\n  x: |\n    hello\n\n    ¦\n'), undefined);
    assert.equal(at('kind: Service\nspec: # sel¦\n'), undefined);
    assert.equal(at('kind: Service\n--¦-\nkind: Pod\n'), undefined);
  });

  it('values of other fields come from the object, or from the text when it did not parse', () => {
    const c = at(`${VS_HEAD}        subset: ¦\n`)!;
    assert.equal(valueAt(c, ['spec', 'http', 0, 'route', 0, 'destination', 'host']), 'reviews');
    // A tab in the indentation is a syntax error: the document has no object, the text still tells.
    const broken = at(`${VS_HEAD}        subset: ¦\n\t  bad: [\n`)!;
    assert.equal(broken.header?.kind, 'VirtualService');
    assert.equal(valueAt(broken, ['spec', 'http', 0, 'route', 0, 'destination', 'host']), 'reviews');
  });
});
