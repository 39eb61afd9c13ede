// The webview's HTML builder: one strict CSP first in <head>, this load's nonce on every script,
// no inline script or handler left, the template's files at webview URIs; and the real template
// (webview/index.html, what the build copies to dist/webview) goes through it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newNonce, viewerCsp, viewerHtml } from '../../../src/vscode/viewer-html';

const CSP_SOURCE = 'https://*.vscode-cdn.net';
const asset = (p: string) => `https://file%2B.vscode-resource.vscode-cdn.net/ext/dist/webview/${p}`;

function scriptTags(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
}

function cspOf(html: string): string[] {
  return [...html.matchAll(/<meta\b[^>]*http-equiv="Content-Security-Policy"[^>]*content="([^"]*)"/gi)].map((m) => m[1]);
}

/** The strictness checks every output must pass. */
function assertStrict(html: string, nonce: string): void {
  const csp = cspOf(html);
  assert.equal(csp.length, 1, 'exactly one policy');
  assert.equal(csp[0], `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${CSP_SOURCE}; img-src ${CSP_SOURCE} data:; font-src ${CSP_SOURCE}; base-uri 'none'; form-action 'none'`);
  assert.doesNotMatch(csp[0], /unsafe-inline|unsafe-eval|\*(?!\.)|'self'/);
  assert.match(html, /<head[^>]*><meta http-equiv="Content-Security-Policy"/, 'the policy comes first in <head>');
  for (const tag of scriptTags(html)) assert.match(tag, new RegExp(`^<script nonce="${nonce.replace(/[+/=]/g, '\\$&')}" src="https://`), tag);
  // No script with a body, no handler attribute, no javascript: URL.
  assert.doesNotMatch(html, /<script\b[^>]*>\s*[^<\s]/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
  assert.doesNotMatch(html, /javascript:/i);
}

describe('viewer HTML (src/vscode/viewer-html.ts)', () => {
  it('turns the real template into a page with a strict CSP and the nonce on its script', () => {
    const template = fs.readFileSync(path.resolve(__dirname, '../../../webview/index.html'), 'utf8');
    const nonce = newNonce();
    const html = viewerHtml(template, { nonce, cspSource: CSP_SOURCE, assetUri: asset });
    assertStrict(html, nonce);
    assert.deepEqual(scriptTags(html), [`<script nonce="${nonce}" src="${asset('viewer.js')}">`]);
    assert.match(html, /<main id="app"><\/main>/);
  });

  it('removes inline scripts, handlers and a second policy whatever the template holds', () => {
    const template = [
      '<!doctype html><html><head>',
      `<meta http-equiv="content-security-policy" content="default-src *; script-src 'unsafe-inline'">`,
      '<link rel="stylesheet" href="viewer.css">',
      '<script>alert(1)</script>',
      '<script src="viewer.js">alert(2)</script>',
      '<SCRIPT type="module" src="./chunk.js" defer></SCRIPT>',
      '<script src="javascript:alert(3)"></script>',
      '<script nonce="guessed">alert(4)</script>',
      '</head><body onload="alert(5)">',
      `<img src="logo.png" onerror='alert(6)'><a href="javascript:alert(7)">x</a>`,
      '<script src="viewer.js"></script>',
      '<script>unclosed(8)',
      '</body></html>',
    ].join('\n');
    const nonce = newNonce();
    const html = viewerHtml(template, { nonce, cspSource: CSP_SOURCE, assetUri: asset });
    assertStrict(html, nonce);
    assert.deepEqual(scriptTags(html), [`<script nonce="${nonce}" src="${asset('chunk.js')}" type="module" defer>`, `<script nonce="${nonce}" src="${asset('viewer.js')}">`]);
    assert.doesNotMatch(html, /alert/);
    assert.match(html, new RegExp(`<link rel="stylesheet" href="${asset('viewer.css').replace(/[.+%*]/g, '\\$&')}">`));
    assert.match(html, /<img src="https:\/\/[^"]+\/logo\.png">/);
  });

  it('a fresh nonce per load; a nonce or source that could widen the policy is refused', () => {
    const a = newNonce();
    const b = newNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    assert.throws(() => viewerCsp('short', CSP_SOURCE), /nonce/);
    assert.throws(() => viewerCsp("x'; script-src *; '0123456789abcdef", CSP_SOURCE), /nonce/);
    assert.throws(() => viewerCsp(a, "https://a; script-src 'unsafe-inline'"), /not a CSP source/);
    assert.throws(() => viewerCsp(a, 'https://a"><script>'), /not a CSP source/);
    assert.throws(() => viewerCsp(a, "https://a 'unsafe-inline'"), /not a CSP source/);
    assert.throws(() => viewerCsp(a, '  '), /not a CSP source/);
    // code-server serves extensions over http(s): its cspSource is the extension's URL and the CDN.
    const two = 'http://127.0.0.1:8080/stable-1/static/extensions/meshlens/ https://*.vscode-cdn.net';
    assert.match(viewerCsp(a, two), new RegExp(`style-src ${two.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')};`));
  });
});
