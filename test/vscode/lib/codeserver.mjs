// Starting and stopping code-server (a full VS Code 1.139 server from npm) for the tests.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CODE_SERVER_ENTRY, NODE24_BIN } from './install.mjs';

/** Environment for every child we start: Node 24 first on PATH, caches and config kept under `home`. */
export function childEnv(home) {
  fs.mkdirSync(path.join(home, 'config'), { recursive: true });
  fs.mkdirSync(path.join(home, 'cache'), { recursive: true });
  fs.mkdirSync(path.join(home, 'data'), { recursive: true });
  const env = {
    ...process.env,
    PATH: `${path.dirname(NODE24_BIN)}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_DATA_HOME: path.join(home, 'data'),
    // No extension gallery (code-server defaults to open-vsx.org, unreachable here): the workbench
    // then makes no update or recommendation queries.
    EXTENSIONS_GALLERY: '{}',
  };
  // Nothing of the machine's npm/node settings should leak into the server or the extension host.
  for (const k of Object.keys(env)) if (/^npm_/i.test(k) || k === 'NODE_OPTIONS' || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return env;
}

/** `code-server --install-extension file.vsix` into `extensionsDir`; returns the installed folder. */
export function installVsix({ vsix, extensionsDir, userDataDir, home, extensionId }) {
  const args = [CODE_SERVER_ENTRY, '--config', path.join(userDataDir, 'config.yaml'), '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'];
  const r = spawnSync(NODE24_BIN, args, { env: childEnv(home), encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error || r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out}`);
  const prefix = `${extensionId.toLowerCase()}-`;
  const dirs = fs.readdirSync(extensionsDir).filter((d) => d.toLowerCase().startsWith(prefix));
  if (dirs.length !== 1) throw new Error(`expected exactly one ${extensionId} folder in ${extensionsDir} after install, found: ${dirs.join(', ') || 'none'}\n${out}`);
  return { dir: path.join(extensionsDir, dirs[0]), output: out };
}

function get(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Starts code-server on an ephemeral port (the kernel picks it: --bind-addr 127.0.0.1:0; we read
 * the port from its "HTTP server listening on" line) and waits for /healthz.
 */
export async function startCodeServer({ userDataDir, extensionsDir, home, logFile, extraArgs = [], startTimeoutMs = 60_000 }) {
  fs.mkdirSync(userDataDir, { recursive: true });
  const args = [CODE_SERVER_ENTRY,
    '--config', path.join(userDataDir, 'config.yaml'),
    '--auth', 'none', '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, ...extraArgs];
  const log = fs.openSync(logFile, 'w');
  const child = spawn(NODE24_BIN, args, { env: childEnv(home), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = code ?? signal; resolve(exited); }));
  const onData = (chunk) => { output += chunk.toString(); try { fs.writeSync(log, chunk); } catch { /* closed */ } };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const server = {
    child,
    pid: child.pid,
    logFile,
    port: 0,
    get url() { return `http://127.0.0.1:${this.port}`; },
    get authority() { return `127.0.0.1:${this.port}`; },
    async stop() {
      if (exited === null) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
        const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 6000))]);
        clearTimeout(t);
      }
      // The file watcher and extension hosts are children in the same process group: make sure
      // none survives the server.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* all gone */ }
      try { fs.closeSync(log); } catch { /* closed */ }
    },
  };

  const deadline = Date.now() + startTimeoutMs;
  while (!server.port) {
    const m = output.match(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (m) server.port = Number(m[1]);
    else if (exited !== null) throw new Error(`code-server exited (${exited}) before listening; its output:\n${output}`);
    else if (Date.now() > deadline) { await server.stop(); throw new Error(`code-server did not listen within ${startTimeoutMs / 1000} s; its output:\n${output}`); }
    else await new Promise((r) => setTimeout(r, 100));
  }
  for (;;) {
    try {
      const r = await get(`${server.url}/healthz`, 2000);
      if (r.status === 200) break;
    } catch { /* not yet */ }
    if (exited !== null) throw new Error(`code-server exited (${exited}) before /healthz answered; its output:\n${output}`);
    if (Date.now() > deadline) { await server.stop(); throw new Error(`code-server /healthz did not answer within ${startTimeoutMs / 1000} s`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return server;
}

/** Settings for a quiet, offline workbench (user-level settings.json of the user-data-dir). */
export function writeUserSettings(userDataDir) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'github.gitAuthentication': false,
    'problems.sortOrder': 'position',
    'problems.showCurrentInStatus': false,
    'files.autoSave': 'off',
    'security.workspace.trust.enabled': false,
    // Any free ports: the machine may run a collector on 4317/4318, and the two phases share it.
    'meshlens.receiver.httpPort': 0,
    'meshlens.receiver.grpcPort': 0,
    'meshlens.receiver.zipkinPort': 0,
  }, null, 2));
}
