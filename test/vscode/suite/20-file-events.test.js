// Files created, changed, renamed and deleted on disk (vscode.workspace.fs, as git or a terminal
// would): the index and the diagnostics follow. Every test puts the workspace back as it found it.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, uriOf, settle, assertDiagnostics, baseline, encode } = require('./helpers');
const { print } = require('./log');

const service = (name) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  ports:
    - name: http
      port: 9080
`;

describe('MeshLens follows file events', function () {
  let api;
  const cleanups = [];
  before(async function () {
    api = await getApi();
  });
  afterEach(async function () {
    if (!api) return; // activation failed: reported by `before`
    while (cleanups.length) await cleanups.pop()();
    // Let the extension catch up with the restored files before the next test (the next test
    // waits for its own expected state anyway, and the last test asserts this one).
    await settle(api, () => assertDiagnostics(baseline()), { what: 'the diagnostics of examples/ after clean-up' })
      .catch((e) => print(`    (clean-up: ${e.message.split('\n')[0]})`));
  });

  it('a new file duplicating an object: ML0002 on both files; renaming the object clears both', async function () {
    const dup = uriOf('dup-service.yaml');
    cleanups.push(() => vscode.workspace.fs.delete(dup).then(undefined, () => {}));
    // reviews.yaml line 6 defines Service default/reviews; the new file defines it again (line 4).
    await vscode.workspace.fs.writeFile(dup, encode(service('reviews')));
    await settle(api, () => {
      assertDiagnostics([
        ...baseline(),
        { file: 'dup-service.yaml', line: 4, column: 9, code: 'ML0002', severity: 'warning' },
        { file: 'reviews.yaml', line: 6, column: 9, code: 'ML0002', severity: 'warning' },
      ]);
      assert.ok(api.indexSnapshot().objects.some((o) => o.ref === 'Service default/reviews' && o.uri === dup.toString()),
        'indexSnapshot().objects has no "Service default/reviews" in dup-service.yaml');
    }, { what: 'ML0002 on dup-service.yaml and reviews.yaml' });

    await vscode.workspace.fs.writeFile(dup, encode(service('reviews-other')));
    await settle(api, () => {
      assertDiagnostics(baseline());
      const objects = api.indexSnapshot().objects;
      assert.ok(objects.some((o) => o.ref === 'Service default/reviews-other' && o.uri === dup.toString()),
        'indexSnapshot().objects has no "Service default/reviews-other" in dup-service.yaml after the change');
      assert.ok(!objects.some((o) => o.ref === 'Service default/reviews' && o.uri === dup.toString()),
        'indexSnapshot().objects still has the old "Service default/reviews" of dup-service.yaml');
    }, { what: 'no ML0002 once the new object is renamed' });
  });

  it('a renamed file: the index has the new uri, the old uri keeps no diagnostic, the finding moves', async function () {
    const from = uriOf('missing-name.yaml');
    const to = uriOf('missing-name-renamed.yaml');
    cleanups.push(() => vscode.workspace.fs.rename(to, from, { overwrite: true }).then(undefined, () => {}));
    await vscode.workspace.fs.rename(from, to);
    await settle(api, () => {
      const { files } = api.indexSnapshot();
      assert.ok(files.includes(to.toString()), `indexSnapshot().files lacks the new uri ${to}`);
      assert.ok(!files.includes(from.toString()), `indexSnapshot().files still has the old uri ${from}`);
      assert.deepStrictEqual(vscode.languages.getDiagnostics(from).filter((d) => d.source === 'meshlens').map((d) => d.message), [],
        'diagnostics left on the old uri');
      assertDiagnostics(baseline().map((p) => (p.file === 'missing-name.yaml' ? { ...p, file: 'missing-name-renamed.yaml' } : p)));
    }, { what: 'the state after the rename' });
  });

  it('a deleted file with findings leaves no diagnostic and no index entry behind', async function () {
    const gone = uriOf('broken-indent.yaml');
    const content = await vscode.workspace.fs.readFile(gone);
    cleanups.push(() => vscode.workspace.fs.writeFile(gone, content));
    await vscode.workspace.fs.delete(gone);
    await settle(api, () => {
      assert.deepStrictEqual(vscode.languages.getDiagnostics(gone).filter((d) => d.source === 'meshlens').map((d) => d.message), [],
        'diagnostics left on the deleted file');
      assert.ok(!api.indexSnapshot().files.includes(gone.toString()), 'indexSnapshot().files still has the deleted file');
      assertDiagnostics(baseline().filter((p) => p.file !== 'broken-indent.yaml'));
    }, { what: 'the state after the delete' });
  });

  it('the workspace is back to the examples after the tests above', async function () {
    await settle(api, () => assertDiagnostics(baseline()), { what: 'the diagnostics of examples/' });
  });
});
