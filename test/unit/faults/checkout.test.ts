// Fault: `git checkout` of another branch rewrites a thousand manifests under the editor's feet.
// A real repository in a temp dir with two branches; the watcher's events for what the checkout
// changed are fed the way the extension host gets them (per file, created/changed/deleted, in
// chunks on separate turns). The index must end where a fresh `meshlens lint` of the new branch
// ends, publishing diagnostics a bounded number of times, not once per file.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshLint, sorted, Workspace, yamlFiles } from './workspace';

const SERVICES = 334;
/** The extension host gets a large burst of watcher events as several messages. */
const CHUNK = 500;

function ns(k: number): string {
  return `team-${Math.floor(k / 34)}`;
}

function service(k: number, branch: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: s${k}
  namespace: ${ns(k)}
  labels:
    branch: ${branch}
spec:
  selector:
    app: s${k}
  ports:
    - name: http
      port: 9080
`;
}

function destinationRule(k: number, branch: string, subsets: string[]): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: s${k}
  namespace: ${ns(k)}
  labels:
    branch: ${branch}
spec:
  host: s${k}
  subsets:
${subsets.map((s) => `    - name: ${s}\n      labels:\n        version: ${s}\n`).join('')}`;
}

function virtualService(name: string, k: number, branch: string, routes: [number, string, number][]): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns(k)}
  labels:
    branch: ${branch}
spec:
  hosts:
    - ${name}
  http:
    - route:
${routes.map(([to, subset, weight]) => `        - destination:\n            host: s${to}\n            subset: ${subset}\n          weight: ${weight}\n`).join('')}`;
}

/** main: every route resolves. feature: every file touched, some services gone, subsets cut, weights off, new routes. */
function branchFiles(branch: 'main' | 'feature'): Map<string, string> {
  const f = branch === 'feature';
  const files = new Map<string, string>();
  for (let k = 0; k < SERVICES; k++) {
    const next = Math.floor(k / 34) === Math.floor((k + 1) / 34) ? k + 1 : k;
    if (!(f && k % 7 === 0)) files.set(`services/s${k}.yaml`, service(k, branch));
    files.set(`rules/dr${k}.yaml`, destinationRule(k, branch, f && next % 5 === 0 ? ['v1'] : ['v1', 'v2']));
    files.set(`routes/vs${k}.yaml`, virtualService(`s${k}`, k, branch, [[k, 'v1', f && k % 3 === 0 ? 70 : 80], [next, 'v2', 20]]));
    if (f && k % 10 === 0) files.set(`extra/canary${k}.yaml`, virtualService(`canary${k}`, k, branch, [[k, 'v3', 100]]));
  }
  return files;
}

/** Both branches committed in one `git fast-import` (one process, instead of writing and adding each tree). */
function commitBranches(root: string): void {
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (const branch of ['main', 'feature'] as const) {
    parts.push(`commit refs/heads/${branch}\ncommitter MeshLens Test <test@meshlens.invalid> 1700000000 +0000\n${data(branch)}`);
    if (branch === 'feature') parts.push('from refs/heads/main\ndeleteall\n');
    for (const [rel, text] of branchFiles(branch)) parts.push(`M 100644 inline ${rel}\n${data(text)}`);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: root, input: parts.join(''), stdio: ['pipe', 'pipe', 'pipe'] });
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', args, { cwd: root, stdio: 'pipe' });
}

function contents(root: string): Map<string, string> {
  return new Map(yamlFiles(root).map((rel) => [rel, fs.readFileSync(path.join(root, rel), 'utf8')]));
}

describe('fault: git checkout of a branch with 1,000 changed manifests (src/core/workspace/sync.ts)', function () {
  this.timeout(120_000);
  let root: string;

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-checkout-')));
    git(root, 'init', '-q', '-b', 'main');
    commitBranches(root);
    git(root, 'checkout', '-q', '-f', 'main');
    assert.equal(yamlFiles(root).length, 1002, 'main has 1,002 manifests');
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('catches up to what a fresh lint of the new branch says, in a bounded number of publishes', async () => {
    const ws = new Workspace(root);
    ws.scan();
    await ws.idle();
    const onMain = sorted(ws.diagnostics);
    assert.ok(onMain.length > 0 && ws.publishes.length >= 1);

    const before = contents(root);
    git(root, 'checkout', '-q', 'feature');
    const after = contents(root);
    const events: [string, 'read' | 'delete'][] = [];
    for (const [rel, text] of after) if (before.get(rel) !== text) events.push([rel, 'read']);
    for (const rel of before.keys()) if (!after.has(rel)) events.push([rel, 'delete']);
    assert.ok(events.length >= 1000, `the checkout changed ${events.length} manifests`);

    const publishes = ws.publishes.length;
    const rounds = ws.sync.counters.rounds;
    const chunks = Math.ceil(events.length / CHUNK);
    for (let i = 0; i < events.length; i += CHUNK) {
      for (const [rel, kind] of events.slice(i, i + CHUNK)) ws.sync.enqueue(ws.uri(rel), { kind });
      await new Promise((r) => setImmediate(r));
    }
    await ws.idle();

    const onFeature = sorted(await freshLint(root));
    assert.notDeepEqual(onFeature, onMain, 'the checkout changed the findings');
    const codes = new Set(onFeature.flatMap(([, d]) => d.map((x) => x.split(' ')[0])));
    for (const code of ['ML1001', 'ML1003', 'ML1011']) assert.ok(codes.has(code), `the feature branch shows ${code}`);
    assert.deepEqual(sorted(ws.diagnostics), onFeature, 'after the checkout the diagnostics equal a fresh lint');
    assert.deepEqual(ws.errors, []);

    const newRounds = ws.sync.counters.rounds - rounds;
    const newPublishes = ws.publishes.length - publishes;
    assert.ok(newRounds >= Math.ceil(events.length / 200), `applied in batches (${newRounds} rounds)`);
    assert.ok(newPublishes >= 1 && newPublishes <= chunks, `${newPublishes} publishes for ${events.length} changed files in ${chunks} chunks`);
  });
});
