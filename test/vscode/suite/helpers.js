// Shared helpers of the extension-host suite.
'use strict';
const assert = require('assert');
const http = require('http');
const vscode = require('vscode');
const expected = require('../expected-problems.json');

const EXTENSION_ID = 'meshlens.meshlens';
const SEVERITY = { 0: 'error', 1: 'warning', 2: 'information', 3: 'hint' };

let apiPromise;
/** The extension's API (activates it once). */
function getApi() {
  if (!apiPromise) {
    apiPromise = (async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this extension host`);
      const api = await ext.activate();
      assert.ok(api && typeof api.whenIdle === 'function' && typeof api.indexSnapshot === 'function',
        `activate() of ${EXTENSION_ID} must return { whenIdle(), indexSnapshot() }, got ${api === undefined ? 'undefined' : Object.keys(api)}`);
      return api;
    })();
  }
  return apiPromise;
}

function root() {
  const folders = vscode.workspace.workspaceFolders;
  assert.ok(folders && folders.length === 1, 'the window must have exactly one workspace folder');
  return folders[0].uri;
}

const uriOf = (rel) => vscode.Uri.joinPath(root(), ...rel.split('/'));

/** Workspace-relative path of a uri, or null when it is outside the workspace folder. */
function relOf(uri) {
  const base = root().toString().replace(/\/$/, '') + '/';
  const s = uri.toString();
  return s.startsWith(base) ? decodeURIComponent(s.slice(base.length)) : null;
}

/** Every MeshLens diagnostic in the workspace as plain objects, sorted. */
function meshlensDiagnostics(filter = () => true) {
  const out = [];
  for (const [uri, diags] of vscode.languages.getDiagnostics()) {
    for (const d of diags) {
      if (d.source !== 'meshlens') continue;
      const file = relOf(uri) ?? uri.toString();
      const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
      const target = typeof d.code === 'object' && d.code !== null && d.code.target ? d.code.target.path : '';
      const p = { file, line: d.range.start.line + 1, column: d.range.start.character + 1, code: String(code), severity: SEVERITY[d.severity], message: d.message, target };
      if (filter(p)) out.push(p);
    }
  }
  return out.sort((a, b) => key(a).localeCompare(key(b)));
}

const key = (p) => `${p.file} ${p.line}:${p.column} ${p.code} ${p.severity}`;

/** The diagnostics of examples/ as expected-problems.json describes them. */
function baseline() {
  return expected.problems.map((p) => ({ file: p.file, line: p.line, column: p.column, code: p.code, severity: p.severity }));
}

/**
 * Asserts that the MeshLens diagnostics (on the files `filter` selects) are exactly `want`
 * (compared on file, line, column, code, severity).
 */
function assertDiagnostics(want, filter = () => true, what = 'MeshLens diagnostics') {
  const actual = meshlensDiagnostics(filter);
  const a = actual.map(key).sort();
  const w = want.map(key).sort();
  if (JSON.stringify(a) !== JSON.stringify(w)) {
    const missing = w.filter((k) => !a.includes(k));
    const extra = actual.filter((p) => !w.includes(key(p))).map((p) => `${key(p)} ${JSON.stringify(p.message)}`);
    assert.fail(`${what} differ from the expectation.\n  missing: ${missing.length ? missing.join(' | ') : 'none'}\n  unexpected: ${extra.length ? extra.join(' | ') : 'none'}`);
  }
  return actual;
}

/**
 * Waits until `check` (a function that throws an AssertionError while the state is not the
 * expected one) passes, then awaits `api.whenIdle()` and runs `check` once more, so the state is
 * not only reached but also stays once everything pending is done.
 *
 * Why not just `await api.whenIdle()`: after `vscode.workspace.fs.writeFile/rename/delete`
 * resolves, the file watcher's event reaches the extension a little later, so a `whenIdle()`
 * called at once can resolve before the extension has heard of the change. So `check` is
 * re-run on every `api.onDidUpdate` event (fired after each analysis pass) and once at the start;
 * no timer polls. `timeoutMs` bounds the wait and the failure then shows the last mismatch.
 */
async function settle(api, check, { timeoutMs = 20_000, what = 'the expected state' } = {}) {
  let lastError = null;
  let updates = 0;
  const passes = () => {
    try {
      check();
      return true;
    } catch (e) {
      lastError = e;
      return false;
    }
  };
  await new Promise((resolve, reject) => {
    let subscription = { dispose() {} };
    const finish = (fn) => { clearTimeout(timer); subscription.dispose(); fn(); };
    const timer = setTimeout(() => finish(() => {
      const e = new Error(`${what} was not reached within ${timeoutMs / 1000} s (${updates} onDidUpdate event(s) seen). Last mismatch:\n${lastError ? lastError.message : '(none)'}`);
      reject(e);
    }), timeoutMs);
    if (typeof api.onDidUpdate === 'function') {
      subscription = api.onDidUpdate(() => {
        updates++;
        if (passes()) finish(resolve);
      });
    }
    // At the start: after whenIdle() (the state may already be final; covers edits of open documents).
    api.whenIdle().then(() => { if (passes()) finish(resolve); }, (e) => finish(() => reject(e)));
  });
  await api.whenIdle();
  try {
    return check();
  } catch (e) {
    e.message = `${what} was reached, but no longer held once the extension was idle:\n${e.message}`;
    throw e;
  }
}

const encode = (s) => new TextEncoder().encode(s);

/** POSTs an OTLP/JSON traces body to the extension's receiver on 127.0.0.1; resolves with the status code. */
function postOtlpJson(port, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

module.exports = { postOtlpJson, EXTENSION_ID, expected, getApi, root, uriOf, relOf, meshlensDiagnostics, assertDiagnostics, baseline, settle, encode, key };
