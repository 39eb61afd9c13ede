// Jump to code with hostile paths from spans: the real CodeLinks (src/vscode/code-links.ts) against
// a real folder tree, VS Code replaced by a recorder (fake-vscode.ts). Nothing is ever run (no
// command, no external open, whatever the path looks like: command:, vscode://, https://, file:
// with a query); a file outside the workspace opens only after the modal question says Open; a
// relative path cannot climb out of the workspace unasked. In a browser, the vscode:// link the
// viewer builds carries no query or fragment from the path.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fake, log } from './fake-vscode';
import { CodeLinks } from '../../../src/vscode/code-links';
import { vscodeFileUri } from '../../../webview/views/details';

describe('security: jump to code never runs anything and asks before leaving the workspace', () => {
  let dir: string;
  let ws: string;
  let outside: string;

  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-jump-')));
    ws = path.join(dir, 'ws');
    outside = path.join(dir, 'outside');
    fs.mkdirSync(path.join(ws, 'services/cart/src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(ws, 'services/cart/src/handlers.ts'), 'a\nb\nc\n');
    fs.writeFileSync(path.join(outside, 'secret.ts'), 'not yours\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    fake.reset();
    fake.folders = [ws];
  });

  const links = () => new CodeLinks(log as never);

  it('paths that are URIs of other kinds are not run, opened externally or opened at all', async () => {
    const hostile = [
      'command:workbench.action.terminal.new',
      'command:workbench.action.tasks.runTask?%5B%22build%22%5D',
      'vscode://file/etc/passwd',
      'vscode://vscode.git/clone?url=https%3A%2F%2Fevil.example%2Fr.git',
      'https://evil.example/x.js',
      'javascript:alert(1)',
      `file://${outside}/secret.ts?x=1#L3`,
      'data:text/plain,hi',
      '../outside/secret.ts',
      '../../../../../../../../etc/passwd',
      `${ws}/../outside/secret.ts`,
    ];
    for (const file of hostile) {
      const r = await links().open(file, 1);
      assert.equal(r.opened, false, file);
    }
    assert.deepEqual(fake.recorded.commands, []);
    assert.deepEqual(fake.recorded.external, []);
    assert.deepEqual(fake.recorded.opened, []);
  });

  it('a file outside the workspace: asked first, opened only on Open', async () => {
    const secret = path.join(outside, 'secret.ts');
    fake.answer = undefined; // the modal dismissed
    const no = await links().open(secret, 1);
    assert.equal(no.opened, false);
    assert.deepEqual(fake.recorded.opened, []);
    assert.deepEqual(fake.recorded.warnings, [`Open ${secret}? It is outside the workspace.`]);

    fake.answer = 'Open';
    assert.equal((await links().open(`file://${secret}`, 1)).opened, true);
    assert.deepEqual(fake.recorded.opened, [secret]);
    assert.equal(fake.recorded.warnings.length, 2, 'asked again for the second open');
    assert.deepEqual(fake.recorded.commands, []);
  });

  it('workspace files open without a question, from a container path too', async () => {
    const inside = path.join(ws, 'services/cart/src/handlers.ts');
    for (const file of [inside, '/app/services/cart/src/handlers.ts', 'C:\\build\\cart\\src\\handlers.ts', 'webpack:///./services/cart/src/handlers.ts']) {
      fake.recorded.opened = [];
      assert.equal((await links().open(file, 2)).opened, true, file);
      assert.deepEqual(fake.recorded.opened, [inside], file);
    }
    assert.deepEqual(fake.recorded.warnings, []);
    assert.deepEqual(fake.recorded.commands, []);
  });

  it('the browser link: vscode://file/<path>:<line>, with ? and # of the path escaped', () => {
    assert.equal(vscodeFileUri('/work/src/x.ts', 3), 'vscode://file/work/src/x.ts:3');
    assert.equal(vscodeFileUri('/etc/passwd?windowId=_blank#frag', 1), 'vscode://file/etc/passwd%3FwindowId=_blank%23frag:1');
    assert.equal(vscodeFileUri('C:\\src\\a b.cs', 7), 'vscode://file/C:/src/a%20b.cs:7');
    for (const file of ['x?a=1', '/x#y', '/"><script>alert(1)</script>', "/x' onmouseover='alert(1)"]) {
      const u = new URL(vscodeFileUri(file, 1));
      assert.equal(u.protocol, 'vscode:', file);
      assert.equal(u.search, '', file);
      assert.equal(u.hash, '', file);
      // (A quote may stay: the viewer sets the href with setAttribute, never inside markup.)
      assert.doesNotMatch(u.href, /[<>" ]/, file);
    }
  });
});
