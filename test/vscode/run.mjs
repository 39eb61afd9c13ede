#!/usr/bin/env node
// MeshLens in a real VS Code: `npm --prefix test/vscode run ci` from the repository root.
// See README.md. Ends with the line "vscode: N passed, N failed" and exits non-zero on any failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureInstalled, cleanEnv, HARNESS_DIR, WORK_DIR } from './lib/install.mjs';

const REPO = path.resolve(HARNESS_DIR, '..', '..');
const ARTIFACTS = path.join(HARNESS_DIR, 'artifacts');
const RUN_DIR = path.join(WORK_DIR, 'run');
const EXTENSION_ID = 'meshlens.meshlens';
const PHASE_TIMEOUT_MS = Number(process.env.MESHLENS_E2E_PHASE_TIMEOUT_MS || 300_000);
const OVERALL_TIMEOUT_MS = Number(process.env.MESHLENS_E2E_OVERALL_TIMEOUT_MS || 40 * 60_000);

const t0 = Date.now();
const log = (...a) => console.log(...a);
// Paths given in the environment are relative to where `npm --prefix ...` was typed.
const userPath = (p) => path.resolve(process.env.INIT_CWD || process.cwd(), p);
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

let server = null;
let tmpRoot = null;
let closeAllBrowsers = async () => {};
let finished = false;
const results = []; // { phase, title, ok, skipped, error }

async function cleanup() {
  await closeAllBrowsers().catch(() => {});
  if (server) { await server.stop().catch(() => {}); server = null; }
  if (tmpRoot) { fs.rmSync(tmpRoot, { recursive: true, force: true }); tmpRoot = null; }
}

// Last resort on any exit path: no code-server process group may outlive us.
process.on('exit', () => {
  if (server) { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } }
  if (tmpRoot) { try { fs.rmSync(tmpRoot, { recursive: true, force: true }); } catch { /* ignore */ } }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    console.error(`\n[e2e] ${sig}: stopping code-server and chromium`);
    await cleanup();
    process.exit(130);
  });
}
const watchdog = setTimeout(async () => {
  console.error(`[e2e] the whole run exceeded ${OVERALL_TIMEOUT_MS / 60_000} min: aborting`);
  await cleanup();
  printSummary([{ phase: 'run', title: 'finishes in time', ok: false, error: 'overall time limit' }, ...results]);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

function runCommand(cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`\`${cmd} ${args.join(' ')}\` timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`\`${cmd} ${args.join(' ')}\` (in ${cwd}) exited with ${code ?? signal}`));
    });
  });
}

function copyExamples(dest) {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(path.join(REPO, 'examples'), dest, { recursive: true });
  return dest;
}

/**
 * The .vsix that `npm run package` just wrote: the newest dist/meshlens*.vsix (the name may carry
 * the version, `meshlens-0.1.0.vsix`, or not), which must be no older than the package step, so an
 * old package left in dist/ is never tested by mistake.
 */
