// Entry point VS Code loads in the extension host (extensionTestsPath). Runs every
// suite/*.test.js with mocha (bdd) and reports through console.log, which the workbench forwards
// to the harness (codeAutomationLog). The harness reads the line that starts with RESULT_MARKER.
'use strict';
const fs = require('fs');
const path = require('path');
const { print } = require('./log');

const BEGIN_MARKER = '[meshlens-e2e] BEGIN';
const RESULT_MARKER = '[meshlens-e2e] RESULT ';

function loadMocha() {
  const m = require('mocha'); // mocha 12 is ESM; Node 24's require(esm) gives its namespace
  return m.default || m.Mocha || m;
}

exports.run = async function run() {
  console.log(BEGIN_MARKER);
  await runMocha();
};

async function runMocha() {
  const Mocha = loadMocha();
  // The reporters print through Base.consoleLog.
  Mocha.reporters.Base.consoleLog = print;
  // MESHLENS_E2E_GREP (harness development): only the tests whose full title matches it.
  const grep = process.env.MESHLENS_E2E_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, slow: 10_000, ...(grep && { grep }) });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  await mocha.loadFilesAsync();

  const failuresByRunnable = new Map();
  const hookFailures = [];
  const failures = await new Promise((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('fail', (r, err) => {
      const error = String((err && (err.stack || err.message)) || err);
      failuresByRunnable.set(r, error);
      if (r.type === 'hook') hookFailures.push({ title: r.fullTitle(), error, suite: r.parent });
    });
  });

  // Every test with its outcome; a test that never ran (its suite's `before` hook failed) is
  // reported with that hook's error.
  const tests = [];
  const explained = new Set();
  (function walk(suite) {
    for (const t of suite.tests) {
      // Left out by MESHLENS_E2E_GREP: not a result.
      if (grep && !t.fullTitle().includes(grep)) continue;
      let state = t.isPending() ? 'pending' : t.state === 'passed' ? 'passed' : t.state === 'failed' ? 'failed' : 'notrun';
      let error = failuresByRunnable.get(t);
      if (state === 'notrun') {
        const hook = hookFailures.find((h) => { for (let p = t.parent; p; p = p.parent) if (p === h.suite) return true; return false; });
        if (hook) explained.add(hook);
        error = `did not run: ${hook ? `${hook.title} failed: ${hook.error}` : 'mocha never ran it'}`;
      }
      tests.push({ title: t.fullTitle(), state, error, ms: t.duration });
    }
    for (const child of suite.suites) walk(child);
  })(mocha.suite);
  const summary = {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed' || t.state === 'notrun').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    tests,
    // Hook failures that no test above accounts for (e.g. an `after` hook that failed).
    hookFailures: hookFailures.filter((h) => !explained.has(h)).map((h) => ({ title: h.title, error: h.error })),
  };
  console.log(RESULT_MARKER + JSON.stringify(summary));
  if (failures > 0 || summary.failed > 0 || summary.hookFailures.length > 0) throw new Error(`${failures} failure(s)`);
}
