// MeshLens's completion next to the Red Hat YAML extension's: the extension completes from
// yaml-language-server with the CRD schemas (its Kubernetes CRD store), so here that server, set
// up as bench:lint sets it up (bench/peer.ts: the corpus CRDs as the catalog serves them), answers
// the same places. With `meshlens.completion.fields` off (complete's `catalog: false`) MeshLens must
// offer nothing the server offers, and still what no schema knows: the names of other objects.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { buildPeerSchemas, corpusCrds, newYamlService } from '../../../bench/peer';
import { complete } from '../../../src/core/assist/index';
import { LineIndex } from '../../../src/core/yaml/positions';
import { engineWith, uri } from '../helpers/engine';
import { withCursor, yaml } from './cursor';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

const SERVICE = yaml`
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
    namespace: shop
  spec:
    selector: {app: reviews}
    ports:
    - {name: http, port: 9080}
`;

const destinationRule = (mode: string) => yaml`
  apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata:
    name: reviews
    namespace: shop
  spec:
    host: reviews
    trafficPolicy:
      tls:
        mode: ${mode}
    subsets:
    - name: v1
      labels: {version: v1}
    - name: v2
      labels: {version: v2}
`;

const virtualService = (route: string) => yaml`
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata:
    name: reviews
    namespace: shop
  spec:
    hosts:
    - reviews
    http:
    - route:
      - destination:
          host: reviews
          ${route}
`;

// Places where both have something to say: a reference (subset), an enum value, a field name.
const PLACES: Array<{ what: string; file: 'dr.yaml' | 'vs.yaml'; marked: string }> = [
  { what: 'a subset value', file: 'vs.yaml', marked: virtualService('subset: ¦') },
  { what: 'an enum value (tls mode)', file: 'dr.yaml', marked: destinationRule('¦') },
  { what: 'a field name in a destination', file: 'vs.yaml', marked: virtualService('su¦') },
];

describe('completion next to the Red Hat YAML extension (yaml-language-server with the CRD schemas)', function () {
  this.timeout(60_000);
  const sources = corpusCrds(CORPUS);

  async function both(place: (typeof PLACES)[number]) {
    const { text, offset } = withCursor(place.marked);
    const files = { 'svc.yaml': SERVICE, 'dr.yaml': destinationRule('ISTIO_MUTUAL'), 'vs.yaml': virtualService('subset: v1'), [place.file]: text };
    const engine = engineWith(files);
    const ours = (catalog: boolean) => complete(engine, uri(place.file), offset, { catalog }).map((i) => i.label);
    /* eslint-disable @typescript-eslint/no-require-imports -- the server's CommonJS build, as bench:lint loads it */
    const service = require('yaml-language-server/lib/umd/languageservice/yamlLanguageService') as typeof import('yaml-language-server/lib/umd/languageservice/yamlLanguageService');
    const settings = require('yaml-language-server/lib/umd/yamlSettings') as typeof import('yaml-language-server/lib/umd/yamlSettings');
    const { TextDocument } = require('vscode-languageserver-textdocument') as typeof import('vscode-languageserver-textdocument');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const { byUrl } = buildPeerSchemas(sources!);
    const ls = newYamlService({ service, settings }, (u) => byUrl.get(u.split('#')[0]), { completion: true });
    const pos = new LineIndex(text).positionAt(offset);
    const theirs = (await ls.doComplete(TextDocument.create(`file:///ws/${place.file}`, 'yaml', 1, text), pos, true)).items.map((i) => i.label);
    return { withCatalog: ours(true), referencesOnly: ours(false), theirs };
  }

  before(function () {
    if (!sources || !existsSync(CORPUS)) this.skip();
  });

  for (const place of PLACES) {
    it(`${place.what}: with the catalog off, nothing the extension also offers`, async () => {
      const { referencesOnly, theirs } = await both(place);
      const twice = referencesOnly.filter((l) => theirs.includes(l));
      assert.deepEqual(twice, [], `offered by both: ${twice.join(', ')} (theirs: ${theirs.join(', ')})`);
    });
  }

  it('what MeshLens adds: the subsets of the DestinationRule, which the schema does not know', async () => {
    const { referencesOnly, theirs } = await both(PLACES[0]);
    assert.deepEqual(referencesOnly, ['v1', 'v2']);
    assert.ok(!theirs.includes('v1') && !theirs.includes('v2'), theirs.join(', '));
  });

  it('with the catalog on, field names and enum values are offered by both: what the setting is for', async () => {
    for (const place of PLACES.slice(1)) {
      const { withCatalog, theirs } = await both(place);
      const twice = withCatalog.filter((l) => theirs.includes(l));
      assert.ok(twice.length > 0, `${place.what}: ours ${withCatalog.join(', ')}; theirs ${theirs.join(', ')}`);
    }
  });
});
