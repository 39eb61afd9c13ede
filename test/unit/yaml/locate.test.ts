import * as assert from 'node:assert/strict';
import { locatePath } from '../../../src/core/yaml/locate';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { parseManifestText } from '../../../src/core/yaml/parse';
import { formatPath, parsePath } from '../../../src/core/yaml/path';

/** `line:col-line:col`, 1-based, of a path in document `doc` of `text`. */
function at(text: string, doc: number, path: string, target: 'key' | 'value' = 'value'): string {
  const file = parseManifestText(text, DEFAULT_LIMITS);
  const loc = locatePath(file.documents[doc].node, parsePath(path), target);
  const r = file.lines.rangeOf(loc.start, loc.end);
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}${loc.exact ? '' : ' (parent)'}`;
}

const VS = `# reviews routing
apiVersion: v1
kind: Service
metadata:
  name: ignored
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews   # the name
  annotations:
    meshlens.io/ignore: ML1101
spec:
  hosts: [reviews]
  http:
    - match:
        - headers:
            end-user: { exact: jason }
      route:
        - destination:
            host: reviews
            subset: v2
    - route:
        - destination: { host: reviews, subset: v1 }
          weight: 80
        - destination:
            host: reviews
            # a comment between keys
            subset: v3
          weight: 20
`;

describe('field paths', () => {
  it('format and parse are inverse, with quoted keys for dotted names', () => {
    const p = ['metadata', 'annotations', 'meshlens.io/ignore'];
    assert.equal(formatPath(p), 'metadata.annotations["meshlens.io/ignore"]');
    assert.deepEqual(parsePath(formatPath(p)), p);
    assert.deepEqual(parsePath('spec.http[0].route[1].destination.subset'), ['spec', 'http', 0, 'route', 1, 'destination', 'subset']);
  });
});

describe('locatePath', () => {
  it('finds values deep in the second document of a file, past comments', () => {
    assert.equal(at(VS, 1, 'spec.http[1].route[1].destination.subset'), '29:21-29:23');
    assert.equal(at(VS, 1, 'spec.http[0].route[0].destination.subset'), '22:21-22:23');
    assert.equal(at(VS, 1, 'metadata.name'), '10:9-10:16');
  });

  it('finds keys when asked for the key', () => {
    assert.equal(at(VS, 1, 'spec.http[1].route[1].weight', 'key'), '30:11-30:17');
    assert.equal(at(VS, 1, 'spec.http[1].route[1].weight'), '30:19-30:21');
  });

  it('finds values inside flow mappings and sequences', () => {
    assert.equal(at(VS, 1, 'spec.http[1].route[0].destination.subset'), '24:49-24:51');
    assert.equal(at(VS, 1, 'spec.hosts[0]'), '14:11-14:18');
    assert.equal(at(VS, 1, 'spec.http[0].match[0].headers["end-user"].exact'), '18:32-18:37');
  });

  it('finds keys that need quoting in paths', () => {
    assert.equal(at(VS, 1, 'metadata.annotations["meshlens.io/ignore"]'), '12:25-12:31');
  });

  it('falls back to the nearest existing parent, on its key', () => {
    assert.equal(at(VS, 1, 'spec.http[1].route[1].destination.port.number'), '26:11-26:22 (parent)');
    assert.equal(at(VS, 1, 'spec.tcp[0].route'), '13:1-13:5 (parent)');
    assert.equal(at(VS, 1, 'spec.http[7]'), '15:3-15:7 (parent)');
  });

  it('stops at an alias: the place where the value is used', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: &labels
    app: web
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  labels: *labels
`;
    assert.equal(at(text, 0, 'metadata.labels.app'), '6:10-6:13');
    assert.equal(at(text, 1, 'metadata.labels.app'), '12:11-12:18 (parent)');
  });

  it('finds a key brought in by a merge key at the merge', () => {
    const text = `base: &base
  timeout: 3s
route:
  <<: *base
  retries: 2
`;
    assert.equal(at(text, 0, 'route.retries'), '5:12-5:13');
    assert.equal(at(text, 0, 'route.timeout'), '3:1-3:6 (parent)');
  });

  it('handles an empty value and an empty document', () => {
    assert.equal(at('metadata:\n  name:\n', 0, 'metadata.name'), '2:3-2:7');
    assert.equal(at('# only a comment\n---\nkind: x\n', 0, 'kind'), '3:7-3:8');
  });
});
