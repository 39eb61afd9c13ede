// Fault: a manifest deleted while it is being analysed. Real files in a temp dir, read the way the
// extension reads them; the deletion lands between the event and the read, or while a batch is
// being read. No crash, no error logged, and no diagnostics left for the deleted file: the end
// state equals a fresh lint of what is on disk.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../../../src/cli/files';
import { DEFAULT_CONFIG } from '../../../src/core';
import { freshLint, sorted, Workspace } from './workspace';

const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  ports:\n    - name: http\n      port: 9080\n`;
const route = (name: string, to: string, weight = 100) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  hosts:\n    - ${name}\n  http:\n    - route:\n        - destination:\n            host: ${to}\n          weight: ${weight}\n`;

const read = (uri: string) => readManifest(fileURLToPath(uri), DEFAULT_CONFIG.limits.maxFileBytes);

describe('fault: a file deleted while being analysed (src/core/workspace/sync.ts)', function () {
  this.timeout(60_000);
  let root: string;

  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-deleted-')));
    fs.writeFileSync(path.join(root, 'cart.yaml'), service('cart'));
    // A weight on a single destination: a finding that lives in this file.
    fs.writeFileSync(path.join(root, 'broken.yaml'), route('checkout', 'cart', 60));
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(root, `svc-${String(i).padStart(3, '0')}.yaml`), service(`svc-${i}`));
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  async function started(reader?: (uri: string) => Promise<import('../../../src/core').FileInput | undefined>): Promise<Workspace> {
    const ws = new Workspace(root, reader);
    ws.scan();
    await ws.idle();
    assert.ok(ws.diagnostics.get(ws.uri('broken.yaml'))?.length, 'the file to delete has diagnostics');
    return ws;
  }

  it('gone between the change event and the read (ENOENT): dropped with its diagnostics', async () => {
    const vanish = { uri: '' };
    const ws = await started((uri) => {
      if (uri === vanish.uri) fs.rmSync(fileURLToPath(uri));
      return read(uri);
    });
    vanish.uri = ws.uri('broken.yaml');
    ws.sync.enqueue(vanish.uri, { kind: 'read' });
    await ws.idle();
    assert.equal(fs.existsSync(path.join(root, 'broken.yaml')), false);
    assert.equal(ws.diagnostics.has(vanish.uri), false, 'no stale diagnostics');
    assert.equal(ws.engine.index.get(vanish.uri), undefined, 'out of the index');
    assert.deepEqual(ws.errors, []);
    assert.deepEqual(sorted(ws.diagnostics), sorted(await freshLint(root)));
  });

  it('deleted while a batch is being read: its delete event wins, the files that referenced it see it gone', async () => {
    // cart.yaml goes away while a batch of 300 reads is under way; broken.yaml routes to it.
    let reads = 0;
    const armed: { ws?: Workspace } = {};
    const ws = await started((uri) => {
      if (armed.ws && ++reads === 50) {
        fs.rmSync(path.join(root, 'cart.yaml'));
        armed.ws.sync.enqueue(armed.ws.uri('cart.yaml'), { kind: 'delete' });
      }
      return read(uri);
    });
    armed.ws = ws;
    const broken = ws.diagnostics.get(ws.uri('broken.yaml'))!;
    assert.ok(!broken.some((d) => d.startsWith('ML1001')), 'cart resolves while it exists');
    for (let i = 0; i < 300; i++) ws.sync.enqueue(ws.uri(`svc-${String(i).padStart(3, '0')}.yaml`), { kind: 'read' });
    await ws.idle();
    assert.equal(reads >= 50, true);
    assert.equal(ws.engine.index.get(ws.uri('cart.yaml')), undefined);
    assert.ok(ws.diagnostics.get(ws.uri('broken.yaml'))!.some((d) => d.startsWith('ML1001')), 'the route now names a missing host');
    assert.deepEqual(ws.errors, []);
    assert.deepEqual(sorted(ws.diagnostics), sorted(await freshLint(root)));
  });

  it('replaced by a folder of the same name (EISDIR) or unreadable: treated as gone, the rest of the batch applied', async () => {
    const ws = await started();
    const target = path.join(root, 'broken.yaml');
    fs.rmSync(target);
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(root, 'new.yaml'), route('payments', 'cart', 70));
    ws.sync.enqueue(ws.uri('broken.yaml'), { kind: 'read' });
    ws.sync.enqueue(ws.uri('new.yaml'), { kind: 'read' });
    await ws.idle();
    assert.equal(ws.diagnostics.has(ws.uri('broken.yaml')), false);
    assert.ok(ws.diagnostics.get(ws.uri('new.yaml'))?.length, 'the other file of the batch is in');
    assert.deepEqual(ws.errors, []);
    fs.rmdirSync(target);
    assert.deepEqual(sorted(ws.diagnostics), sorted(await freshLint(root)));
  });
});