function packagedVsix(distDir, startedMs) {
  const found = (fs.existsSync(distDir) ? fs.readdirSync(distDir) : [])
    .filter((f) => /^meshlens.*\.vsix$/.test(f))
    .map((f) => ({ file: path.join(distDir, f), mtimeMs: fs.statSync(path.join(distDir, f)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  if (!found.length) throw new Error(`npm run package produced no ${path.join(distDir, 'meshlens*.vsix')}`);
  const [newest] = found;
  if (newest.mtimeMs < startedMs - 1000) {
    throw new Error(`the newest package, ${newest.file}, is older than this run: npm run package wrote no dist/meshlens*.vsix`);
  }
  return newest.file;
}

/** MESHLENS_E2E_PHASES=3 or 1,3: run only those phases (working on the harness); default all. */
function selectedPhases() {
  const raw = (process.env.MESHLENS_E2E_PHASES ?? '').trim();
  if (!raw) return new Set([1, 2, 3]);
  const set = new Set(raw.split(/[\s,]+/).filter(Boolean).map(Number));
  for (const n of set) if (![1, 2, 3].includes(n)) throw new Error(`MESHLENS_E2E_PHASES=${raw}: phases are 1, 2 and 3`);
  return set;
}

function printSummary(all) {
  const failed = all.filter((r) => !r.ok && !r.skipped);
  const passed = all.filter((r) => r.ok);
  const skipped = all.filter((r) => r.skipped);
  if (failed.length) {
    log('\n[e2e] failures:');
    for (const r of failed) log(`  ✖ [${r.phase}] ${r.title}\n      ${String(r.error || '').split('\n').join('\n      ')}`);
  }
  log(`[e2e] finished in ${elapsed()}`);
  log(`vscode: ${passed.length} passed, ${failed.length} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
}

function report(phase, cases) {
  log(`\n[e2e] ${phase}:`);
  for (const c of cases) {
    results.push({ phase, ...c });
    log(`  ${c.ok ? '✔' : c.skipped ? '-' : '✖'} ${c.title}${c.ok || c.skipped ? '' : `\n      ${String(c.error || '').split('\n').join('\n      ')}`}`);
  }
}

async function main() {
  log(`[e2e] MeshLens in a real VS Code (code-server + chromium); repository: ${REPO}`);

  // 1. The harness's own dependencies.
  await ensureInstalled(log);
  const browserMod = await import('./lib/browser.mjs');
  closeAllBrowsers = browserMod.closeAllBrowsers;
  const { installVsix, startCodeServer, writeUserSettings } = await import('./lib/codeserver.mjs');
  const { runProblemsPhase } = await import('./lib/problems.mjs');
  const { runExtensionHostPhase } = await import('./lib/exthost.mjs');
  const { runJourneyPhase } = await import('./lib/journey.mjs');
  const phases = selectedPhases();
  if (phases.size < 3) log(`[e2e] MESHLENS_E2E_PHASES: running phase(s) ${[...phases].join(', ')} only`);
  const expected = JSON.parse(fs.readFileSync(path.join(HARNESS_DIR, 'expected-problems.json'), 'utf8'));

  // 2. The .vsix, exactly as it would be published.
  let vsix = process.env.MESHLENS_E2E_VSIX && userPath(process.env.MESHLENS_E2E_VSIX);
  if (vsix) {
    log(`[e2e] using MESHLENS_E2E_VSIX=${vsix} (not packaging)`);
  } else if (process.env.MESHLENS_E2E_EXTENSION_DIR) {
    log(`[e2e] using the unpacked extension MESHLENS_E2E_EXTENSION_DIR=${process.env.MESHLENS_E2E_EXTENSION_DIR} (harness development only)`);
  } else {
    const before = Date.now();
    log('[e2e] npm run package (repository root)');
    await runCommand('npm', ['run', 'package'], { cwd: REPO, env: cleanEnv(), timeoutMs: 10 * 60_000 });
    vsix = packagedVsix(path.join(REPO, 'dist'), before);
  }

  // 3. A fresh extensions dir, user data dir and home; workspaces are fresh copies of examples/.
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
  const extensionsDir = path.join(RUN_DIR, 'extensions');
  const userDataDir = path.join(RUN_DIR, 'user-data');
  const home = path.join(RUN_DIR, 'home');
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-e2e-'));

  let installedDir;
  if (vsix) {
    const r = installVsix({ vsix, extensionsDir, userDataDir, home, extensionId: EXTENSION_ID });
    installedDir = r.dir;
    log(`[e2e] installed ${path.basename(vsix)} with code-server --install-extension: ${installedDir}`);
  } else {
    const src = userPath(process.env.MESHLENS_E2E_EXTENSION_DIR);
    const pkg = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8'));
    installedDir = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
    fs.cpSync(src, installedDir, { recursive: true });
  }
  writeUserSettings(userDataDir);

  // 4. One code-server for both phases, with the smoke-test driver option (needed by phase 2's
  //    `payload`; phase 1 opens a plain window of the same server).
  server = await startCodeServer({
    userDataDir, extensionsDir, home,
    logFile: path.join(ARTIFACTS, 'code-server.log'),
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  });
  log(`[e2e] code-server listening on ${server.url} (pid ${server.pid}) after ${elapsed()}`);

  // Phase 1: the Problems panel of the real workbench.
  if (phases.has(1)) {
    const wsProblems = copyExamples(path.join(tmpRoot, 'problems', 'examples'));
    const p1 = await phaseWithTimeout('phase 1 (Problems panel)', () => runProblemsPhase({
      server, workspaceDir: wsProblems, expected, artifactsDir: ARTIFACTS, home, log, phaseTimeoutMs: PHASE_TIMEOUT_MS,
    }));
    report('phase 1: Problems panel in the workbench', p1.cases);
    if (p1.screenshot && fs.existsSync(p1.screenshot)) log(`[e2e] screenshot: ${p1.screenshot}`);
  }

  // Phase 2: the mocha suite inside the extension host, against the installed (packaged) extension.
  if (phases.has(2)) {
    const wsExthost = copyExamples(path.join(tmpRoot, 'exthost', 'examples'));
    // The debugging test (95-debug) launches a real Node program under the JavaScript debugger:
    // 1-2.5 minutes more on a busy 2-core machine.
    const phase2Ms = PHASE_TIMEOUT_MS + 150_000;
    const p2 = await phaseWithTimeout('phase 2 (extension host)', () => runExtensionHostPhase({
      server, workspaceDir: wsExthost,
      extensionDevelopmentPath: installedDir,
      extensionTestsPath: path.join(HARNESS_DIR, 'suite', 'index.js'),
      artifactsDir: ARTIFACTS, home, log, phaseTimeoutMs: phase2Ms,
    }), phase2Ms);
    report('phase 2: tests in the extension host', p2.cases);
  }

  // Phase 3: the user's journey through the workbench UI on examples/bookinfo-broken/, then the
  // traces journey with demo traffic, a screenshot per step.
  if (phases.has(3)) {
    const wsJourney = path.join(tmpRoot, 'journey', 'bookinfo-broken');
    fs.mkdirSync(path.dirname(wsJourney), { recursive: true });
    fs.cpSync(path.join(REPO, 'examples', 'bookinfo-broken'), wsJourney, { recursive: true });
    const p3 = await phaseWithTimeout('phase 3 (journey in the workbench)', () => runJourneyPhase({
      server, workspaceDir: wsJourney, expected, artifactsDir: ARTIFACTS, home, log,
    }), PHASE_TIMEOUT_MS + 180_000); // ten steps through the UI, each bounded by itself; on a busy 2-core machine ~3 min
    report('phase 3: the user\'s journey in the workbench (bookinfo-broken, demo traffic)', p3.cases);
  }
}

/** A phase that does not end by itself within its limit (+30 s grace) fails as a whole. */
async function phaseWithTimeout(name, fn, limitMs = PHASE_TIMEOUT_MS) {
  let timer;
  const limit = limitMs + 30_000;
  try {
    return await Promise.race([
      fn(),
      new Promise((resolve) => {
        timer = setTimeout(async () => {
          await closeAllBrowsers().catch(() => {});
          resolve({ cases: [{ title: `${name} finishes`, ok: false, error: `did not finish within ${limit / 1000} s` }] });
        }, limit);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let exitCode = 1;
try {
  await main();
  exitCode = results.length > 0 && results.every((r) => r.ok || r.skipped) ? 0 : 1;
} catch (e) {
  console.error(`\n[e2e] ERROR: ${e.message}`);
  results.push({ phase: 'setup', title: 'the harness starts VS Code with MeshLens', ok: false, error: e.message });
} finally {
  await cleanup();
  finished = true;
}
printSummary(results);
process.exit(finished ? exitCode : 1);
