// A `git checkout`-like burst: 500 files appear at once, then the whole folder goes.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, uriOf, settle, assertDiagnostics, meshlensDiagnostics, baseline, encode } = require('./helpers');

const COUNT = 500;
const DIR = 'burst';
const isBroken = (i) => i % 25 === 7; // 20 of 500
const name = (i) => `burst-${String(i).padStart(3, '0')}`;
const rel = (i) => `${DIR}/${name(i)}.yaml`;
// Line 5 of a broken file is a mapping value where YAML allows none (like examples/broken-indent.yaml).
const content = (i) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name(i)}
data:${isBroken(i) ? ' key: value: broken' : '\n  key: value'}
`;

describe('MeshLens under a burst of file events', function () {
  this.timeout(200_000);
  let api;
  const dir = () => uriOf(DIR);
  const inDir = (p) => p.file.startsWith(`${DIR}/`);
  const under = (uri) => uri.startsWith(dir().toString() + '/');

  before(async function () {
    api = await getApi();
  });
  after(async function () {
    if (!api) return; // activation failed: reported by `before`
    await vscode.workspace.fs.delete(dir(), { recursive: true, useTrash: false }).then(undefined, () => {});
    await api.whenIdle();
  });

  it(`indexes ${COUNT} files written at once and flags exactly the broken ones`, async function () {
    await vscode.workspace.fs.createDirectory(dir());
    const indices = Array.from({ length: COUNT }, (_, i) => i);
    await Promise.all(indices.map((i) => vscode.workspace.fs.writeFile(uriOf(rel(i)), encode(content(i)))));
    const broken = indices.filter(isBroken);
    await settle(api, () => {
      const snap = api.indexSnapshot();
      const files = new Set(snap.files.filter(under));
      const missing = indices.filter((i) => !files.has(uriOf(rel(i)).toString()));
      assert.strictEqual(missing.length, 0, `${missing.length} of ${COUNT} files are not in indexSnapshot().files, e.g. ${missing.slice(0, 5).map(rel).join(', ')}`);
      assert.strictEqual(files.size, COUNT, `indexSnapshot().files has ${files.size} entries under ${DIR}/, expected ${COUNT}`);
      const refs = new Map(snap.objects.filter((o) => under(o.uri)).map((o) => [o.ref, o.uri]));
      const lost = indices.filter((i) => !isBroken(i) && refs.get(`ConfigMap default/${name(i)}`) !== uriOf(rel(i)).toString());
      assert.strictEqual(lost.length, 0, `${lost.length} valid objects are not in indexSnapshot().objects with their uri, e.g. ${lost.slice(0, 5).map(name).join(', ')}`);

      const diags = meshlensDiagnostics(inDir);
      const flagged = [...new Set(diags.map((d) => d.file))].sort();
      assert.deepStrictEqual(flagged, broken.map(rel).sort(), 'the files with diagnostics are not exactly the broken ones');
      const wrong = diags.filter((d) => d.code !== 'ML0001' || d.severity !== 'error');
      assert.deepStrictEqual(wrong, [], 'diagnostics other than ML0001 errors in the burst');
      for (const i of broken) {
        const lines = diags.filter((d) => d.file === rel(i)).map((d) => d.line);
        assert.ok(lines.includes(5), `${rel(i)}: ML0001 is on line(s) ${lines.join(', ')}, not 5`);
      }
      assertDiagnostics(baseline(), (p) => !inDir(p), 'MeshLens diagnostics outside the burst');
    }, { timeoutMs: 90_000, what: `${COUNT} files indexed with ML0001 on exactly the broken ones` });
  });

  it('forgets the whole folder when it is deleted recursively', async function () {
    await vscode.workspace.fs.delete(dir(), { recursive: true, useTrash: false });
    await settle(api, () => {
      const snap = api.indexSnapshot();
      const files = snap.files.filter(under);
      assert.strictEqual(files.length, 0, `${files.length} files under ${DIR}/ are still in indexSnapshot().files, e.g. ${files.slice(0, 3).join(', ')}`);
      const objects = snap.objects.filter((o) => under(o.uri));
      assert.strictEqual(objects.length, 0, `${objects.length} objects of ${DIR}/ are still in indexSnapshot().objects`);
      assertDiagnostics([], inDir, `MeshLens diagnostics under ${DIR}/`);
      assertDiagnostics(baseline());
    }, { timeoutMs: 90_000, what: `nothing left of ${DIR}/` });
  });
});
