// Checks over our own sources (src/ and webview/, as written, comments left out) for what a review
// would look for by hand: code made from strings (eval, new Function, a string given to a timer),
// markup made from strings in the viewer (innerHTML and relatives: every span, resource, log,
// attribute and service name must reach the page as text; webview/dom.ts is the one way the viewer
// makes elements), programs started, and which files open connections to other hosts. The
// browser test test/browser/xss.test.ts renders hostile span data in the real viewer; these keep
// the rules from being broken in a view it does not reach.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...files(rel));
    else if (/\.(ts|mts|cts|js|mjs)$/.test(e.name) && !/\.generated\./.test(e.name)) out.push(rel);
  }
  return out;
}

/** The code without comments (a comment may well say "never innerHTML"); strings are kept. */
function code(file: string): string {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else out += c;
  }
  return out;
}

function offenders(sources: readonly string[], re: RegExp): string[] {
  const out: string[] = [];
  for (const f of sources) {
    const lines = code(f).split('\n');
    lines.forEach((l, n) => {
      if (re.test(l)) out.push(`${f}:${n + 1}: ${l.trim()}`);
    });
  }
  return out;
}

describe('security: source checks', () => {
  const src = files('src');
  const webview = files('webview');
  const all = [...src, ...webview];

  it(`reads ${all.length} files of ours`, () => {
    assert.ok(src.length > 100 && webview.length > 15, `${src.length} + ${webview.length}`);
    // The scanner sees through comments but not strings: a check that cannot find anything is no check.
    assert.deepEqual(offenders(['test/unit/security/source.test.ts'], /\binnerHTML\b/).length > 0, true);
  });

  it('no code from strings: eval, new Function, Function(...), a string given to setTimeout/setInterval, vm', () => {
    assert.deepEqual(offenders(all, /(^|[^\w.])eval\s*\(|\bnew\s+Function\s*\(|(^|[^\w.])Function\s*\(|\bset(Timeout|Interval|Immediate)\s*\(\s*['"`]|\bnode:vm\b|from 'vm'|\brunInNewContext\b|\bimportScripts\s*\(/), []);
  });

  it('the viewer makes no markup from strings: no innerHTML, outerHTML, insertAdjacentHTML, document.write, srcdoc, DOMParser, d3 .html()', () => {
    assert.deepEqual(offenders(webview, /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|DOMParser|srcdoc)\b|document\.write|\.html\s*\(/), []);
    // Event handlers only through addEventListener: no on* attribute or property set from code.
    assert.deepEqual(offenders(webview, /setAttribute(NS)?\(\s*(null\s*,\s*)?['"`]on|\.on[a-z]+\s*=[^=]/), []);
    // The host side builds the page from a template only in viewer-html.ts (tested in test/unit/vscode/viewer-html.test.ts).
    assert.deepEqual(offenders(src, /\.html\s*=|innerHTML/).map((l) => l.split(':')[0]), ['src/vscode/viewer.ts']);
  });

  it('no program is started by MeshLens (only its own worker thread)', () => {
    assert.deepEqual(offenders(all, /child_process|\bexecFile(Sync)?\s*\(|\bexecSync\s*\(|\bspawnSync\s*\(|\bfork\s*\(|process\.binding|shell\.openExternal|env\.openExternal/), []);
  });

  it('connections are opened by the forwarder (to meshlens.receiver.forward / --forward), the demo (to the receiver it is given) and the browser viewer (to serve\'s own API) only', () => {
    const outbound = offenders(all, /\bhttps?\.request\s*\(|\bhttps?\.get\s*\(|\bnet\.(connect|createConnection)\s*\(|\btls\.connect\s*\(|\bhttp2\.connect\s*\(|\bfetch\s*\(|\bXMLHttpRequest\b|\bWebSocket\s*\(|\bEventSource\s*\(|\bsendBeacon\b|\bdgram\b|\bcredentials\.create|\bnew\s+[A-Za-z]*Exporter\s*\(|\? https\.request : http\.request/);
    const byFile = [...new Set(outbound.map((l) => l.split(':')[0]))].sort();
    // The viewer's fetch and EventSource are same-origin requests to serve's own API (its CSP: connect-src 'self').
    assert.deepEqual(byFile, ['src/demo/run.ts', 'src/receiver/forward.ts', 'webview/channel.ts', 'webview/views/files.ts'], outbound.join('\n'));
    for (const l of offenders(webview, /\bfetch\s*\(|\bEventSource\s*\(/)) assert.match(l, /(fetch|EventSource)\(\s*[`'"]api\//, l);
  });
});
