// The trace viewer's webview as the extension creates it: the real TraceViewer (src/vscode/viewer.ts)
// opens a panel through a stand-in vscode module that records the panel's options and page. Scripts
// on, command URIs and forms off, only dist/webview readable (localResourceRoots), and the page's
// one CSP has no unsafe-inline or unsafe-eval. The serve page (webview/index.html) has the same
// strictness in its own policy.
import { strict as assert } from 'node:assert';
// First: installs the stand-in for `vscode` that src/vscode/viewer.ts requires.
import { log } from './fake-vscode';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { TraceViewer } from '../../../src/vscode/viewer';

const ROOT = path.resolve(__dirname, '../../..');

function csp(html: string): string[] {
  return [...html.matchAll(/<meta\b[^>]*http-equiv="Content-Security-Policy"[^>]*content="([^"]*)"/gi)].map((m) => m[1]);
}

describe('security: the webview panel', () => {
  let ext: string;
  before(() => {
    ext = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-ext-'));
    fs.mkdirSync(path.join(ext, 'dist/webview'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'webview/index.html'), path.join(ext, 'dist/webview/index.html'));
  });
  after(() => fs.rmSync(ext, { recursive: true, force: true }));

  it("scripts only with this load's nonce, no command URIs or forms, only dist/webview readable", async () => {
    const receiver = { start: async () => undefined, whenStarted: async () => undefined, onLive: () => () => undefined };
    const viewer = new TraceViewer(URI.file(ext) as never, receiver as never, log as never);
    try {
      // open() would go on to import the viewer bridge with import(), which plain mocha's loader
      // cannot read from TypeScript: the panel's options and page are taken as open() takes them.
      const v = viewer as unknown as { options(): Record<string, unknown>; html(w: unknown): Promise<string> };
      const options = v.options();
      assert.equal(options.enableScripts, true);
      assert.equal(options.enableCommandUris, false);
      assert.equal(options.enableForms, false);
      assert.deepEqual((options.localResourceRoots as URI[]).map((u) => u.toString()), [URI.file(path.join(ext, 'dist/webview')).toString()]);
      const webview = { cspSource: 'https://*.vscode-cdn.net', asWebviewUri: (u: URI) => URI.from({ scheme: 'https', authority: 'file+.vscode-resource.vscode-cdn.net', path: u.path }) };
      const html = await v.html(webview);
      const policies = csp(html);
      assert.equal(policies.length, 1, 'one policy');
      assert.doesNotMatch(policies[0], /unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic|\s\*(\s|;|$)|data:\s*;?\s*$/);
      assert.match(policies[0], /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/]{22}=='; /);
      assert.match(policies[0], /base-uri 'none'; form-action 'none'$/);
      for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]*)"/g)) assert.ok(m[1].startsWith('https://file%2B.vscode-resource.vscode-cdn.net' + path.join(ext, 'dist/webview') + '/'), m[1]);
    } finally {
      viewer.dispose();
    }
  });

  it("serve's page: its own policy has no unsafe-inline/unsafe-eval and no inline script", () => {
    const html = fs.readFileSync(path.join(ROOT, 'webview/index.html'), 'utf8');
    const policies = [...html.matchAll(/http-equiv="Content-Security-Policy" content="([^"]*)"/g)].map((m) => m[1]);
    assert.equal(policies.length, 1);
    assert.doesNotMatch(policies[0], /unsafe-inline|unsafe-eval|\*/);
    assert.match(policies[0], /default-src 'none'/);
    assert.match(policies[0], /base-uri 'none'/);
    assert.doesNotMatch(html, /<script\b(?![^>]*\bsrc=)[^>]*>/, 'every script has a src');
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline handler');
  });
});
